import ArgumentParser
import BNCCore
import ResultStats
import ToolCommand

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page (inline SVG, no network, no JavaScript) with every analysis.")

    @OptionGroup var input: InputOptions

    @Option(help: "The HTML file to write (a regular file is replaced atomically; a device, FIFO or symlink target is written through).")
    var html: String

    @Option(help: "Pre-move horizons, comma-separated durations.")
    var horizons = DurationList(PreMoveAnalysis.defaultHorizons)

    @Option(help: "The window size (default: inferred from the rows).")
    var window: DurationSpec?

    @Option(help: "Score histogram bins.")
    var bins = 30

    func validate() throws {
        guard bins > 0, bins <= 1000 else { throw ValidationError("--bins must be between 1 and 1000") }
        if let problem = StatsOptionLimits.listProblem("--horizons", horizons.values) { throw ValidationError(problem) }
        if let window, let problem = StatsOptionLimits.durationProblem("--window", window) { throw ValidationError(problem) }
        if let problem = StatsOptionLimits.pathProblem("--html", html) { throw ValidationError(problem) }
        if let clash = StatsOptionLimits.input(namedBy: html, among: input.files) {
            throw ValidationError("--html names the input \(clash): the report would overwrite the results it reads")
        }
    }

    func run() {
        runStats {
            let report = try input.analyse { s in
                var report = try HTMLReport(s, inputs: [], horizons: horizons.values, windowMilliseconds: try windowMilliseconds(window, s),
                                            bins: bins, keepWindows: input.json)
                report.inputs = s.files
                return report
            }
            do throws(ReportFile.WriteError) { try report.write(to: html) } catch { throw error.at(html) }
            if input.json { try emit(report.json) }
        }
    }
}
