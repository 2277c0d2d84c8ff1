import BNCCore
import BNCWire

/// Turns Binance REST trade lists into stream trade lines (DESIGN.md §1) through BNCWire's
/// `TradeLineWriter`, the values as REST gives them (decimals verbatim): `historicalTrades` → `{"e":"trade","E":time,"s":…,"t":id,"p":…,"q":…,"T":time,"m":…,"M":…}`
/// and `aggTrades` → `{"e":"aggTrade","E":T,"s":…,"a":…,"p":…,"q":…,"f":…,"l":…,"T":…,"m":…,"M":…}`.
/// REST has no event time, so `E` repeats the trade time.
package enum BackfillConverter {
    /// Why a REST answer is not a list of trades. Backfill treats it as a gap it reports and goes
    /// on; should it end a tool, the exchange's data was unusable: exit 65.
    package enum ConversionError: ToolError, Sendable, Equatable {
        case notAnArray
        case badElement(String)

        package var description: String {
            switch self {
            case .notAnArray: return "REST answer: not a JSON array of trade objects"
            case .badElement(let why): return "REST trade: \(why)"
            }
        }

        package var exitStatus: ExitStatus { .dataError }
    }

    /// Why `convert` stopped: the REST answer was unusable, or the caller's `body` threw (its
    /// error passed through unchanged, typed), so a failed write is never taken for a bad page.
    package enum PageError<Body: Error>: Error, CustomStringConvertible {
        case conversion(ConversionError)
        case body(Body)

        package var description: String {
            switch self {
            case .conversion(let error): return error.description
            case .body(let error): return String(describing: error)
            }
        }
    }

    /// Calls `body(id, line)` for each element of the JSON array `json`, in order. The line
    /// (without its `\n`) comes from BNCWire's `TradeLineWriter`, the one trade-line writer.
    /// Elements before a bad one have been handed to `body` when the error comes.
    package static func convert<E: Error>(
        _ json: UnsafeRawBufferPointer, symbol: String, kind: StreamKind,
        _ body: (Int64, UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(PageError<E>) {
        var writer = TradeLineWriter()
        let symbolBytes = Array(symbol.utf8)
        try forEachObject(json) { (range) throws(PageError<E>) in
            let id: Int64
            do throws(ConversionError) {
                // `withUnsafeBytes` rethrows untyped: the typed error crosses it as a `Result`.
                id = try symbolBytes.withUnsafeBytes { symbol in
                    Result { () throws(ConversionError) in try element(json, range, symbol: symbol, kind: kind, into: &writer) }
                }.get()
            } catch {
                throw .conversion(error)
            }
            do throws(E) { try body(id, writer.lineWithoutNewline) } catch { throw .body(error) }
        }
    }

    /// Writes the trade line of the object at `range` into `writer` and returns its id (trade id
    /// or aggregate id).
    private static func element(
        _ json: UnsafeRawBufferPointer, _ range: Range<Int>, symbol: UnsafeRawBufferPointer, kind: StreamKind,
        into writer: inout TradeLineWriter
    ) throws(ConversionError) -> Int64 {
        var f: [String: (JSONValueKind, Range<Int>)] = [:]
        do {
            try JSONObjectScanner.scan(json, range: range) { (m) throws(JSONScanError) in
                f[String(decoding: UnsafeRawBufferPointer(rebasing: json[m.keyRange]), as: UTF8.self)] = (m.kind, m.valueRange)
            }
        } catch { throw .badElement("\(error)") }
        func decimal(_ key: String) throws(ConversionError) -> UnsafeRawBufferPointer {
            guard let (k, r) = f[key], k == .string, r.count <= WireLimits.maxDecimalLength else {
                throw .badElement("missing or mistyped \"\(key)\"")
            }
            return UnsafeRawBufferPointer(rebasing: json[r])
        }
        func integer(_ key: String) throws(ConversionError) -> Int64 {
            guard let (k, r) = f[key], k == .number else { throw .badElement("missing or mistyped \"\(key)\"") }
            guard let value = DecimalParser.int64(json, r) else { throw .badElement("\(key) is not an integer") }
            return value
        }
        func bool(_ key: String) throws(ConversionError) -> Bool {
            guard let (k, _) = f[key], k == .true || k == .false else { throw .badElement("missing or mistyped \"\(key)\"") }
            return k == .true
        }
        func nonNegative(_ key: String) throws(ConversionError) -> Int64 {
            let value = try integer(key)
            guard value >= 0 else { throw .badElement("\(key) is negative") }
            return value
        }
        switch kind {
        case .trade:
            let id = try nonNegative("id")
            let time = try nonNegative("time")
            writer.buildTrade(
                eventTime: time, symbol: symbol, tradeID: id, price: try decimal("price"),
                quantity: try decimal("qty"), tradeTime: time, buyerIsMaker: try bool("isBuyerMaker"),
                bestMatch: try bool("isBestMatch"))
            return id
        case .aggTrade:
            let id = try nonNegative("a")
            let time = try nonNegative("T")
            let first = try nonNegative("f"), last = try nonNegative("l")
            if let problem = WireLimits.aggTradeRangeProblem(first: first, last: last) { throw .badElement(problem) }
            writer.buildAggTrade(
                eventTime: time, symbol: symbol, aggregateID: id, price: try decimal("p"),
                quantity: try decimal("q"), firstTradeID: first, lastTradeID: last,
                tradeTime: time, buyerIsMaker: try bool("m"), bestMatch: try bool("M"))
            return id
        }
    }

    /// Calls `body` with the byte range of each object element of a JSON array of flat objects.
    static func forEachObject<E: Error>(
        _ b: UnsafeRawBufferPointer, _ body: (Range<Int>) throws(PageError<E>) -> Void
    ) throws(PageError<E>) {
        var i = 0
        func skip() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        skip()
        guard i < b.count, b[i] == UInt8(ascii: "[") else { throw .conversion(.notAnArray) }
        i += 1
        skip()
        if i < b.count, b[i] == UInt8(ascii: "]") { return }
        while true {
            skip()
            guard i < b.count, b[i] == UInt8(ascii: "{") else { throw .conversion(.notAnArray) }
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
            guard depth == 0 else { throw .conversion(.notAnArray) }
            try body(start..<i)
            skip()
            guard i < b.count else { throw .conversion(.notAnArray) }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { return }
            throw .conversion(.notAnArray)
        }
    }
}

extension BackfillConverter.PageError: ToolError where Body: ToolError {
    package var exitStatus: ExitStatus {
        switch self {
        case .conversion(let error): return error.exitStatus
        case .body(let error): return error.exitStatus
        }
    }
}

extension BackfillConverter.PageError: Equatable where Body: Equatable {}
