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
            Bad lines are skipped and counted. A trade whose time is implausible (before 2017, \
            from 2100) or far from its symbol's recent trades is quarantined (outlier_trades) unless \
            the trades that follow confirm the jump; at most --max-silence of empty windows is \
            written for one silence. SIGINT/SIGTERM flush the open windows (complete:false) and exit 0.
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

    @Option(help: "A trade further than this from its symbol's latest trade is held as a possible glitch.")
    var maxJump = DurationSpec(milliseconds: 600_000)

    @Option(help: "Far trades in a row (each within --max-jump of the one before) that confirm a jump in time.")
    var jumpConfirmations = 5

    @Option(help: "Longest run of empty windows written for one silence; the rest is skipped and reported.")
    var maxSilence = DurationSpec(milliseconds: 3_600_000)

    @Flag(help: "Exit 65 at the first bad line instead of skipping it.")
    var strict = false

    @Flag(help: "Do not print the summary line on stderr.")
    var quiet = false

    @Option(help: "How many bad lines are named on stderr; further ones are only counted.")
    var maxErrors = 10

    @Option(help: "Threads that parse a file input at once (default: one per core, at most 8); the rows are those of one thread. A pipe is read by one.")
    var threads: Int?

    @OptionGroup var metrics: MetricsOptions

    func validate() throws {
        guard window.milliseconds > 0 else { throw ValidationError("--window must be longer than 0 ms.") }
        guard maxErrors >= 0 else { throw ValidationError("--max-errors must not be negative.") }
        let longest = WindowConfiguration.maxDurationMilliseconds
        for (name, value) in [("--window", window), ("--lateness", lateness), ("--max-jump", maxJump), ("--max-silence", maxSilence)]
        where value.milliseconds > longest {
            throw ValidationError("\(name) must be at most 366 days.")
        }
        guard lateness.milliseconds / window.milliseconds < WindowConfiguration.maxOpenWindows else {
            throw ValidationError("--lateness is too long for a \(window) window.")
        }
        guard maxJump.milliseconds > lateness.milliseconds else {
            throw ValidationError("--max-jump must be longer than --lateness (\(lateness)).")
        }
        guard maxSilence.milliseconds >= 0 else { throw ValidationError("--max-silence must not be negative.") }
        if let threads, !LineAlignedChunks.threadsRange.contains(threads) { throw ValidationError("--threads must be between 1 and 64.") }
        guard (1...1_000).contains(jumpConfirmations) else {
            throw ValidationError("--jump-confirmations must be between 1 and 1000.")
        }
    }

    func run() {
        ToolExit.run(tool: "bnc-window") {
            SignalTrap.install()
            let options = WindowRun.Options(
                configuration: WindowConfiguration(
                    windowMilliseconds: window.milliseconds, latenessMilliseconds: lateness.milliseconds,
                    timeField: timeField, maxJumpMilliseconds: maxJump.milliseconds,
                    jumpConfirmations: jumpConfirmations, maxSilenceMilliseconds: maxSilence.milliseconds,
                    plausibleTimes: WindowConfiguration.exchangeEra),
                strict: strict, quiet: quiet, maxErrorLines: maxErrors,
                threads: threads ?? WindowRun.defaultThreads)
            let slot = MetricsSlot(WindowHealth(startedAt: MonotonicClock.wallClockMilliseconds(),
                                                windowMilliseconds: window.milliseconds,
                                                latenessMilliseconds: lateness.milliseconds))
            let publisher = try metrics.startPublisher(tool: "bnc-window", slot: slot) { $0.exposition() }
            var job = WindowRun(options: options, metrics: publisher == nil ? nil : slot)
            let status = job.run(InputFile.list(files))
            publisher?.finish()
            ToolExit.exit(status)
        }
    }
}

extension TimeField: ExpressibleByArgument {}
