import ArgumentParser
import BNCCore

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Not implemented yet.")

    mutating func run() throws {
        Diagnostics(tool: "bnc-stream").report(nil, "simulate: not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
