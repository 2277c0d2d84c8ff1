import ArgumentParser
import BNCCore
import ToolCommand

/// `bnc-stats` summarises scored results (ours or the original project's) the way the original's
/// pandas scripts did, with no Python at run time.
@main
struct BncStatsCommand: ToolMainCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnc-stats",
        abstract: "Summaries, baselines, the pre-move study and an HTML report of anomaly-detection results.",
        discussion: """
            Reads bnc-score's CSV or NDJSON and the original project's window_results CSV (detected \
            from the first line), from files or stdin; several files are read as one series in time \
            order. Rows without a score (the model's warm-up) are counted but left out of score statistics.
            """,
        version: ToolVersion.current,
        subcommands: [SummaryCommand.self, HourlyCommand.self, BaselineCommand.self, PreMoveCommand.self,
                      WindowSizeCommand.self, ReportCommand.self, WatchCommand.self])
}
