import ArgumentParser
import BNCCore

@main
struct BncStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnc-stats",
        abstract: "Not implemented yet.",
        version: ToolVersion.current)

    mutating func run() throws {
        Diagnostics(tool: "bnc-stats").report(nil, "not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
