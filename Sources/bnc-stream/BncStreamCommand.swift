import ArgumentParser
import BNCCore

@main
struct BncStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnc-stream",
        abstract: "Not implemented yet.",
        version: ToolVersion.current)

    mutating func run() throws {
        Diagnostics(tool: "bnc-stream").report(nil, "not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
