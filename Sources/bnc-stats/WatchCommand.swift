import ArgumentParser
import BNCCore
import ResultStats
import ToolCommand

/// `bnc-stats watch`: a live view on a terminal and one alert per anomaly episode. Parsing and
/// wiring only; the behaviour is `WatchSession` (ResultStats/Watch, docs/stats.md#watch).
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow scored results: a live view on a terminal, one alert per anomaly episode (NDJSON or --exec).",
        discussion: """
            An episode is a run of consecutive anomalous windows of one symbol (--merge-gap joins \
            runs split by a few normal windows); each gets one alert, at its first window. On a \
            terminal without --exec or --ndjson the live view is drawn; otherwise each alert is one \
            JSON line on stdout, or goes to --exec CMD as JSON on stdin plus BNC_* variables.
            """)

    @Argument(help: "Result files (our CSV/NDJSON, the original's CSV); with --follow also a daily pattern (DATA/window_results_%Y-%m-%d.csv) or a folder. None or '-' reads stdin.")
    var files: [String] = []

    @Flag(name: [.customShort("f"), .long], help: "Keep following the files as they grow, like tail -F: daily rotation, truncation, re-creation.")
    var follow = false

    @Option(help: ArgumentHelp("Join anomalous runs separated by at most N normal windows into one episode.", valueName: "n"))
    var mergeGap = 0

    @Option(help: ArgumentHelp("Count a window as anomalous only if its anomaly_score is at least this (0-1; rows without one are judged by prediction).", valueName: "score"))
    var minScore: Double?

    @Option(help: ArgumentHelp("Per symbol: no alert for an episode that starts less than this (window time) after the previous alert.", valueName: "duration"))
    var cooldown = DurationSpec(milliseconds: 0)

    @Option(help: ArgumentHelp("Only these symbols (repeat the option; case-insensitive). Default: all.", valueName: "symbol"))
    var symbol: [String] = []

    @Option(help: ArgumentHelp("Run this shell command once per alert (/bin/sh -c), the alert as one JSON line on stdin and BNC_* variables.", valueName: "cmd"))
    var exec: String?

    @Option(help: ArgumentHelp("Run this shell command when an alerted episode ends (same JSON/BNC_* conventions, event \"end\").", valueName: "cmd"))
    var onEnd: String?

    @Option(help: ArgumentHelp("Stop a command (its whole process group) that runs longer than this.", valueName: "duration"))
    var execTimeout = DurationSpec(milliseconds: 10_000)

    @Flag(help: "Write each alert as a JSON line on stdout even on a terminal (or next to --exec).")
    var ndjson = false

    @Option(help: ArgumentHelp("Remember the last alerted window per symbol in FILE, so a restarted watch alerts each episode exactly once.", valueName: "file"))
    var state: String?

    @Option(help: ArgumentHelp("Show the live feed's state from DIR/bnc-stream.prom in the view's header (pipelines pass DATA/metrics).", valueName: "dir"))
    var metricsDir: String?

    func validate() throws {
        guard (0...100_000).contains(mergeGap) else { throw ValidationError("--merge-gap must be between 0 and 100000") }
        if let minScore, !(minScore >= 0 && minScore <= 1) { throw ValidationError("--min-score must be between 0 and 1 (anomaly_score)") }
        if cooldown.milliseconds < 0 { throw ValidationError("--cooldown must not be negative") }
        guard execTimeout.milliseconds > 0, execTimeout.milliseconds <= 86_400_000 else {
            throw ValidationError("--exec-timeout must be more than 0 and at most 24h")
        }
        for s in symbol { if let problem = StatsOptionLimits.symbolProblem(s) { throw ValidationError(problem) } }
        if let exec, exec.trimming().isEmpty { throw ValidationError("--exec needs a command") }
        if let onEnd, onEnd.trimming().isEmpty { throw ValidationError("--on-end needs a command") }
        if let state, let problem = StatsOptionLimits.pathProblem("--state", state) { throw ValidationError(problem) }
        if let state, let clash = StatsOptionLimits.input(namedBy: state, among: files) {
            throw ValidationError("--state names the input \(clash): the state would be written into the results it reads")
        }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin ('-') can be read only once") }
    }

    func run() {
        runStats {
            var options = WatchOptions()
            options.inputs = files
            options.follow = follow
            options.tracker = EpisodeTracker.Configuration(mergeGap: mergeGap, minScore: minScore,
                                                           cooldownMilliseconds: cooldown.milliseconds,
                                                           symbols: Set(symbol.map { $0.uppercased() }))
            options.exec = exec
            options.onEnd = onEnd
            options.execTimeoutMilliseconds = execTimeout.milliseconds
            options.stateFile = state
            options.metricsDirectory = metricsDir
            if ndjson { options.output = .ndjson }
            else if exec != nil { options.output = .none }
            else { options.output = TerminalScreen.isTerminal(1) ? .view : .ndjson }
            try WatchSession(options).run()
        }
    }
}
