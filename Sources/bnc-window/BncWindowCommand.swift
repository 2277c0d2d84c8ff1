import ArgumentParser
import BNCCore

@main
struct BncWindowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnc-window",
        abstract: "Not implemented yet.",
        version: ToolVersion.current)

    mutating func run() throws {
        Diagnostics(tool: "bnc-window").report(nil, "not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
