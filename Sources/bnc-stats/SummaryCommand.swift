import ArgumentParser
import BNCCore
import ResultStats

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Windows, anomalies, the score distribution (pandas describe), feature means, a histogram.")

    @OptionGroup var input: InputOptions

    @Option(help: "Histogram bins (numpy.histogram equal-width bins).")
    var bins = 20

    @Option(help: "Also append a timestamped summary block to this file (the original's analysis/score_summary.txt).")
    var append: String?

    @Option(help: "Threads that decode a file input at once (default: one per core, at most 8); the figures are those of one thread. A pipe is read by one.")
    var threads: Int?

    func validate() throws {
        if let threads, !LineAlignedChunks.threadsRange.contains(threads) { throw ValidationError("--threads must be between 1 and 64") }
        guard bins > 0, bins <= 1000 else { throw ValidationError("--bins must be between 1 and 1000") }
        if let append, let problem = StatsOptionLimits.pathProblem("--append", append) { throw ValidationError(problem) }
        if let append, let clash = StatsOptionLimits.input(namedBy: append, among: input.files) {
            throw ValidationError("--append names the input \(clash): the summary block would be written into the results it reads")
        }
    }

    func run() {
        runStats {
            let (summary, files) = try input.analyse(threads: threads ?? LineAlignedChunks.defaultThreads) { s in (try SummaryAnalysis(s, bins: bins), s.files) }
            if let append {
                let block = SummaryBlock.render(summary, inputs: files, at: SummaryBlock.now())
                do throws(SummaryBlock.AppendError) { try SummaryBlock.append(block, to: append) } catch { throw error.at(append) }
            }
            try input.json ? emit(summary.json) : emit(summary.text())
        }
    }
}

