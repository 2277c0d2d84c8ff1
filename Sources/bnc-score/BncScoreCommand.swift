import ArgumentParser
import BNCCore

@main
struct BncScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnc-score",
        abstract: "Not implemented yet.",
        version: ToolVersion.current)

    mutating func run() throws {
        Diagnostics(tool: "bnc-score").report(nil, "not implemented yet")
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}
