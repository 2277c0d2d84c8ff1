import ArgumentParser
import BNCCore
import ResultStats

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Compare the model with a volatility threshold (mean + 2·std, ddof 1): overlap, Jaccard, IF-only windows.")

    @OptionGroup var input: InputOptions

    /// Any count is usable: one above the number of rows lists them all.
    @Option(help: "IF-only windows listed in the table (0 = all; --json always lists all).")
    var limit = 20

    func validate() throws { guard limit >= 0 else { throw ValidationError("--limit must be ≥ 0") } }

    func run() {
        runStats {
            // The text table shows the first `limit`; --json lists every IF-only window.
            let keep = input.json ? nil : limit
            let baseline = try input.analyse { s in try BaselineAnalysis(s, keep: keep) }
            try input.json ? emit(baseline.json) : emit(baseline.text(limit: limit))
        }
    }
}
