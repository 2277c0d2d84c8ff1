import ArgumentParser
import BNCCore
import Windowing
import ToolCommand

@main
struct BncWindowCommand: ToolMainCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnc-window",
        abstract: "Cut Binance trade lines into fixed event-time windows of feature rows (NDJSON).",
        discussion: """
            Reads trade lines (one Binance trade or aggTrade payload per line, as bnc-stream writes \
            them; the combined-stream envelope is unwrapped) and writes one JSON row per symbol per \
            window, as soon as the window closes. Windows are [start, end) aligned to multiples of \
            the window size since the Unix epoch, placed by the exchange's timestamps only. A window \
            closes when a trade of its symbol at or after end + lateness arrives, or at end of input. \
            Bad lines are skipped and counted; SIGINT/SIGTERM flush the open windows \
            (complete:false) and exit 0.
            """,
        version: ToolVersion.current)

    @Argument(help: "Trade-line files, read in order as one stream; none or '-' reads stdin.")
    var files: [String] = []

    @Option(help: "Window length: 500ms, 20s, 5m, 1h (a bare number is seconds).")
    var window = DurationSpec(milliseconds: 20_000)

    @Option(help: "How long a window waits for trades that arrive out of order before it closes.")
    var lateness = DurationSpec(milliseconds: 1_000)

    @Option(help: "Exchange timestamp that places a trade in a window: 'trade' (T) or 'event' (E).")
    var timeField: TimeField = .trade

    @Flag(help: "Exit 65 at the first bad line instead of skipping it.")
    var strict = false

    @Flag(help: "Do not print the summary line on stderr.")
    var quiet = false

    @Option(help: "How many bad lines are named on stderr; further ones are only counted.")
    var maxErrors = 10

    func validate() throws {
        guard window.milliseconds > 0 else { throw ValidationError("--window must be longer than 0 ms.") }
        guard maxErrors >= 0 else { throw ValidationError("--max-errors must not be negative.") }
        guard lateness.milliseconds / window.milliseconds < WindowConfiguration.maxOpenWindows else {
            throw ValidationError("--lateness is too long for a \(window) window.")
        }
    }

    func run() {
        ToolExit.run(tool: "bnc-window") {
            SignalTrap.install()
            let options = WindowRun.Options(
                configuration: WindowConfiguration(windowMilliseconds: window.milliseconds,
                                                   latenessMilliseconds: lateness.milliseconds, timeField: timeField),
                strict: strict, quiet: quiet, maxErrorLines: maxErrors)
            var job = WindowRun(options: options)
            ToolExit.exit(job.run(InputFile.list(files)))
        }
    }
}

extension TimeField: ExpressibleByArgument {}
