import CCurl
import BNCCore
import BNCWire

/// The live feed: keeps one WebSocket connection delivering trades for weeks, writes each trade
/// line once and in id order per symbol, and explains every connection event on stderr.
///
/// - Reconnects with `ReconnectPolicy` under `ConnectionRateLimiter`; `maxRetries` consecutive
///   failures end the run with status 69.
/// - Rollover: `rolloverAfter` after a connection opened, or when the server announces
///   `serverShutdown`, a second connection is opened; its trades are held back until the old
///   connection has caught up to them (or `switchGrace` passes), then the old one is closed and
///   the held trades go out with the overlap dropped by id.
/// - Gaps: a trade more than one id past the last one written for its symbol triggers a REST
///   backfill of the missing ids, written before it.
///
/// - Heartbeats: while the connection proves alive, one `bnc.heartbeat` line per symbol about
///   every `heartbeatMilliseconds`, carrying the estimated exchange clock (`HeartbeatClock`), so
///   bnc-window closes a silent market's windows on time.
///
/// Everything runs on the calling thread (see `runOnDedicatedThread`): one event loop over at
/// most two connections, `curl_easy_recv` first and `poll` only when every socket said `CURLE_AGAIN`.
package final class LiveFeed {
    package let configuration: LiveFeedConfiguration
    let output: OutputBuffer
    let diagnostics: Diagnostics
    private let stop: () -> Bool

    private var ledger = SymbolLedger()
    private var policy: ReconnectPolicy
    /// Shared with the other connections of a `MarketFeed` (Binance counts connections per IP).
    private let gate: ConnectionGate
    private var backfiller: (any TradeBackfilling)?
    /// Makes the connection for an endpoint (`WebSocketConnection`; a scripted one in tests).
    private let makeConnection: (StreamEndpoint, Int) -> any FeedConnection
    private var primary: Session?
    private var candidate: Session?
    private var connectionCounter = 0
    private var consecutiveFailures = 0
    private var nextAttemptAt: Int64 = 0
    private var nextRolloverAttemptAt: Int64 = 0
    private var rolloverFailures = 0
    private var rolloverRequested = false
    private var reportedSkips = 0
    /// When heartbeat lines may be written and what time they carry.
    private var heartbeat: HeartbeatClock

    /// Counters for the closing summary and for tests.
    package private(set) var statistics = Statistics()

    /// The metrics file's state (`--metrics-file`): updated here only when `metrics` is set, and
    /// published to it (see `publishHealth`).
    package private(set) var health: FeedHealth
    private let metrics: MetricsSlot<FeedHealth>?
    private var healthPublishedAt: Int64 = 0
    /// Wall-clock ms when the bytes being handled were received (read once per socket read, only
    /// for metrics).
    private var wallNow: Int64 = 0
    private var everConnected = false

    package struct Statistics: Sendable {
        package var tradesWritten: Int64 = 0
        package var duplicatesDropped: Int64 = 0
        package var backfilled: Int64 = 0
        package var missingUnfilled: Int64 = 0
        package var connections = 0
        package var rollovers = 0
        package var skippedMessages: Int64 = 0
        package var subscriptionsSent = 0
    }

    final class Session {
        let number: Int
        let connection: any FeedConnection
        let openedAt: Int64
        var lastFrameAt: Int64
        var delivered: Int64 = 0
        var firstDeliveryAt: Int64?
        /// The streams beyond the URL's, subscribed once open, paced (`SubscriptionPacer`).
        var subscriptions: SubscriptionPacer
        /// Rollover candidate only: trades held back until the switch, and the first id per slot.
        var held: [(slot: Int, id: Int64, bytes: [UInt8])] = []
        var heldBytes = 0
        var firstHeld: [Int: Int64] = [:]

        let label: String

        init(number: Int, connection: any FeedConnection, now: Int64, label: String, subscriptions: SubscriptionPacer) {
            self.number = number
            self.label = label
            self.subscriptions = subscriptions
            self.connection = connection
            openedAt = now
            lastFrameAt = now
        }

    }

    /// Why pumping a connection stopped: the connection ended (the feed reconnects; past the
    /// retries the exchange is unavailable, 69) or stdout failed (74; a closed pipe is a quiet 0).
    enum FeedError: ToolError {
        case connection(ConnectionError)
        case output(OutputError)

        var description: String {
            switch self {
            case .connection(let error): return error.description
            case .output(let error): return "stdout: \(error)"
            }
        }

        var exitStatus: ExitStatus {
            switch self {
            case .connection(let error): return error.exitStatus
            case .output(let error): return error.exitStatus
            }
        }
    }

    package convenience init(configuration: LiveFeedConfiguration, output: OutputBuffer, diagnostics: Diagnostics,
                            stop: @escaping () -> Bool = { SignalTrap.stopRequested }) {
        self.init(configuration: configuration, output: output, diagnostics: diagnostics, stop: stop,
                  makeConnection: { WebSocketConnection(endpoint: $0, maxMessageSize: $1) }, backfiller: nil)
    }

    /// The seam for tests: `makeConnection` replaces `WebSocketConnection`, and `backfiller`
    /// (when given and backfill is on) replaces the REST `Backfiller`.
    init(configuration: LiveFeedConfiguration, output: OutputBuffer, diagnostics: Diagnostics,
         stop: @escaping () -> Bool,
         makeConnection: @escaping (StreamEndpoint, Int) -> any FeedConnection,
         backfiller: (any TradeBackfilling)?) {
        self.configuration = configuration
        metrics = configuration.metrics
        health = metrics?.read() ?? FeedHealth(symbols: [], startedAt: 0)
        // The subscribed symbols take the first ledger slots, in the order of `health.symbols`.
        for entry in health.symbols { _ = ledger.slot(for: entry.symbol) }
        self.output = output
        self.diagnostics = diagnostics
        self.stop = stop
        self.makeConnection = makeConnection
        heartbeat = HeartbeatClock(interval: max(1, configuration.heartbeatMilliseconds))
        policy = ReconnectPolicy(initialMilliseconds: configuration.backoffInitialMilliseconds,
                                 maxMilliseconds: configuration.backoffMaxMilliseconds,
                                 resetAfterMilliseconds: configuration.backoffResetAfterMilliseconds)
        gate = configuration.connectionGate
            ?? ConnectionGate(limit: configuration.connectionLimit, windowMilliseconds: configuration.connectionLimitWindowMilliseconds)
        if configuration.backfillEnabled {
            self.backfiller = backfiller
                ?? Backfiller(baseURL: configuration.restEndpoint, kind: configuration.kind, tls: configuration.tls,
                              weightPerMinute: configuration.restWeightPerMinute, diagnostics: diagnostics,
                              budget: configuration.weightBudget)
        }
    }

    /// Runs the feed on a new thread of its own (not the cooperative pool) and waits for it.
    package static func runOnDedicatedThread(configuration: LiveFeedConfiguration, diagnostics: Diagnostics) -> ExitStatus {
        DedicatedThread(stackSize: 1 << 20) {
            LiveFeed(configuration: configuration, output: OutputBuffer(fileDescriptor: 1), diagnostics: diagnostics).run()
        }.join()
    }

    // MARK: - The event loop

    /// Runs until a signal, a closed downstream pipe, or `maxRetries` exhausted.
    package func run() -> ExitStatus {
        _ = bnc_global_init_once
        let status = loop()
        defer {
            // Whatever ended the run, the last values say the connection is gone.
            if metrics != nil, health.connected {
                health.connected = false
                health.disconnectedSince = MonotonicClock.wallClockMilliseconds()
            }
            publishHealth()
        }
        // Whatever ended the run, what was received is written (a no-op after EPIPE).
        do { try output.flush() } catch {
            if case .writeFailed = error, status != .ioError { diagnostics.report("stdout", "\(error)"); return .ioError }
        }
        return status
    }

    private func loop() -> ExitStatus {
        while true {
            if stop() { return shutDown(reason: "signal") }
            let now = MonotonicClock.nowMilliseconds()
            guard let current = primary else {
                if let status = connectPrimary(now: now) { return status }
                continue
            }
            maybeStartRollover(current, now: now)

            var busy = false
            do {
                busy = try pump(current) || busy
            } catch {
                switch error {
                case .output(let error): return outputFailed(error)
                case .connection(let error):
                    if let status = primaryEnded(current, error) { return status }
                    continue
                }
            }
            if let c = candidate {
                do {
                    busy = try pump(c) || busy
                } catch {
                    switch error {
                    case .output(let error): return outputFailed(error)
                    case .connection(let error): candidateEnded(c, error)
                    }
                }
            }
            subscribe(current)
            if let c = candidate { subscribe(c) }
            do {
                try beat(on: current)
                try output.flush()
            } catch { return outputFailed(error) }

            let later = MonotonicClock.nowMilliseconds()
            if metrics != nil, later - healthPublishedAt >= 250 { publishHealth(urgent: false) }
            if let c = candidate, let first = c.firstDeliveryAt, primary === current {
                if readyToSwitch(c) || later - first >= configuration.switchGraceMilliseconds {
                    do { try switchTo(c, from: current) } catch { return outputFailed(error) }
                    continue
                }
            }
            if later - current.lastFrameAt > configuration.idleTimeoutMilliseconds {
                if let status = primaryEnded(current, .idle(milliseconds: configuration.idleTimeoutMilliseconds)) { return status }
                continue
            }
            if let c = candidate, later - c.lastFrameAt > configuration.idleTimeoutMilliseconds {
                candidateEnded(c, .idle(milliseconds: configuration.idleTimeoutMilliseconds))
            }
            if !busy { waitForSockets(now: later) }
        }
    }

    /// Opens the primary connection when its time has come; returns a status to exit with.
    private func connectPrimary(now: Int64) -> ExitStatus? {
        if now < nextAttemptAt {
            _ = MonotonicClock.sleep(milliseconds: min(nextAttemptAt - now, 200), stop: stop)
            return nil
        }
        let wait = gate.reserve(now: now)
        if wait > 0 {
            diagnostics.report(place, "\(gate.limit) connections in \(DurationText.format(gate.windowMilliseconds)): waiting \(DurationText.format(wait))")
            nextAttemptAt = now + wait
            return nil
        }
        switch open() {
        case .success(let session):
            if metrics != nil {
                health.opened(at: MonotonicClock.wallClockMilliseconds(), replacingLost: everConnected)
                publishHealth()
            }
            everConnected = true
            primary = session
            // Every stream subscribed before the catch-up, so REST and the stream overlap.
            subscribeAll(session)
            do { try catchUp() } catch { return outputFailed(error) }
            return nil
        case .failure(let error):
            consecutiveFailures += 1
            if let max = configuration.maxRetries, consecutiveFailures > max {
                diagnostics.report(place, "giving up after \(consecutiveFailures) failed attempts in a row (--max-retries \(max))")
                return .unavailable
            }
            scheduleReconnect(after: error)
            return nil
        }
    }

    /// Where connection events are reported: "connection", or "connection 2/3" in a `MarketFeed`.
    private var place: String { configuration.name.map { "connection \($0)" } ?? "connection" }

    private func label(_ number: Int) -> String { "\(place) #\(number)" }

    /// Opens a connection; the caller has booked the attempt with `gate`.
    private func open() -> Result<Session, ConnectionError> {
        connectionCounter += 1
        statistics.connections += 1
        let number = connectionCounter
        let connection = makeConnection(configuration.endpoint, configuration.maxMessageSize)
        do {
            try connection.open(tls: configuration.tls, timeoutMilliseconds: configuration.connectTimeoutMilliseconds, stop: stop)
        } catch {
            connection.drop()
            diagnostics.report(label(number), "\(error)")
            if metrics != nil {
                health.failedToConnect(error.description, at: MonotonicClock.wallClockMilliseconds())
                publishHealth()
            }
            return .failure(error)
        }
        diagnostics.report(label(number), "connected to \(configuration.endpoint.summary)")
        return .success(Session(number: number, connection: connection, now: MonotonicClock.nowMilliseconds(), label: label(number),
                                subscriptions: SubscriptionPacer(batches: configuration.endpoint.subscriptions,
                                                                 intervalMilliseconds: configuration.subscriptionIntervalMilliseconds)))
    }

    private func scheduleReconnect(after error: ConnectionError?) {
        var delay = policy.nextDelay()
        if let seconds = error?.retryAfterSeconds {
            delay = max(delay, Int64(seconds) * 1000)
        }
        nextAttemptAt = MonotonicClock.nowMilliseconds() + delay
        let retries = consecutiveFailures == 0 ? "" : configuration.maxRetries.map { " (failure \(consecutiveFailures) of at most \($0 + 1))" } ?? " (failure \(consecutiveFailures))"
        diagnostics.report(place, "reconnecting in \(DurationText.format(delay))\(retries)")
    }

    /// The primary connection ended: promote the rollover connection if there is one, else schedule a reconnect.
    private func primaryEnded(_ session: Session, _ error: ConnectionError) -> ExitStatus? {
        do { try output.flush() } catch { return outputFailed(error) }
        let lived = MonotonicClock.nowMilliseconds() - session.openedAt
        diagnostics.report(session.label, "lost after \(DurationText.format(lived)), \(session.delivered) trades: \(error)")
        if case .closeFrame = error { session.connection.sendClose(code: 1000) }
        session.connection.drop()
        primary = nil
        policy.connectionEnded(afterLiving: lived)
        if session.delivered > 0 { consecutiveFailures = 0 } else { consecutiveFailures += 1 }
        if candidate == nil { heartbeat.connectionLost() }
        if let c = candidate {
            candidate = nil
            diagnostics.report(c.label, "taking over from \(session.label)")
            primary = c
            do { try releaseHeld(c) } catch { return outputFailed(error) }
            rolloverRequested = false
            statistics.rollovers += 1
            health.rolledOver()
            return nil
        }
        if metrics != nil {
            health.lost(error.description, at: MonotonicClock.wallClockMilliseconds())
            publishHealth()
        }
        if let max = configuration.maxRetries, consecutiveFailures > max {
            diagnostics.report(place, "giving up after \(consecutiveFailures) failed attempts in a row (--max-retries \(max))")
            return .unavailable
        }
        scheduleReconnect(after: error)
        return nil
    }

    private func candidateEnded(_ session: Session, _ error: ConnectionError) {
        diagnostics.report(session.label, "rollover connection lost: \(error)")
        session.connection.drop()
        candidate = nil
        rolloverFailures += 1
        nextRolloverAttemptAt = MonotonicClock.nowMilliseconds() + min(configuration.backoffMaxMilliseconds,
                                                                       configuration.backoffInitialMilliseconds << min(rolloverFailures, 6))
    }

    private func maybeStartRollover(_ current: Session, now: Int64) {
        guard candidate == nil, now >= nextRolloverAttemptAt else { return }
        let due = now - current.openedAt >= configuration.rolloverAfterMilliseconds
        guard rolloverRequested || due else { return }
        let wait = gate.reserve(now: now)
        if wait > 0 { nextRolloverAttemptAt = now + wait; return }
        diagnostics.report(current.label, rolloverRequested ? "server announced shutdown: opening a replacement"
                                                             : "open for \(DurationText.format(now - current.openedAt)): opening a replacement")
        switch open() {
        case .success(let session):
            candidate = session
            rolloverFailures = 0
        case .failure(let error):
            rolloverFailures += 1
            var delay = min(configuration.backoffMaxMilliseconds, configuration.backoffInitialMilliseconds << min(rolloverFailures, 6))
            if let seconds = error.retryAfterSeconds { delay = max(delay, Int64(seconds) * 1000) }
            nextRolloverAttemptAt = MonotonicClock.nowMilliseconds() + delay
        }
    }

    /// The old connection has written every id up to the first the new one holds, for each symbol.
    private func readyToSwitch(_ c: Session) -> Bool {
        for (slot, first) in c.firstHeld {
            if let last = ledger[slot].lastID, last < first - 1 { return false }
        }
        return true
    }

    private func switchTo(_ c: Session, from old: Session) throws(OutputError) {
        diagnostics.report(c.label, "switched over from \(old.label) (open \(DurationText.format(MonotonicClock.nowMilliseconds() - old.openedAt))); closing it")
        old.connection.sendClose(code: 1000, reason: "rollover")
        old.connection.drop()
        primary = c
        candidate = nil
        rolloverRequested = false
        statistics.rollovers += 1
        health.rolledOver()
        try releaseHeld(c)
    }

    private func releaseHeld(_ c: Session) throws(OutputError) {
        let held = c.held
        c.held = []
        c.heldBytes = 0
        c.firstHeld = [:]
        for entry in held {
            let failure: OutputError? = entry.bytes.withUnsafeBytes { b in
                do throws(OutputError) { try deliver(b, slot: entry.slot, id: entry.id); return nil } catch { return error }
            }
            if let failure { throw failure }
        }
        try output.flush()
    }

    /// Sends the session's next SUBSCRIBE message when the pacer says it is due. A failed send
    /// shows up as a failed receive on the next round (the connection is then replaced).
    private func subscribe(_ session: Session) {
        guard !session.subscriptions.isDone, let message = session.subscriptions.due(now: MonotonicClock.nowMilliseconds()) else { return }
        try? session.connection.sendText(message)
        statistics.subscriptionsSent += 1
        if session.subscriptions.isDone {
            let streams = configuration.endpoint.subscriptions.reduce(0) { $0 + $1.count }
            diagnostics.report(session.label, "subscribed \(streams) more streams in \(configuration.endpoint.subscriptions.count) SUBSCRIBE messages")
        }
    }

    /// Sends all of a new primary connection's SUBSCRIBE messages at the pacer's rate (about
    /// 1.3 s for 1,000 streams; the socket is not read meanwhile, the kernel buffers it).
    private func subscribeAll(_ session: Session) {
        while !session.subscriptions.isDone, !stop() {
            subscribe(session)
            if !session.subscriptions.isDone { _ = MonotonicClock.sleep(milliseconds: 20, stop: stop) }
        }
    }

    private func waitForSockets(now: Int64) {
        var fds: [pollfd] = []
        if let p = primary, p.connection.socket >= 0 { fds.append(pollfd(fd: p.connection.socket, events: Int16(POLLIN), revents: 0)) }
        if let c = candidate, c.connection.socket >= 0 { fds.append(pollfd(fd: c.connection.socket, events: Int16(POLLIN), revents: 0)) }
        var timeout: Int64 = 250
        if let p = primary { timeout = min(timeout, max(1, p.lastFrameAt + configuration.idleTimeoutMilliseconds - now + 1)) }
        _ = poll(&fds, nfds_t(fds.count), Int32(timeout))
    }

    // MARK: - Messages

    /// Receives what is there and handles every complete message; true when bytes came in.
    private func pump(_ session: Session) throws(FeedError) -> Bool {
        var received = false
        var rounds = 0
        while true {
            do {
                while let message = try session.connection.reader.nextMessage() {
                    try handle(message, on: session)
                }
            } catch let error as WebSocketProtocolError {
                session.connection.sendClose(code: 1002, reason: "protocol error")
                throw .connection(.protocolViolation(error))
            } catch let error as FeedError {
                throw error
            } catch {
                throw .connection(.receiveFailed("\(error)"))
            }
            if rounds >= 16 { return received }
            rounds += 1
            let result: WebSocketConnection.ReceiveResult
            do { result = try session.connection.receive() } catch { throw .connection(error) }
            switch result {
            case .wouldBlock: return received
            case .received:
                // The receive time of the messages in these bytes, for their lag (metrics only).
                if metrics != nil { wallNow = MonotonicClock.wallClockMilliseconds() }
                received = true
                session.lastFrameAt = MonotonicClock.nowMilliseconds()
                if session === primary { heartbeat.bytesReceived(at: session.lastFrameAt) }
            }
        }
    }

    private func handle(_ message: WebSocketMessage, on session: Session) throws(FeedError) {
        switch message.kind {
        case .text:
            let info = TradeMessage.inspect(message.payload, withTimes: metrics != nil)
            switch info.kind {
            case .trade:
                let slot = ledger.slot(for: UnsafeRawBufferPointer(rebasing: message.payload[info.symbol]))
                let payload = UnsafeRawBufferPointer(rebasing: message.payload[info.payload])
                if metrics != nil {
                    health.ensureSlot(slot, symbol: ledger[slot].symbol)
                    health.received(slot: slot, tradeTime: info.tradeTime, eventTime: info.eventTime, at: wallNow)
                }
                session.delivered += 1
                if info.tradeTime >= 0 { heartbeat.tradeReceived(tradeTime: info.tradeTime, at: MonotonicClock.nowMilliseconds()) }
                if session.firstDeliveryAt == nil { session.firstDeliveryAt = MonotonicClock.nowMilliseconds() }
                if session === candidate {
                    if session.firstHeld[slot] == nil { session.firstHeld[slot] = info.id }
                    session.held.append((slot, info.id, Array(payload)))
                    session.heldBytes += payload.count
                    if session.heldBytes > 64 << 20, let p = primary {
                        do { try switchTo(session, from: p) } catch { throw .output(error) }
                    }
                } else {
                    do { try deliver(payload, slot: slot, id: info.id) } catch { throw .output(error) }
                }
            case .serverShutdown:
                diagnostics.report(session.label, "server announced shutdown")
                if session === primary { rolloverRequested = true }
            case .other:
                // The answer to our SUBSCRIBE: {"result":null,"id":n}; an error names its cause.
                if message.payload.lazy.filter({ $0 != 0x20 }).starts(with: "{\"result\":null".utf8) { break }
                skipped(message.payload, why: "not a trade event", on: session)
            case .invalid(let why):
                skipped(message.payload, why: why, on: session)
            }
        case .binary:
            skipped(message.payload, why: "binary message", on: session)
        case .ping:
            do { try session.connection.sendPong(message.payload) } catch { throw .connection(error) }
        case .pong:
            break
        case .close(let code):
            let reason = String(decoding: message.payload, as: UTF8.self)
            session.connection.sendClose(code: code ?? 1000)
            throw .connection(.closeFrame(code: code, reason: reason))
        }
    }

    private func skipped(_ payload: UnsafeRawBufferPointer, why: String, on session: Session) {
        statistics.skippedMessages += 1
        if reportedSkips < 10 {
            reportedSkips += 1
            let preview = String(decoding: payload.prefix(120), as: UTF8.self)
            diagnostics.report(session.label, "skipped message (\(why)): \(preview)")
        }
    }

    /// A trade message skipped for its values rather than its form: counted with the skipped
    /// messages and named (the first ten), like them.
    private func implausible(_ payload: UnsafeRawBufferPointer, why: String) {
        statistics.skippedMessages += 1
        if reportedSkips < 10 {
            reportedSkips += 1
            diagnostics.report("feed", "skipped trade (\(why)): \(String(decoding: payload.prefix(120), as: UTF8.self))")
        }
    }

    /// Writes one trade unless it is a repeat; fills a gap before it first.
    private func deliver(_ payload: UnsafeRawBufferPointer, slot: Int, id: Int64) throws(OutputError) {
        if let last = ledger[slot].lastID {
            if id <= last { statistics.duplicatesDropped += 1; heartbeat.confirm(slot: slot); return }
            if id - last > LiveFeedConfiguration.maxIDJump {
                // No exchange skips billions of ids: a glitch. Written, it would become the last
                // id and every real trade after it would be dropped as a repeat.
                implausible(payload, why: "id \(id) is \(id - last) past the last written (\(last)) of \(ledger[slot].symbol)")
                return
            }
            // Stopping with the gap unfilled: the trade is not written either, so what was written
            // for the symbol ends gapless rather than with a hole before its last trade.
            if id > last + 1, try !fillGap(slot: slot, range: (last + 1)..<id) { return }
        }
        if let base = payload.baseAddress, memchr(base, 0x0A, payload.count) != nil || memchr(base, 0x0D, payload.count) != nil {
            // JSON allows CR/LF as whitespace; written verbatim they would tear the line in two.
            // Inside strings they cannot occur (the scanner rejects raw control characters).
            try output.append(payload.lazy.map { $0 == 0x0A || $0 == 0x0D ? UInt8(ascii: " ") : $0 })
        } else {
            try output.append(payload)
        }
        output.appendByte(UInt8(ascii: "\n"))
        if metrics != nil { health.wrote(slot: slot, at: wallNow) }
        ledger.setLastID(id, slot: slot)
        statistics.tradesWritten += 1
        heartbeat.confirm(slot: slot)
    }

    /// Pings a quiet primary connection, and writes one heartbeat line per confirmed symbol when
    /// `HeartbeatClock` says one is due (formats.md §1).
    private func beat(on session: Session) throws(OutputError) {
        guard configuration.heartbeatMilliseconds > 0 else { return }
        let now = MonotonicClock.nowMilliseconds()
        if heartbeat.pingDue(now: now) {
            // A failed send shows up as a failed receive on the next round.
            try? session.connection.sendPing(Array("bnc".utf8))
            heartbeat.pingSent(at: now)
        }
        guard let time = heartbeat.beat(now: now) else { return }
        for slot in heartbeat.confirmed {
            let symbol = ledger[slot].bytes.withUnsafeBytes { Symbol(bytes: $0) }
            if let symbol { try HeartbeatLine(symbol: symbol, time: time).write(to: output) }
        }
    }

    /// Right after a reconnection (heartbeats on, backfill on): fetches from REST what each known
    /// symbol traded while the feed was away, so a symbol that trades rarely is confirmed for
    /// heartbeats now instead of at its next trade (formats.md §1). The new connection is already
    /// subscribed, so REST and the stream overlap: the stream's repeats are dropped by id.
    private func catchUp() throws(OutputError) {
        guard configuration.heartbeatMilliseconds > 0, let backfiller else { return }
        for slot in ledger.entries.indices {
            guard let last = ledger[slot].lastID, !stop() else { continue }
            let symbol = ledger[slot].symbol
            try output.flush()
            let outcome = try backfiller.catchUp(symbol: symbol, after: last, max: configuration.backfillMax, stop: stop) { (id, line) throws(OutputError) in
                try writeBackfilled(line, id: id, slot: slot)
            }
            countBackfilled(outcome.written, slot: slot)
            if outcome.written > 0 {
                diagnostics.report("gap", "\(symbol): backfilled \(outcome.written) trades made while the feed was away (ids \(last + 1)–\(last + outcome.written))")
            }
            if outcome.budgetKept {
                // Given up first: the rest wait for their next trade, whose gap is filled in turn.
                let left = ledger.entries[slot...].filter { $0.lastID != nil }.count
                diagnostics.report("gap", "catching up stopped with \(left) symbols to go: the REST weight budget is kept for gap fills; their next trade will find the gap")
                break
            }
            if let failure = outcome.failure {
                diagnostics.report("gap", "\(symbol): catching up after the reconnection failed (\(failure)); its next trade will find the gap")
            } else if outcome.reachedEnd {
                heartbeat.confirm(slot: slot)
            }
        }
        try output.flush()
        let now = MonotonicClock.nowMilliseconds()
        primary?.lastFrameAt = max(primary?.lastFrameAt ?? now, now)
    }

    /// One trade line rebuilt from REST, written as the live ones are; the symbol's newest id moves on.
    private func writeBackfilled(_ line: UnsafeRawBufferPointer, id: Int64, slot: Int) throws(OutputError) {
        try output.append(line)
        output.appendByte(UInt8(ascii: "\n"))
        ledger.setLastID(id, slot: slot)
    }

    /// Counts `written` backfilled trades of `slot` in the statistics and, with metrics, the health.
    private func countBackfilled(_ written: Int64, slot: Int) {
        statistics.backfilled += written
        statistics.tradesWritten += written
        guard metrics != nil else { return }
        health.ensureSlot(slot, symbol: ledger[slot].symbol)
        health.symbols[slot].backfilled += written
        health.wrote(slot: slot, count: written, at: MonotonicClock.wallClockMilliseconds())
    }

    /// False only when the feed is stopping and the gap was not filled (the caller then leaves
    /// the trade after it unwritten); any other unfilled part is counted and reported.
    private func fillGap(slot: Int, range: Range<Int64>) throws(OutputError) -> Bool {
        if stop() { return false }
        let symbol = ledger[slot].symbol
        let missing = range.count
        let unfilledBefore = statistics.missingUnfilled
        defer {
            if metrics != nil {
                health.symbols[slot].unrecovered.addSaturating(statistics.missingUnfilled - unfilledBefore)
                publishHealth()
            }
        }
        let what = "\(symbol) ids \(range.lowerBound)–\(range.upperBound - 1) (\(missing) trades)"
        guard let backfiller else {
            statistics.missingUnfilled.addSaturating(Int64(missing))
            diagnostics.report("gap", "\(what) missed; backfill is off")
            return true
        }
        var fetch = range
        if Int64(missing) > configuration.backfillMax {
            fetch = (range.upperBound - configuration.backfillMax)..<range.upperBound
            statistics.missingUnfilled.addSaturating(Int64(missing) - configuration.backfillMax)
            diagnostics.report("gap", "\(what) missed; over --backfill-max, fetching only the last \(configuration.backfillMax)")
        } else {
            diagnostics.report("gap", "\(what) missed; backfilling from REST")
        }
        try output.flush()
        let outcome = try backfiller.fill(symbol: symbol, range: fetch, stop: stop) { (id, line) throws(OutputError) in
            try writeBackfilled(line, id: id, slot: slot)
        }
        countBackfilled(outcome.written, slot: slot)
        // The sockets were not read while REST was busy: give them a fresh idle window.
        let now = MonotonicClock.nowMilliseconds()
        primary?.lastFrameAt = max(primary?.lastFrameAt ?? now, now)
        candidate?.lastFrameAt = max(candidate?.lastFrameAt ?? now, now)
        if outcome.failure != nil, stop() { return false }
        if let failure = outcome.failure {
            statistics.missingUnfilled.addSaturating(Int64(fetch.count) - outcome.written)
            diagnostics.report("gap", "backfill of \(symbol) incomplete (\(outcome.written) of \(fetch.count) written): \(failure); the rest of the gap stays")
        } else {
            diagnostics.report("gap", "backfilled \(outcome.written) trades of \(symbol)")
        }
        return true
    }

    // MARK: - Metrics

    /// Hands a copy of `health` to the metrics thread: four times a second from the loop, and
    /// marked urgent (written within 100 ms) when the connection state changes or a gap is handled.
    private func publishHealth(urgent: Bool = true) {
        guard let metrics else { return }
        healthPublishedAt = MonotonicClock.nowMilliseconds()
        health.duplicatesDropped = statistics.duplicatesDropped
        health.skippedMessages = statistics.skippedMessages
        metrics.publish(health, urgent: urgent)
    }

    // MARK: - Ending

    private func outputFailed(_ error: OutputError) -> ExitStatus {
        closeAll(reason: "downstream closed")
        switch error {
        case .downstreamClosed: return .success
        case .writeFailed: diagnostics.report("stdout", "\(error)"); return .ioError
        }
    }

    private func closeAll(reason: String) {
        for s in [primary, candidate].compactMap({ $0 }) {
            s.connection.sendClose(code: 1000, reason: reason)
            s.connection.drop()
        }
        primary = nil
        candidate = nil
    }

    /// SIGINT/SIGTERM: close frame, a short wait for the server's close (trades arriving meanwhile
    /// are still written), flush, exit 0.
    private func shutDown(reason: String) -> ExitStatus {
        if let p = primary {
            p.connection.sendClose(code: 1000, reason: "client stopping")
            let deadline = MonotonicClock.nowMilliseconds() + 1000
            var closed = false
            while !closed && MonotonicClock.nowMilliseconds() < deadline {
                do {
                    if try !pump(p) { p.connection.waitReadable(timeoutMilliseconds: 50) }
                } catch {
                    if case .output = error { break }
                    closed = true
                }
            }
        }
        closeAll(reason: "client stopping")
        do { try output.flush() } catch {
            if case .writeFailed = error { diagnostics.report("stdout", "\(error)"); return .ioError }
        }
        let s = statistics
        diagnostics.report(nil, "stopped by \(reason): \(s.tradesWritten) trades written (\(s.backfilled) backfilled), \(s.duplicatesDropped) duplicates dropped, \(s.connections) connections, \(s.rollovers) rollovers")
        return .success
    }
}

/// curl_global_init once per process, before the first handle.
let bnc_global_init_once: Void = { _ = bnc_curl_global_init() }()

extension Int64 {
    /// `self += value`, stopping at `Int64.max`: counters of ids that crafted messages can make
    /// huge (a gap up to 2^63) must not trap.
    mutating func addSaturating(_ value: Int64) {
        let (sum, overflow) = addingReportingOverflow(value)
        self = overflow ? (value > 0 ? .max : .min) : sum
    }
}
