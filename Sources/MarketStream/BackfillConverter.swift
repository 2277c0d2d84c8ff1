import BNCCore
import BNCWire

/// Turns Binance REST trade lists into stream trade lines (DESIGN.md §1) through BNCWire's
/// `TradeLineWriter`, the values as REST gives them (decimals verbatim): `historicalTrades` → `{"e":"trade","E":time,"s":…,"t":id,"p":…,"q":…,"T":time,"m":…,"M":…}`
/// and `aggTrades` → `{"e":"aggTrade","E":T,"s":…,"a":…,"p":…,"q":…,"f":…,"l":…,"T":…,"m":…,"M":…}`.
/// REST has no event time, so `E` repeats the trade time.
public enum BackfillConverter {
    public enum ConversionError: Error, Sendable, Equatable, CustomStringConvertible {
        case notAnArray
        case badElement(String)
        public var description: String {
            switch self {
            case .notAnArray: return "REST answer is not a JSON array"
            case .badElement(let why): return "REST trade: \(why)"
            }
        }
    }

    /// Calls `body(id, line)` for each element of the JSON array `json`, in order. The line
    /// (without its `\n`) comes from BNCWire's `TradeLineWriter`, the one trade-line writer.
    public static func convert(
        _ json: UnsafeRawBufferPointer, symbol: String, kind: StreamKind,
        _ body: (Int64, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var writer = TradeLineWriter()
        let symbolBytes = Array(symbol.utf8)
        try forEachObject(json) { range in
            var f: [String: (JSONValueKind, Range<Int>)] = [:]
            do {
                try JSONObjectScanner.scan(json, range: range) { (m) throws(JSONScanError) in
                    f[String(decoding: UnsafeRawBufferPointer(rebasing: json[m.keyRange]), as: UTF8.self)] = (m.kind, m.valueRange)
                }
            } catch { throw ConversionError.badElement("\(error)") }
            func decimal(_ key: String) throws -> UnsafeRawBufferPointer {
                guard let (k, r) = f[key], k == .string, r.count <= WireLimits.maxDecimalLength else {
                    throw ConversionError.badElement("missing or mistyped \"\(key)\"")
                }
                return UnsafeRawBufferPointer(rebasing: json[r])
            }
            func integer(_ key: String) throws -> Int64 {
                guard let (k, r) = f[key], k == .number else { throw ConversionError.badElement("missing or mistyped \"\(key)\"") }
                guard let value = DecimalParser.int64(json, r) else { throw ConversionError.badElement("\(key) is not an integer") }
                return value
            }
            func bool(_ key: String) throws -> Bool {
                guard let (k, _) = f[key], k == .true || k == .false else { throw ConversionError.badElement("missing or mistyped \"\(key)\"") }
                return k == .true
            }
            let id: Int64
            switch kind {
            case .trade:
                id = try integer("id")
                let time = try integer("time")
                try symbolBytes.withUnsafeBytes { symbol in
                    writer.buildTrade(
                        eventTime: time, symbol: symbol, tradeID: id, price: try decimal("price"),
                        quantity: try decimal("qty"), tradeTime: time, buyerIsMaker: try bool("isBuyerMaker"),
                        bestMatch: try bool("isBestMatch"))
                }
            case .aggTrade:
                id = try integer("a")
                let time = try integer("T")
                try symbolBytes.withUnsafeBytes { symbol in
                    writer.buildAggTrade(
                        eventTime: time, symbol: symbol, aggregateID: id, price: try decimal("p"),
                        quantity: try decimal("q"), firstTradeID: try integer("f"), lastTradeID: try integer("l"),
                        tradeTime: time, buyerIsMaker: try bool("m"), bestMatch: try bool("M"))
                }
            }
            try body(id, writer.lineWithoutNewline)
        }
    }

    /// Calls `body` with the byte range of each object element of a JSON array of flat objects.
    static func forEachObject(_ b: UnsafeRawBufferPointer, _ body: (Range<Int>) throws -> Void) throws {
        var i = 0
        func skip() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        skip()
        guard i < b.count, b[i] == UInt8(ascii: "[") else { throw ConversionError.notAnArray }
        i += 1
        skip()
        if i < b.count, b[i] == UInt8(ascii: "]") { return }
        while true {
            skip()
            guard i < b.count, b[i] == UInt8(ascii: "{") else { throw ConversionError.notAnArray }
            let start = i
            var depth = 0
            var inString = false
            while i < b.count {
                let c = b[i]
                if inString {
                    if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
                } else if c == UInt8(ascii: "\"") { inString = true }
                else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1; if depth == 0 { i += 1; break } }
                i += 1
            }
            guard depth == 0 else { throw ConversionError.notAnArray }
            try body(start..<i)
            skip()
            guard i < b.count else { throw ConversionError.notAnArray }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { return }
            throw ConversionError.notAnArray
        }
    }
}
