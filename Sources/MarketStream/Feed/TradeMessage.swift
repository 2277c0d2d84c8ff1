import BNCCore
import BNCWire

/// What one stream message is, found without copying: where the trade payload lies (the `data`
/// object of a combined-stream envelope, or the whole message), its symbol and its consecutive id.
package struct TradeMessage: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// A `trade` or `aggTrade` event with a symbol and an id.
        case trade
        /// Binance's `serverShutdown` event: this connection is about to end.
        case serverShutdown
        /// Valid JSON that is not a trade (subscription answers, unknown events).
        case other
        /// Not a JSON object, or a trade event without a usable `s` or id.
        case invalid(String)
    }

    package var kind: Kind
    /// Byte range of the payload to write (exactly as received).
    package var payload: Range<Int>
    /// `E` in epoch ms (µs converted) when asked for (`withTimes`: the metrics' receive lag), else -1.
    package var eventTime: Int64 = -1
    /// Byte range of the `s` string contents.
    package var symbol: Range<Int>
    /// `t` for trades, `a` for aggregate trades.
    package var id: Int64
    /// `T` in epoch ms (µs converted), or -1 when absent or unusable (the metrics' newest trade time and the heartbeat clock).
    package var tradeTime: Int64 = -1

    /// Classifies `bytes` (one text message) with BNCWire's peek, so the feed and bnc-window
    /// agree on what a trade line, its symbol and its id are. `withTimes` also reads `E` (only the
    /// metrics need it, so the default path does not pay for it).
    package static func inspect(_ bytes: UnsafeRawBufferPointer, withTimes: Bool = false) -> TradeMessage {
        let peek: TradeLinePeek
        do {
            peek = try TradeLinePeek(bytes)
        } catch {
            return TradeMessage(kind: .invalid(error.description), payload: 0..<bytes.count, symbol: 0..<0, id: 0)
        }
        let payload = peek.payload
        do throws(TradeLineError) {
            _ = try peek.kind(in: bytes)
        } catch {
            let kind: Kind = peek.isEvent("serverShutdown", in: bytes) ? .serverShutdown : .other
            return TradeMessage(kind: kind, payload: payload, symbol: 0..<0, id: 0)
        }
        do throws(TradeLineError) {
            let symbol = try peek.symbol(in: bytes)
            let id = try peek.id(in: bytes)
            if try peek.kind(in: bytes) == .aggTrade, let why = aggregateRangeProblem(bytes, payload) {
                return TradeMessage(kind: .invalid("aggTrade: \(why)"), payload: payload, symbol: 0..<0, id: 0)
            }
            let time = (try? peek.tradeTime(in: bytes)).map(WireLimits.milliseconds) ?? -1
            var message = TradeMessage(kind: .trade, payload: payload, symbol: symbol, id: id, tradeTime: time)
            if withTimes { message.eventTime = (try? peek.eventTime(in: bytes)).map(WireLimits.milliseconds) ?? -1 }
            return message
        } catch {
            return TradeMessage(kind: .invalid("trade event: \(error)"), payload: payload, symbol: 0..<0, id: 0)
        }
    }

    /// Why the trade ids `f…l` of an aggTrade payload cannot be counted, or nil when they can:
    /// both present, integers ≥ 0, `l ≥ f`, and `l − f + 1` representable. Every reader counts
    /// an aggTrade as `l − f + 1` trades, so `"f":0,"l":9223372036854775807` would overflow
    /// there (it trapped bnc-window); such a message is skipped and counted here, never written.
    static func aggregateRangeProblem(_ bytes: UnsafeRawBufferPointer, _ payload: Range<Int>) -> String? {
        var first: Int64?, last: Int64?
        var bad: String?
        do {
            try JSONObjectScanner.scan(bytes, range: payload) { (member: JSONMember) throws(JSONScanError) in
                guard member.keyRange.count == 1 else { return }
                let key = bytes[member.keyRange.lowerBound]
                guard key == UInt8(ascii: "f") || key == UInt8(ascii: "l") else { return }
                let name = key == UInt8(ascii: "f") ? "f" : "l"
                guard member.kind == .number, let value = DecimalParser.int64(bytes, member.valueRange), value >= 0 else {
                    bad = bad ?? "\(name) is not an integer ≥ 0"
                    return
                }
                if key == UInt8(ascii: "f") { first = value } else { last = value }
            }
        } catch {
            return "\(error)"
        }
        if let bad { return bad }
        guard let first else { return "missing f" }
        guard let last else { return "missing l" }
        return WireLimits.aggTradeRangeProblem(first: first, last: last)
    }
}
