import ArgumentParser
import BNCCore
import ResultStats
import ToolCommand

struct WindowSizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cv",
        abstract: "Coefficient of variation of trades (and volume) per window for candidate window sizes.",
        discussion: "Input: window rows (e.g. 1-second rows from bnc-window --window 1s | bnc-score, or any result file) or the original's trade_rate*.csv (event_time,trades_per_sec).")

    @OptionGroup var input: InputOptions

    @Option(help: "Candidate window sizes, comma-separated durations.")
    var sizes = DurationList(WindowSizeStudy.defaultSizes)

    @Option(help: "The input rows' window size (default: inferred from the rows).")
    var window: DurationSpec?

    func validate() throws {
        if let problem = StatsOptionLimits.listProblem("--sizes", sizes.values) { throw ValidationError(problem) }
        if let window, let problem = StatsOptionLimits.durationProblem("--window", window) { throw ValidationError(problem) }
    }

    func run() {
        runStats {
            let study = try input.analyse(allowTradeRates: true) { s in
                try s.check()
                if s.tradeRates.count > 0 && s.rowCount == 0 {
                    return WindowSizeStudy(tradeRates: s.tradeRates, sizes: sizes.values)
                } else if s.tradeRates.count > 0 {
                    throw StatsError.rowsAndTradeRates
                }
                return try WindowSizeStudy(rows: s, sizes: sizes.values, inputWindowMilliseconds: try windowMilliseconds(window, s))
            }
            try input.json ? emit(study.json) : emit(study.text())
        }
    }
}
