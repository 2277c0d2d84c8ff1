import ArgumentParser
import BNCCore

struct PublicDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "public-data",
        abstract: "Not implemented yet.")

    mutating func run() throws {
        Diagnostics(tool: "bnc-stream").report(nil, "public-data: not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
