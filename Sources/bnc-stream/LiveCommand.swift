import ArgumentParser
import BNCCore

struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Not implemented yet.")

    mutating func run() throws {
        Diagnostics(tool: "bnc-stream").report(nil, "live: not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
