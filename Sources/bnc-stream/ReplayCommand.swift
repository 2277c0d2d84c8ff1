import ArgumentParser
import BNCCore

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Not implemented yet.")

    mutating func run() throws {
        Diagnostics(tool: "bnc-stream").report(nil, "replay: not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
