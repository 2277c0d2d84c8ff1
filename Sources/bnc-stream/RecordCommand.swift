import ArgumentParser
import BNCCore

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Not implemented yet.")

    mutating func run() throws {
        Diagnostics(tool: "bnc-stream").report(nil, "record: not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
