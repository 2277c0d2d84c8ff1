import BNCCore

/// A look at the few keys of a trade line a tool needs without reading the whole trade — where
/// the payload lies, the event type, `s`, the id `t`/`a`, `T`, `E` — for `bnc-stream`'s live feed
/// (which ids arrived), its recorder (which file a line goes to) and its replayer (when to send).
///
/// It is `TradeLineParser`'s own general scan and field checks, so a peek and a full read agree
/// on the JSON, the envelope and every value they both look at: a symbol over
/// `WireLimits.maxSymbolLength` is refused here as it is there. Values are checked only when
/// asked for; nothing else of the line is judged (a peek at a `serverShutdown` event is fine).
package struct TradeLinePeek {
    /// Byte range of the trade payload: the `data` object of a combined-stream envelope, else the
    /// whole line without surrounding whitespace. Stored or forwarded exactly as received.
    package let payload: Range<Int>
    var fields: Fields

    /// Validates `line` (one JSON object, without its `\n`) and remembers where its values are.
    package init(_ line: UnsafeRawBufferPointer) throws(JSONScanError) {
        let (fields, envelope) = try TradeLineParser.scanGeneral(line)
        self.fields = fields
        if let envelope {
            payload = envelope
        } else {
            var lo = 0, hi = line.count
            while lo < hi, Self.isWhitespace(line[lo]) { lo += 1 }
            while hi > lo, Self.isWhitespace(line[hi - 1]) { hi -= 1 }
            payload = lo..<hi
        }
    }

    /// Whether `e` is the string `name` (e.g. `serverShutdown`); false when `e` is absent or not a string.
    package func isEvent(_ name: StaticString, in line: UnsafeRawBufferPointer) -> Bool {
        fields.e.kind == .string && !fields.e.escapes
            && JSONObjectScanner.bytes(line, fields.e.lower..<fields.e.upper, equal: name)
    }

    /// `e`: a trade or an aggTrade, or why the line is no trade.
    package func kind(in line: UnsafeRawBufferPointer) throws(TradeLineError) -> Trade.Kind {
        try fields.eventKind(line)
    }

    /// The byte range of `s`'s contents, checked as a full read checks it.
    package func symbol(in line: UnsafeRawBufferPointer) throws(TradeLineError) -> Range<Int> {
        _ = try fields.symbol(line)
        return fields.s.lower..<fields.s.upper
    }

    /// The consecutive id: `t` of a trade, `a` of an aggTrade (non-negative).
    package func id(in line: UnsafeRawBufferPointer) throws(TradeLineError) -> Int64 {
        switch try kind(in: line) {
        case .trade: return try Fields.integer(fields.t, "t", line)
        case .aggTrade: return try Fields.integer(fields.a, "a", line)
        }
    }

    /// `T` as written: epoch ms, or µs when ≥ `WireLimits.microsecondThreshold` (non-negative).
    package func tradeTime(in line: UnsafeRawBufferPointer) throws(TradeLineError) -> Int64 {
        try Fields.integer(fields.T, "T", line)
    }

    /// `E` as written; see `tradeTime`.
    package func eventTime(in line: UnsafeRawBufferPointer) throws(TradeLineError) -> Int64 {
        try Fields.integer(fields.E, "E", line)
    }

    private static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
}
