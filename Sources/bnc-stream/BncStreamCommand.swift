import ArgumentParser
import BNCCore
import ToolCommand

/// `bnc-stream` writes Binance trade lines (DESIGN.md §1) to stdout: live by default, or from
/// history with a subcommand.
@main
struct BncStreamCommand: ToolMainCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnc-stream",
        abstract: "Write Binance trades as NDJSON trade lines: live, or from history.",
        version: ToolVersion.current,
        subcommands: [LiveCommand.self, PublicDataCommand.self, ReplayCommand.self, SimulateCommand.self, RecordCommand.self],
        defaultSubcommand: LiveCommand.self)
}
