import BNCCore

/// The part of Binance's `GET /api/v3/exchangeInfo` (request weight 20) that `--quote` needs:
/// each symbol's name, trading status and quote asset. The answer is
/// `{"timezone":…,"serverTime":…,"rateLimits":[…],"exchangeFilters":[…],"symbols":[{"symbol":"ETHBTC",
/// "status":"TRADING","baseAsset":"ETH","quoteAsset":"BTC",…,"isSpotTradingAllowed":true,…},…]}`;
/// every other member is validated and skipped.
package struct ExchangeInfo: Sendable, Equatable {
    package struct Symbol: Sendable, Equatable {
        package var symbol: String
        package var status: String
        package var quoteAsset: String
        /// Absent in old answers: taken as allowed.
        package var spotTradingAllowed: Bool
    }

    package static let weight = 20
    package static let path = "/api/v3/exchangeInfo"

    package var symbols: [Symbol]

    /// Why an exchangeInfo answer cannot be used (from the exchange, so exit 69 when fetched, 65 from a file).
    package enum ParseError: ToolError, Sendable, Equatable {
        case json(String)
        case noSymbols
        case badSymbol(String)
        case fetch(String)

        package var description: String {
            switch self {
            case .json(let why): return "exchangeInfo: \(why)"
            case .noSymbols: return "exchangeInfo: no \"symbols\" array"
            case .badSymbol(let why): return "exchangeInfo: symbol entry: \(why)"
            case .fetch(let why): return "exchangeInfo: \(why)"
            }
        }

        package var exitStatus: ExitStatus {
            if case .fetch = self { return .unavailable }
            return .dataError
        }
    }

    package init(symbols: [Symbol]) { self.symbols = symbols }

    /// Parses the JSON answer.
    package init(json: UnsafeRawBufferPointer) throws(ParseError) {
        var symbolsRange: Range<Int>?
        do {
            try JSONObjectScanner.scan(json) { m in
                if m.kind == .array, JSONObjectScanner.bytes(json, m.keyRange, equal: "symbols") { symbolsRange = m.valueRange }
            }
        } catch { throw .json(error.description) }
        guard let symbolsRange else { throw .noSymbols }
        var found: [Symbol] = []
        for element in try Self.elements(json, symbolsRange) {
            var name: String?, status: String?, quote: String?
            var spot = true
            do {
                try JSONObjectScanner.scan(json, range: element) { m in
                    func text() -> String { String(decoding: UnsafeRawBufferPointer(rebasing: json[m.valueRange]), as: UTF8.self) }
                    if JSONObjectScanner.bytes(json, m.keyRange, equal: "symbol"), m.kind == .string { name = text() }
                    else if JSONObjectScanner.bytes(json, m.keyRange, equal: "status"), m.kind == .string { status = text() }
                    else if JSONObjectScanner.bytes(json, m.keyRange, equal: "quoteAsset"), m.kind == .string { quote = text() }
                    else if JSONObjectScanner.bytes(json, m.keyRange, equal: "isSpotTradingAllowed") { spot = m.kind != .false }
                }
            } catch { throw .badSymbol(error.description) }
            guard let name, let status, let quote else { throw .badSymbol("missing symbol, status or quoteAsset") }
            found.append(Symbol(symbol: name, status: status, quoteAsset: quote, spotTradingAllowed: spot))
        }
        symbols = found
    }

    /// The symbols to stream for `--quote`: trading now, spot, with that quote asset
    /// (case-insensitive), in the exchange's order.
    package func trading(quote: String) -> [String] {
        let q = quote.uppercased()
        return symbols.filter { $0.status == "TRADING" && $0.spotTradingAllowed && $0.quoteAsset.uppercased() == q }.map(\.symbol)
    }

    /// Fetches and parses `baseURL` + `/api/v3/exchangeInfo`, spending its weight from `budget`.
    package static func fetch(baseURL: String, tls: TLSOptions, budget: SharedWeightBudget? = nil) throws(ParseError) -> ExchangeInfo {
        _ = bnc_global_init_once
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if let budget {
            let wait = budget.reserve(now: MonotonicClock.nowMilliseconds(), weight: weight)
            if wait > 0 { _ = MonotonicClock.sleep(milliseconds: wait, stop: { SignalTrap.stopRequested }) }
        }
        let url = base + path
        switch RESTClient(tls: tls).get(url) {
        case .failure(let error): throw .fetch("\(url): \(error)")
        case .success(let response) where response.status == 200:
            return try response.body.withUnsafeBytes { json in
                Result { () throws(ParseError) in try ExchangeInfo(json: json) }
            }.get()
        case .success(let response):
            throw .fetch("\(url): HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
    }

    /// The byte ranges of the elements of the JSON array at `range` (objects expected; the
    /// scanner has validated the array already, so only nesting and strings are tracked).
    private static func elements(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) throws(ParseError) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = range.lowerBound
        guard i < range.upperBound, b[i] == UInt8(ascii: "[") else { throw .noSymbols }
        i += 1
        var depth = 0, inString = false, start = -1
        while i < range.upperBound {
            let c = b[i]
            if inString {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") { inString = true }
            else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                if depth == 0 { start = i }
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                if depth == 0 { break }   // the array's own end
                depth -= 1
                if depth == 0 {
                    guard b[start] == UInt8(ascii: "{") else { throw .badSymbol("not an object") }
                    result.append(start..<(i + 1))
                }
            } else if depth == 0, c != UInt8(ascii: ","), c != 0x20, c != 0x0A, c != 0x0D, c != 0x09 {
                throw .badSymbol("not an object")
            }
            i += 1
        }
        return result
    }
}
