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
            let analysis = try input.analyse(columns: .none) { s in
                try PreMoveAnalysis(s, horizons: horizons.values, windowMilliseconds: try windowMilliseconds(window, s))
            }
            try input.json ? emit(analysis.json) : emit(analysis.text())
        }
    }
}

