import BNCCore

/// The live feed's in-band heartbeat (formats.md §1, *Heartbeat lines*): one line of our own event
/// type per symbol, `{"e":"bnc.heartbeat","E":1771000000123,"s":"BTCUSDT"}`, saying "the exchange
/// clock has reached `E` and every trade of `s` before it (up to the feed's in-flight margin) has
/// been written above this line". bnc-window closes the symbol's windows with `end + lateness ≤ E`
/// on it, so a silent market's windows are written while the silence lasts, not when it ends.
///
/// It lives beside the trade line because it travels in the same stream: one reader and one
/// writer here, read with `TradeLinePeek` (the trade reader's own scan), so the tools agree on
/// what is a heartbeat and what is a bad line. The event type has a dot, which no Binance event
/// has, so it can never be confused with one of theirs.
package struct HeartbeatLine: Sendable, Equatable {
    /// The value of `e`.
    package static let eventType: StaticString = "bnc.heartbeat"

    package var symbol: Symbol
    /// Estimated exchange time, epoch milliseconds (a µs value, ≥ `WireLimits.microsecondThreshold`,
    /// is read as µs, as for trades).
    package var time: Int64

    package init(symbol: Symbol, time: Int64) {
        self.symbol = symbol
        self.time = time
    }

    /// Reads `line` (one line without its `\n`): nil when it is not a heartbeat event at all (not
    /// JSON, or another `e` — the caller's own verdict on it stands); throws when it is one whose
    /// `E` or `s` is unusable.
    package static func read(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> HeartbeatLine? {
        guard let peek = try? TradeLinePeek(line), peek.isEvent(eventType, in: line) else { return nil }
        let time = WireLimits.milliseconds(try peek.eventTime(in: line))
        let range = try peek.symbol(in: line)
        guard let symbol = Symbol(bytes: UnsafeRawBufferPointer(rebasing: line[range])) else {
            throw .invalidValue(field: "s", reason: "must be 1 to \(WireLimits.maxSymbolLength) bytes")
        }
        return HeartbeatLine(symbol: symbol, time: time)
    }

    /// Whether `line` is a heartbeat event (`e` is `bnc.heartbeat`), well-formed or not: what a
    /// recorder leaves out of a Binance-compatible recording.
    package static func isHeartbeat(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let peek = try? TradeLinePeek(line) else { return false }
        return peek.isEvent(eventType, in: line)
    }

    /// The line, `\n` included: `{"e":"bnc.heartbeat","E":<time>,"s":"<symbol>"}`.
    package var bytes: [UInt8] {
        Array("{\"e\":\"bnc.heartbeat\",\"E\":\(time),\"s\":\"\(symbol.description)\"}\n".utf8)
    }

    /// Appends the line to `output`.
    package func write(to output: OutputBuffer) throws(OutputError) {
        try output.append(bytes)
    }
}
