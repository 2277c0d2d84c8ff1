import BNCCore

/// `bnc-stats watch`'s loop: follows the inputs, decodes rows, feeds the episode tracker, and
/// hands each event to its sink — the live view, NDJSON on stdout, `--exec` / `--on-end`
/// commands — saving `--state` after every alert. Single-threaded and never blocking: between
/// rounds it sleeps in `poll` (stdin) or for `pollMilliseconds`, and a signal ends the sleep.
package final class WatchSession {
    private let options: WatchOptions
    private let diagnostics = Diagnostics(tool: "bnc-stats")
    private var tracker: EpisodeTracker
    private var board = WatchBoard()
    private let renderer = LiveViewRenderer()
    private let screen = TerminalScreen()
    private let runner: ExecRunner
    private let out = OutputBuffer(fileDescriptor: 1, flushThreshold: 1 << 16)
    /// One followed input and the header state of the file it is in.
    private final class Input {
        let follower: FileFollower
        var decoder = ScoredRowDecoder()
        /// A file left by a daily rotation, still followed for late rows of a slower symbol.
        let draining: Bool
        init(_ follower: FileFollower, decoder: ScoredRowDecoder = ScoredRowDecoder(), draining: Bool = false) {
            self.follower = follower; self.decoder = decoder; self.draining = draining
        }
    }

    /// How long the previous day's file is still followed after a rotation, once it stops growing.
    package static let drainMilliseconds: Int64 = 10 * 60_000

    private var inputs: [Input] = []
    private var feed: FeedMetrics?
    private var lastFeedRead: Int64 = -1_000_000
    private var reported = 0
    private var stateDirty = false
    private var lastSave: Int64 = 0
    private var downstreamClosed = false
    private var viewActive = false
    /// Counts for the end-of-run summary and the tests.
    package private(set) var rows = 0, badRows = 0, alerts = 0, ends = 0

    package init(_ options: WatchOptions) throws(WatchError) {
        self.options = options
        var states: [String: EpisodeTracker.SymbolState] = [:]
        if let file = options.stateFile {
            states = try WatchStateFile.load(file)
            try WatchStateFile.save(states, to: file)   // an unwritable state file fails now, before any alert
        }
        tracker = EpisodeTracker(options.tracker, states: states)
        runner = ExecRunner(timeoutMilliseconds: options.execTimeoutMilliseconds)
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        for input in inputs {
            self.inputs.append(Input(FileFollower(FileFollower.Target.parse(input), follow: options.follow)))
        }
        board.sourceNames = inputs.map { $0 == "-" ? "<stdin>" : $0 }
    }

    /// Runs until the inputs end (without `--follow`) or SIGINT/SIGTERM; always restores the
    /// terminal, saves the state and lets started commands finish (each within its timeout).
    package func run() throws(WatchError) {
        SignalTrap.install()
        if options.output == .view && options.follow {
            TerminalScreen.installHandlers()
            screen.enter()
            viewActive = true
        }
        defer { screen.leave() }
        var lastDraw: Int64 = 0
        var dirty = true
        do throws(WatchError) {
            while !SignalTrap.stopRequested && !downstreamClosed {
                var progress = false
                if runner.backlog < options.maxBacklog {
                    for input in inputs where !input.follower.finished {
                        if try pump(input) { progress = true }
                    }
                    retireQuietFiles()
                }
                runner.tick()
                let now = MonotonicClock.nowMilliseconds()
                if progress { dirty = true }
                if stateDirty, now - lastSave >= 5000 { try saveState() }
                if viewActive {
                    if TerminalScreen.takeSuspend() { screen.suspend(); dirty = true; lastDraw = 0 }
                    let resized = TerminalScreen.takeResize()
                    if resized || (dirty && now - lastDraw >= 100) || now - lastDraw >= 1000 {
                        draw()
                        lastDraw = now
                        dirty = false
                    }
                }
                if inputs.allSatisfy({ $0.follower.finished }) { break }
                if !progress { sleep() }
            }
        } catch {
            finish()
            throw error
        }
        finish()
        try saveState()
        if options.output == .view && !viewActive && !SignalTrap.stopRequested {
            // Read to the end without --follow: the last frame once, on the normal screen.
            let size = screen.size()
            let lines = renderer.render(board, feed: feedSummary(), width: size.width, height: max(size.height, 12), now: MonotonicClock.wallClockMilliseconds())
            try write(lines.map(\.text).joined(separator: "\n") + "\n")
        }
    }

    /// The tracker's states (for tests and the end).
    package var states: [String: EpisodeTracker.SymbolState] { tracker.states }

    private func finish() {
        try? flush()
        if !runner.isIdle {
            if SignalTrap.stopRequested && !viewActive {
                diagnostics.report("exec", "waiting for \(runner.backlog) command(s) to finish (each within --exec-timeout)")
            }
            runner.drain()
        }
    }

    private func pump(_ input: Input) throws(WatchError) -> Bool {
        let follower = input.follower
        var failure: WatchError?
        let progress = try follower.pump { event in
            guard failure == nil else { return }
            switch event {
            case .newFile(let name, let why):
                if why == "rotated" { retiredDecoder = input.decoder }
                input.decoder.reset()
                if why != "opened" { note("\(name): \(why); reading it from the start") }
            case .line(let bytes):
                switch input.decoder.decode(bytes) {
                case .none: break
                case .row(let row):
                    do throws(WatchError) { try handle(row, source: follower.displayName) } catch { failure = error }
                case .bad(let reason):
                    bad(follower, reason)
                }
            case .oversized(let length):
                bad(follower, "line of \(length) bytes is too long")
            }
        }
        if let failure { throw failure }
        if let old = follower.takeRetired() {
            inputs.append(Input(old, decoder: retiredDecoder, draining: true))
        }
        return progress
    }

    private var retiredDecoder = ScoredRowDecoder()

    /// Stops following a rotated-away file once it has been quiet for `drainMilliseconds`.
    private func retireQuietFiles() {
        let now = MonotonicClock.nowMilliseconds()
        inputs.removeAll { input in
            guard input.draining, now - input.follower.lastGrowth >= Self.drainMilliseconds else { return false }
            input.follower.stop { _ in }
            return true
        }
    }

    private func bad(_ follower: FileFollower, _ reason: String) {
        badRows += 1
        board.skippedRows = badRows
        if reported < 5 {
            reported += 1
            note("\(follower.displayName):\(follower.lineNumber): skipped: \(reason)", location: nil)
        } else if reported == 5 {
            reported += 1
            note("more unreadable rows are skipped without a message", location: nil)
        }
    }

    private func handle(_ row: WatchRow, source: String) throws(WatchError) {
        rows += 1
        guard tracker.accepts(row.symbol) else { _ = tracker.process(row); return }
        let events = tracker.process(row)
        if board.panels[row.symbol].map({ row.start > $0.last.start }) ?? true {
            board.record(row, anomalous: tracker.isAnomalous(row), episode: tracker.states[row.symbol]?.open)
        }
        stateDirty = true
        guard !events.isEmpty else { return }
        for event in events { try dispatch(event, source: source) }
        try saveState()
    }

    private func dispatch(_ event: EpisodeTracker.Event, source: String) throws(WatchError) {
        board.record(event)
        switch event {
        case .alert(let alert):
            alerts += 1
            let line = AlertEncoder.jsonLine(event, source: source)
            if options.output == .ndjson { try write(line) }
            if let exec = options.exec {
                runner.submit(ExecRunner.Job(symbol: alert.row.symbol, command: exec, stdin: line,
                                             environment: AlertEncoder.environment(event, source: source), label: "alert \(alert.episodeID)"))
            }
        case .ended(let end):
            ends += 1
            if let onEnd = options.onEnd {
                runner.submit(ExecRunner.Job(symbol: end.symbol, command: onEnd, stdin: AlertEncoder.jsonLine(event, source: source),
                                             environment: AlertEncoder.environment(event, source: source), label: "end of \(end.episodeID)"))
            }
        case .suppressed:
            break
        }
    }

    private func write(_ text: String) throws(WatchError) {
        guard !downstreamClosed else { return }
        do throws(OutputError) {
            try out.append(text)
            try out.flush()
        } catch .downstreamClosed {
            downstreamClosed = true
        } catch {
            throw .output(error.description)
        }
    }

    private func flush() throws(WatchError) {
        do throws(OutputError) { try out.flush() } catch .downstreamClosed { downstreamClosed = true } catch { throw .output(error.description) }
    }

    private func saveState() throws(WatchError) {
        guard let file = options.stateFile, stateDirty else { return }
        try WatchStateFile.save(tracker.states, to: file)
        stateDirty = false
        lastSave = MonotonicClock.nowMilliseconds()
    }

    /// A message for the user: on stderr, or — while the view owns the terminal and stderr is
    /// that terminal — in the view's header instead of through it.
    private func note(_ message: String, location: String? = nil) {
        if viewActive && isatty(2) == 1 { board.note = message; return }
        diagnostics.report(location, message)
    }

    private func feedSummary() -> String? {
        guard let dir = options.metricsDirectory else { return nil }
        let now = MonotonicClock.nowMilliseconds()
        if now - lastFeedRead >= 1000 {
            feed = FeedMetrics.load(directory: dir)
            lastFeedRead = now
        }
        guard let feed else { return "feed: no metrics yet (\(dir)/bnc-stream.prom)" }
        return feed.summary(now: MonotonicClock.wallClockMilliseconds())
    }

    private func draw() {
        let size = screen.size()
        screen.draw(renderer.render(board, feed: feedSummary(), width: size.width, height: size.height,
                                    now: MonotonicClock.wallClockMilliseconds()))
    }

    private func sleep() {
        let ms = Int32(min(250, max(10, options.pollMilliseconds)))
        if let fd = inputs.lazy.compactMap({ $0.follower.pollDescriptor }).first {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, ms)
        } else {
            _ = poll(nil, 0, ms)
        }
    }
}
