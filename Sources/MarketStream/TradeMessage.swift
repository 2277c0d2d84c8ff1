import BNCCore

/// What one stream message is, found without copying: where the trade payload lies (the `data`
/// object of a combined-stream envelope, or the whole message), its symbol and its consecutive id.
public struct TradeMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A `trade` or `aggTrade` event with a symbol and an id.
        case trade
        /// Binance's `serverShutdown` event: this connection is about to end.
        case serverShutdown
        /// Valid JSON that is not a trade (subscription answers, unknown events).
        case other
        /// Not a JSON object, or a trade event without a usable `s` or id.
        case invalid(String)
    }

    public var kind: Kind
    /// Byte range of the payload to write (exactly as received).
    public var payload: Range<Int>
    /// Byte range of the `s` string contents.
    public var symbol: Range<Int>
    /// `t` for trades, `a` for aggregate trades.
    public var id: Int64

    /// Classifies `bytes` (one text message).
    public static func inspect(_ bytes: UnsafeRawBufferPointer) -> TradeMessage {
        var dataRange: Range<Int>?
        var hasStream = false
        var fields = Fields()
        do {
            try JSONObjectScanner.scan(bytes) { (member) throws(JSONScanError) in
                if member.kind == .object, JSONObjectScanner.bytes(bytes, member.keyRange, equal: "data") {
                    dataRange = member.valueRange
                } else if JSONObjectScanner.bytes(bytes, member.keyRange, equal: "stream") {
                    hasStream = true
                } else {
                    fields.take(member, bytes)
                }
            }
            if let data = dataRange, hasStream {
                fields = Fields()
                try JSONObjectScanner.scan(bytes, range: data) { (member) throws(JSONScanError) in fields.take(member, bytes) }
                return fields.classify(payload: data, bytes)
            }
        } catch {
            return TradeMessage(kind: .invalid(error.description), payload: 0..<bytes.count, symbol: 0..<0, id: 0)
        }
        return fields.classify(payload: 0..<bytes.count, bytes)
    }

    private struct Fields {
        var event: Range<Int>?
        var symbol: Range<Int>?
        var t: Range<Int>?
        var a: Range<Int>?

        mutating func take(_ m: JSONMember, _ bytes: UnsafeRawBufferPointer) {
            guard m.keyRange.count == 1 else { return }
            switch bytes[m.keyRange.lowerBound] {
            case UInt8(ascii: "e") where m.kind == .string: event = m.valueRange
            case UInt8(ascii: "s") where m.kind == .string && !m.valueHasEscapes: symbol = m.valueRange
            case UInt8(ascii: "t") where m.kind == .number: t = m.valueRange
            case UInt8(ascii: "a") where m.kind == .number: a = m.valueRange
            default: break
            }
        }

        func classify(payload: Range<Int>, _ bytes: UnsafeRawBufferPointer) -> TradeMessage {
            guard let event else { return TradeMessage(kind: .other, payload: payload, symbol: 0..<0, id: 0) }
            let idRange: Range<Int>?
            if JSONObjectScanner.bytes(bytes, event, equal: "trade") { idRange = t }
            else if JSONObjectScanner.bytes(bytes, event, equal: "aggTrade") { idRange = a }
            else if JSONObjectScanner.bytes(bytes, event, equal: "serverShutdown") {
                return TradeMessage(kind: .serverShutdown, payload: payload, symbol: 0..<0, id: 0)
            } else {
                return TradeMessage(kind: .other, payload: payload, symbol: 0..<0, id: 0)
            }
            guard let symbol, !symbol.isEmpty else {
                return TradeMessage(kind: .invalid("trade event without a symbol"), payload: payload, symbol: 0..<0, id: 0)
            }
            guard let idRange, let id = DecimalParser.int64(bytes, idRange), id >= 0 else {
                return TradeMessage(kind: .invalid("trade event without an integer id"), payload: payload, symbol: 0..<0, id: 0)
            }
            return TradeMessage(kind: .trade, payload: payload, symbol: symbol, id: id)
        }
    }
}
