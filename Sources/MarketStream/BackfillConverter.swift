import BNCCore

/// Turns Binance REST trade lists into stream trade lines (DESIGN.md §1), byte for byte from the
/// REST values: `historicalTrades` → `{"e":"trade","E":time,"s":…,"t":id,"p":…,"q":…,"T":time,"m":…,"M":…}`
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

    /// Calls `body(id, line)` for each element of the JSON array `json`, in order.
    public static func convert(
        _ json: UnsafeRawBufferPointer, symbol: String, kind: StreamKind,
        _ body: (Int64, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        try forEachObject(json) { range in
            var f: [String: (JSONValueKind, Range<Int>)] = [:]
            do {
                try JSONObjectScanner.scan(json, range: range) { (m) throws(JSONScanError) in
                    f[String(decoding: UnsafeRawBufferPointer(rebasing: json[m.keyRange]), as: UTF8.self)] = (m.kind, m.valueRange)
                }
            } catch { throw ConversionError.badElement("\(error)") }
            func raw(_ key: String, _ kind: JSONValueKind) throws -> UnsafeRawBufferPointer {
                guard let (k, r) = f[key], k == kind else { throw ConversionError.badElement("missing or mistyped \"\(key)\"") }
                return UnsafeRawBufferPointer(rebasing: json[r])
            }
            func bool(_ key: String) throws -> UnsafeRawBufferPointer {
                guard let (k, r) = f[key], k == .true || k == .false else { throw ConversionError.badElement("missing or mistyped \"\(key)\"") }
                return UnsafeRawBufferPointer(rebasing: json[r])
            }
            line.removeAll(keepingCapacity: true)
            let id: Int64
            switch kind {
            case .trade:
                let idBytes = try raw("id", .number), time = try raw("time", .number)
                guard let value = DecimalParser.int64(idBytes, idBytes.indices) else { throw ConversionError.badElement("id is not an integer") }
                id = value
                line += #"{"e":"trade","E":"#.utf8; line += time
                line += #","s":""#.utf8; line += symbol.utf8
                line += #"","t":"#.utf8; line += idBytes
                line += #","p":""#.utf8; line += try raw("price", .string)
                line += #"","q":""#.utf8; line += try raw("qty", .string)
                line += #"","T":"#.utf8; line += time
                line += #","m":"#.utf8; line += try bool("isBuyerMaker")
                line += #","M":"#.utf8; line += try bool("isBestMatch")
                line += "}".utf8
            case .aggTrade:
                let idBytes = try raw("a", .number), time = try raw("T", .number)
                guard let value = DecimalParser.int64(idBytes, idBytes.indices) else { throw ConversionError.badElement("a is not an integer") }
                id = value
                line += #"{"e":"aggTrade","E":"#.utf8; line += time
                line += #","s":""#.utf8; line += symbol.utf8
                line += #"","a":"#.utf8; line += idBytes
                line += #","p":""#.utf8; line += try raw("p", .string)
                line += #"","q":""#.utf8; line += try raw("q", .string)
                line += #"","f":"#.utf8; line += try raw("f", .number)
                line += #","l":"#.utf8; line += try raw("l", .number)
                line += #","T":"#.utf8; line += time
                line += #","m":"#.utf8; line += try bool("m")
                line += #","M":"#.utf8; line += try bool("M")
                line += "}".utf8
            }
            try line.withUnsafeBytes { try body(id, $0) }
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
