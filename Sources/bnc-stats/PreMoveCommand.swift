import ArgumentParser
import BNCCore
import ResultStats
import ToolCommand

struct PreMoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "premove",
        abstract: "Do anomalies precede larger price moves? Future Σ|return| per group, ratio to normal, Mann–Whitney U.")

    @OptionGroup var input: InputOptions

    @Option(help: "Horizons, comma-separated durations, converted to windows with the window size.")
    var horizons = DurationList(PreMoveAnalysis.defaultHorizons)

    @Option(help: "The window size (default: inferred — median window_end − timestamp, else median spacing of timestamps).")
    var window: DurationSpec?

    func validate() throws {
        if let problem = StatsOptionLimits.listProblem("--horizons", horizons.values) { throw ValidationError(problem) }
        if let window, let problem = StatsOptionLimits.durationProblem("--window", window) { throw ValidationError(problem) }
    }

    func run() {
        runStats {
            let loaded = try input.load(columns: .none)
            let w = try windowMilliseconds(window, loaded.series)
            let analysis = PreMoveAnalysis(loaded.series, horizons: horizons.values, windowMilliseconds: w)
            try input.json ? emit(analysis.json) : emit(analysis.text())
        }
    }
}

/// The window size from `--window` or inferred from the rows; exit 65 when neither works.
func windowMilliseconds(_ option: DurationSpec?, _ series: ResultSeries) throws(StatsError) -> Double {
    if let option { return Double(option.milliseconds) }
    guard let w = series.inferredWindowMilliseconds, w > 0 else { throw .unknownWindowSize }
    return w
}

