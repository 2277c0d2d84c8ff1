import BNCCore

/// The live feed's counters and connection state, for its metrics file (`--metrics-file`,
/// docs/metrics.md). `LiveFeed` alone mutates its copy, on its own thread and without a lock, and
/// publishes it to a `MetricsSlot` a few times a second and at every change of connection state;
/// the metrics thread renders the published copy with `exposition(now:)`.
///
/// Only trades count as trades: lines the feed writes for its own purposes (heartbeats) are not
/// recorded here. Times are wall-clock epoch milliseconds (`MonotonicClock.wallClockMilliseconds`).
package struct FeedHealth: Sendable {
    package struct SymbolCounts: Sendable {
        package var symbol: String
        /// Trades written (live and backfilled), each once.
        package var trades: Int64 = 0
        package var backfilled: Int64 = 0
        /// Ids of gaps that neither the live stream nor the backfill delivered.
        package var unrecovered: Int64 = 0
        /// The newest exchange trade time `T` received, epoch ms.
        package var lastTradeTime: Int64?
        package var lastMinute = MinuteCounter()

        package init(symbol: String) { self.symbol = symbol }
    }

    package var startedAt: Int64
    package var connected = false
    /// When the current (or the last) connection opened, and when the last one was lost.
    package var connectedSince: Int64?
    package var disconnectedSince: Int64?
    /// Connections opened (rollover connections included) and attempts that failed.
    package var connections: Int64 = 0
    package var connectFailures: Int64 = 0
    /// Connections opened after the first to replace a lost one (rollovers are not reconnects).
    package var reconnects: Int64 = 0
    package var rollovers: Int64 = 0
    package var duplicatesDropped: Int64 = 0
    package var skippedMessages: Int64 = 0
    /// The last connection error (failed attempt or lost connection), and when it happened.
    package var lastError: String?
    package var lastErrorAt: Int64?
    /// Per ledger slot of `LiveFeed` (same index).
    package var symbols: [SymbolCounts] = []
    package var lags = RecentLags()

    /// `symbols` are the subscribed ones, so each has its counters (at 0) from the first write.
    package init(symbols: [String], startedAt: Int64) {
        self.startedAt = startedAt
        self.symbols = symbols.map { SymbolCounts(symbol: $0) }
    }

    // MARK: Events (called by LiveFeed)

    mutating func opened(at now: Int64, replacingLost: Bool) {
        connections += 1
        if replacingLost { reconnects += 1 }
        connected = true
        connectedSince = now
    }

    mutating func rolledOver() {
        connections += 1
        rollovers += 1
    }

    mutating func failedToConnect(_ error: String, at now: Int64) {
        connectFailures += 1
        lastError = error
        lastErrorAt = now
    }

    mutating func lost(_ error: String, at now: Int64) {
        connected = false
        disconnectedSince = now
        lastError = error
        lastErrorAt = now
    }

    mutating func ensureSlot(_ slot: Int, symbol: @autoclosure () -> String) {
        while symbols.count <= slot { symbols.append(SymbolCounts(symbol: symbols.count == slot ? symbol() : "")) }
    }

    /// A trade message arrived (before the duplicate check): its lag and exchange time (-1: unknown).
    @inline(__always)
    mutating func received(slot: Int, tradeTime: Int64, eventTime: Int64, at now: Int64) {
        if eventTime >= 0 { lags.add(lagMilliseconds: now - eventTime, at: now) }
        if tradeTime >= 0, tradeTime > symbols[slot].lastTradeTime ?? .min { symbols[slot].lastTradeTime = tradeTime }
    }

    @inline(__always)
    mutating func wrote(slot: Int, count: Int64 = 1, at now: Int64) {
        symbols[slot].trades += count
        symbols[slot].lastMinute.add(count, atMilliseconds: now)
    }

    // MARK: Several connections

    /// The values of a `MarketFeed`'s connections as one: `connected` only while every connection
    /// is up (so an alert on 0 fires when any is down), the since-times the latest, counters
    /// summed, the latest error, every connection's symbols, the lags of all (docs/metrics.md).
    package static func combined(_ parts: [FeedHealth]) -> FeedHealth {
        guard var total = parts.first else { return FeedHealth(symbols: [], startedAt: 0) }
        for p in parts.dropFirst() {
            total.startedAt = min(total.startedAt, p.startedAt)
            total.connected = total.connected && p.connected
            total.connectedSince = [total.connectedSince, p.connectedSince].compactMap { $0 }.max()
            total.disconnectedSince = [total.disconnectedSince, p.disconnectedSince].compactMap { $0 }.max()
            total.connections += p.connections
            total.connectFailures += p.connectFailures
            total.reconnects += p.reconnects
            total.rollovers += p.rollovers
            total.duplicatesDropped += p.duplicatesDropped
            total.skippedMessages += p.skippedMessages
            if let at = p.lastErrorAt, at >= total.lastErrorAt ?? .min {
                total.lastError = p.lastError
                total.lastErrorAt = at
            }
            total.symbols += p.symbols
            total.lags.merge(p.lags)
        }
        return total
    }

    // MARK: Exposition

    /// The metrics file's text at wall-clock time `now` (docs/metrics.md lists every family).
    package func exposition(now: Int64) -> String {
        var m = MetricsText()
        let seconds = MetricsText.seconds
        let named = symbols.filter { !$0.symbol.isEmpty }
        func perSymbol(_ name: String, _ kind: MetricsText.Kind, _ help: String, _ value: (SymbolCounts) -> Int64?) {
            m.perSymbol(name, kind, help, named, symbol: \.symbol) { value($0).map { Double(exactly: $0) ?? Double($0) } }
        }
        func perSymbolSeconds(_ name: String, _ help: String, _ value: (SymbolCounts) -> Int64?) {
            m.perSymbol(name, .gauge, help, named, symbol: \.symbol) { value($0).map(seconds) }
        }
        m.single("bnc_stream_start_time_seconds", .gauge, "When this bnc-stream process started (Unix time).", seconds(startedAt))
        m.single("bnc_stream_connected", .gauge, "1 while a connection to the exchange is open, else 0.", connected ? 1 : 0)
        m.single("bnc_stream_connected_since_timestamp_seconds", .gauge,
                 "When the current or last connection opened (Unix time); 0 if none ever did.", seconds(connectedSince ?? 0))
        m.single("bnc_stream_disconnected_since_timestamp_seconds", .gauge,
                 "When the last connection was lost (Unix time); 0 if none was.", seconds(disconnectedSince ?? 0))
        m.single("bnc_stream_connections_total", .counter, "Connections opened, rollover connections included.", Double(connections))
        m.single("bnc_stream_connect_failures_total", .counter, "Connection attempts that failed.", Double(connectFailures))
        m.single("bnc_stream_reconnects_total", .counter, "Connections opened to replace a lost one (rollovers excluded).", Double(reconnects))
        m.single("bnc_stream_rollovers_total", .counter, "Switches to a fresh connection before the exchange's 24-hour cut.", Double(rollovers))
        m.single("bnc_stream_duplicates_dropped_total", .counter, "Trades received again (same id) and dropped.", Double(duplicatesDropped))
        m.single("bnc_stream_skipped_messages_total", .counter, "Messages that were not usable trades, skipped.", Double(skippedMessages))
        m.family("bnc_stream_last_error_info", .gauge, "The last connection error, as the label error (1 while there is one).")
        if let lastError { m.sample("bnc_stream_last_error_info", [("error", MetricsText.clipped(lastError))], 1.0) }
        m.single("bnc_stream_last_error_timestamp_seconds", .gauge, "When the last connection error happened (Unix time); 0 if none.",
                 seconds(lastErrorAt ?? 0))
        perSymbol("bnc_stream_trades_total", .counter, "Trades written, live and backfilled, each once.") { $0.trades }
        perSymbol("bnc_stream_backfilled_trades_total", .counter, "Missed trades fetched over REST and written.") { $0.backfilled }
        perSymbol("bnc_stream_unrecovered_trades_total", .counter, "Missed trade ids that could not be backfilled.") { $0.unrecovered }
        perSymbol("bnc_stream_trades_last_minute", .gauge, "Trades written in the last 60 seconds.") { $0.lastMinute.total(atMilliseconds: now) }
        perSymbolSeconds("bnc_stream_last_trade_timestamp_seconds", "Exchange time T of the newest trade received (Unix time).") { $0.lastTradeTime }
        m.family("bnc_stream_lag_seconds", .summary,
                 "Local receive time minus exchange event time E; quantiles over the trades of the last 60 s (at most the last 4096).")
        let q = lags.quantiles([0.5, 0.99], now: now)
        m.sample("bnc_stream_lag_seconds", [("quantile", "0.5")], q.map { seconds($0[0]) } ?? .nan)
        m.sample("bnc_stream_lag_seconds", [("quantile", "0.99")], q.map { seconds($0[1]) } ?? .nan)
        m.sample("bnc_stream_lag_seconds_sum", [], lags.totalMilliseconds / 1000)
        m.sample("bnc_stream_lag_seconds_count", [], lags.count)
        return m.text
    }
}
