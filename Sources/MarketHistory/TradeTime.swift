import BNCCore

/// Reads the exchange trade time `T` of a trade line, bare or inside the combined-stream envelope
/// `{"stream":…,"data":{…}}`, validating the JSON on the way (DESIGN.md §1).
public enum TradeTime {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case json(JSONScanError)
        case missingTradeTime
        case invalidTradeTime

        public var description: String {
            switch self {
            case .json(let error): return error.description
            case .missingTradeTime: return "no trade time \"T\""
            case .invalidTradeTime: return "trade time \"T\" is not a positive integer"
            }
        }
    }

    /// `T` as written (epoch ms, or µs when ≥ 10^14).
    public static func read(_ line: UnsafeRawBufferPointer) -> Result<Int64, Failure> {
        var time: Int64?
        var invalid = false
        do {
            try JSONObjectScanner.scan(line) { member throws(JSONScanError) in
                if JSONObjectScanner.bytes(line, member.keyRange, equal: "T") {
                    take(member, &time, &invalid, line)
                } else if member.kind == .object, JSONObjectScanner.bytes(line, member.keyRange, equal: "data") {
                    try JSONObjectScanner.scan(line, range: member.valueRange) { inner throws(JSONScanError) in
                        if JSONObjectScanner.bytes(line, inner.keyRange, equal: "T") { take(inner, &time, &invalid, line) }
                    }
                }
            }
        } catch {
            return .failure(.json(error))
        }
        if invalid { return .failure(.invalidTradeTime) }
        guard let time else { return .failure(.missingTradeTime) }
        return .success(time)
    }

    private static func take(_ member: JSONMember, _ time: inout Int64?, _ invalid: inout Bool, _ line: UnsafeRawBufferPointer) {
        guard member.kind == .number, let value = DecimalParser.int64(line, member.valueRange), value > 0 else {
            invalid = true
            return
        }
        time = value
    }
}
