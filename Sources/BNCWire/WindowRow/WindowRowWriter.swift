import BNCCore

/// Writes rows as one JSON object per line in DESIGN.md §2's key order. Doubles print with
/// Swift's shortest round-trip spelling, so a reader gets back exactly the value computed here.
///
/// The line is built as bytes in one buffer (key prefixes prepared once, integers
/// converted digit by digit) rather than by appending some fifty `String`s: with many symbols a
/// row follows every few trades, and the string building was most of bnc-window's time there
/// (issue 15: about 55,000 instructions a row, now a fifth of that).
package enum WindowRowWriter {
    /// The row as a line (with `\n`). Key names come from `WindowRowKey`, in its order.
    package static func line(_ row: WindowRow) -> String {
        var bytes: [UInt8] = []
        encode(row, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the row to `output` (the caller decides when to flush).
    package static func write(_ row: WindowRow, to output: OutputBuffer) throws(OutputError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)   // a row is 400–500 bytes: one allocation
        encode(row, into: &bytes)
        let failure: OutputError? = bytes.withUnsafeBytes { raw in
            do throws(OutputError) { try output.append(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// `{"symbol":"`, then `","start":`, `,"end":`, … — each key's bytes with what comes before
    /// its value, in `WindowRowKey` order.
    private static let prefixes: [[UInt8]] = WindowRowKey.allCases.map { key in
        Array((key == .symbol ? "{\"" : ",\"").utf8) + Array(key.name.utf8) + Array("\":".utf8)
    }

    static func encode(_ row: WindowRow, into s: inout [UInt8]) {
        for (index, key) in WindowRowKey.allCases.enumerated() {
            s.append(contentsOf: prefixes[index])
            switch key {
            case .symbol:
                s.append(UInt8(ascii: "\""))
                row.symbol.withUTF8 { s.append(contentsOf: $0) }
                s.append(UInt8(ascii: "\""))
            case .start: integer(row.start, &s)
            case .end: integer(row.end, &s)
            case .tradeCount: integer(row.tradeCount, &s)
            case .volume: number(row.volume, &s)
            case .averageTradeSize: number(row.averageTradeSize, &s)
            case .priceReturn: number(row.priceReturn, &s)
            case .priceVolatility: number(row.priceVolatility, &s)
            case .open: number(row.open, &s)
            case .high: number(row.high, &s)
            case .low: number(row.low, &s)
            case .close: number(row.close, &s)
            case .vwap: number(row.vwap, &s)
            case .quoteVolume: number(row.quoteVolume, &s)
            case .buyVolume: number(row.buyVolume, &s)
            case .maxTradeSize: number(row.maxTradeSize, &s)
            case .firstTradeID: if let id = row.firstTradeID { integer(id, &s) } else { null(&s) }
            case .lastTradeID: if let id = row.lastTradeID { integer(id, &s) } else { null(&s) }
            case .missingTrades: integer(row.missingTrades, &s)
            case .duplicates: integer(row.duplicates, &s)
            case .lateTrades: integer(row.lateTrades, &s)
            case .complete: s.append(contentsOf: row.complete ? trueBytes : falseBytes)
            case .outlierTrades: integer(row.outlierTrades, &s)
            }
        }
        s.append(UInt8(ascii: "}"))
        s.append(UInt8(ascii: "\n"))
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    private static func null(_ s: inout [UInt8]) { s.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    /// `String(value)`'s digits, without the string.
    private static func integer(_ value: Int64, _ s: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { s.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(truncatingIfNeeded: magnitude % 10) + UInt8(ascii: "0")
                magnitude /= 10
                count += 1
            } while magnitude > 0
            s.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    /// JSON has no NaN/infinity: those (never produced from valid trades) become null.
    private static func number(_ value: Double?, _ s: inout [UInt8]) {
        guard let value, value.isFinite else { return null(&s) }
        var text = value.description
        text.withUTF8 { s.append(contentsOf: $0) }
    }
}
