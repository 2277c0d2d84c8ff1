import BNCCore
import Foundation
import Testing
@testable import BNCWire

/// `WindowRowReader.parse` (fast path, general path behind it) against the general path alone
/// (`parseGeneral`, the reader as it was before the fast path): over generated rows — every key order, unknown and near-miss
/// keys, nulls, missing and repeated keys, wrong types, out-of-range and odd numbers, escapes,
/// whitespace, truncations, flipped bytes — both give the same fields bit for bit, or the same
/// error. One reader of each kind reads all the lines in turn, so the fast path's key-order
/// prediction meets changing orders as it would in a file.
@Suite("Window-row reader fast path")
struct WindowRowFastPathTests {
    /// SplitMix64: the same lines on every run.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let oddValues = [
        "0", "-0", "-1", "1", "2.5", "1e308", "1e400", "-1e400", "1e-400", "0.5", "01", "-01", "1.", ".5", "-", "+1",
        "1e", "1e+", "1E+2", "1e-2", "2E3", "12345678901234567890123", "9007199254740993", "9007199254740992",
        "1000000000000000000", "1000000000000000001", "1e18", "1.0000000000000002e18", "-0.0", "0.00000001",
        "61837.63000000", "1234567.12345678", "12345678.12345678", "00.12345678", "0.1234567891234567891234",
        "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308", "123456789012345678", "1234567890123456789",
        "99999999999999999999", "-1772294480000", "1772294480000", "100000000000000", "100000000000001",
        "null", "nul", "nulll", "true", "tru", "false", "fals", "\"\"", "\"str\"", "\"a\\\"b\"", "\"\\u00e9\"", "\"\\x\"",
        "\"BTCUSDT\"", "\"BTC USDT\"", "\"BTC,USDT\"", "\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\"", "\"ABCDEFGHIJKLMNOPQRSTUVW\"",
        "\"é\"", "\"\u{01}\"", "{}", "{\"a\":[1,2,{\"b\":null}]}", "[]", "[1,{}]", "[", "{", "NaN", "Infinity", "-Infinity",
        "0x10", "1_000", "1.5.3", "1e5e5", "--1", "-.5", "1.5e+308", "123abc",
    ]

    static let unknownKeys = ["foo", "x", "", "volum", "volumee", "Volume", "end ", " end", "sym\\u0062ol", "a\\\"b", "open_"]

    /// A plausible value for a key (`start`/`end` consistent most of the time).
    static func goodValue(_ key: String, _ r: inout Random, odd: Int = 10) -> String {
        switch key {
        case "symbol": return r.pick(["\"BTCUSDT\"", "\"ETHUSDT\"", "\"1000PEPEUSDT\"", "\"X\""])
        case "start": return "1772294480000"
        case "end": return r.chance(100 - odd) ? "1772294500000" : r.pick(["1772294480000", "1772294470000", "100000000000001", "99999999999999"])
        case "complete": return r.pick(["true", "false"])
        case "trade_count", "missing_trades", "duplicates", "late_trades", "outlier_trades":
            return r.chance(100 - odd) ? String(r.below(5000)) : r.pick(["2.5", "-5", "9007199254740993", "1e3", "0", "null"])
        case "first_trade_id", "last_trade_id":
            return r.chance(100 - 2 * odd) ? String(r.next() >> 20) : r.pick(["null", "-1", "9223372036854775807", "9.3e18"])
        case "price_return":
            return r.chance(100 - odd) ? String(Double(Int64(r.next() >> 11)) / 1e16 - 0.4) : r.pick(["-1", "-0.9999", "-1.5", "null"])
        default:
            // Shortest round-trip text, Binance's eight decimals, or null (an empty window).
            switch r.below(10) {
            case 0: return "null"
            case 1: return String(format: "%.8f", Double(r.below(10_000_000)) + Double(r.below(100_000_000)) / 1e8)
            case 2: return String(Double(bitPattern: 0x3FF0_0000_0000_0000 | (r.next() >> 12)) * Double(r.below(1000)))
            default: return String(Double(r.next() >> 11) / Double(1 << 53) * pow(10, Double(r.below(12)) - 3))
            }
        }
    }

    static let allKeys = WindowRowKey.allCases.map(\.name)

    static func whitespace(_ r: inout Random) -> String { r.chance(85) ? "" : r.pick([" ", "\t", "  ", "\r", "\n", " \t "]) }

    /// One generated line.
    static func line(_ r: inout Random, mutate: Bool) -> String {
        var keys: [String]
        switch r.below(5) {
        case 0, 1: keys = allKeys
        case 2: keys = ["symbol", "start", "end"] + WindowRowKey.features.map(\.name) + ["complete"]
        case 3: keys = allKeys.shuffledDeterministically(&r)
        default: keys = allKeys.sorted()
        }
        var members = keys.map { ($0, goodValue($0, &r)) }
        let spaced = mutate && r.chance(15)
        if mutate {
            for _ in 0..<r.below(4) {
                switch r.below(7) {
                case 0: if !members.isEmpty { members.remove(at: r.below(members.count)) }
                case 1: if !members.isEmpty { let m = members[r.below(members.count)]; members.insert((m.0, r.chance(50) ? goodValue(m.0, &r) : r.pick(oddValues)), at: r.below(members.count + 1)) }
                case 2: members.insert((r.pick(unknownKeys), r.pick(oddValues)), at: r.below(members.count + 1))
                case 3, 4: if !members.isEmpty { let k = r.below(members.count); members[k].1 = r.pick(oddValues) }
                case 5: members.insert((r.pick(allKeys), "null"), at: r.below(members.count + 1))
                default: members.swapAt(r.below(max(1, members.count)), r.below(max(1, members.count)))
                }
            }
        }
        func ws() -> String { spaced ? whitespace(&r) : "" }
        var text = ws() + "{" + members.map { ws() + "\"\($0.0)\"" + ws() + ":" + ws() + $0.1 + ws() }.joined(separator: ",") + "}" + ws()
        if mutate, r.chance(8) {
            var bytes = Array(text.utf8)
            switch r.below(3) {
            case 0: bytes.removeLast(r.below(bytes.count))
            case 1: bytes[r.below(bytes.count)] = UInt8(truncatingIfNeeded: r.next())
            default: bytes.insert(r.pick(Array(",:{}[]\"\\ 0.e-".utf8)), at: r.below(bytes.count + 1))
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        return text
    }

    enum Outcome: Equatable {
        case row(start: Int64, end: Int64, complete: Bool, columns: [UInt64], features: [UInt64], usable: Bool, symbol: Range<Int>)
        case error(WindowRowError, String)
    }

    static func outcome(_ body: (inout WindowRowReader.Fields) throws(WindowRowError) -> Void, featureCount: Int) -> Outcome {
        var row = WindowRowReader.Fields(featureCount: featureCount)
        do throws(WindowRowError) {
            try body(&row)
            let c = row.columns
            return .row(start: row.start, end: row.end, complete: row.complete,
                        columns: [c.0, c.1, c.2, c.3, c.4].map(\.bitPattern), features: row.features.map(\.bitPattern),
                        usable: row.featuresUsable, symbol: row.symbolRange)
        } catch {
            return .error(error, error.description)
        }
    }

    static let featureSets: [[String]] = [
        WindowRowKey.features.map(\.name),
        ["open", "vwap", "quote_volume", "missing_trades"],
        ["volume", "foo"],
        ["price_return", "trade_count"],
        WindowRowKey.allCases.map(\.name).filter { !["symbol", "start", "end", "complete"].contains($0) },
        ["end", "volume"],            // a fixed key as a feature: the general path alone
        ["volume", "volume"],         // a repeated feature: the general path alone
        [],
    ]

    @Test(arguments: 0..<featureSets.count)
    func sameResultsAsTheEarlierReader(_ set: Int) {
        let features = Self.featureSets[set]
        var reader = WindowRowReader(featureNames: features)
        var reference = WindowRowReader(featureNames: features)
        var r = Random(state: 0x5EED_0000 + UInt64(set))
        var accepted = 0, rejected = 0, differences = 0
        for n in 0..<15_000 {
            let text = Self.line(&r, mutate: n % 3 != 0)
            var bytes = Array(text.utf8)
            let (new, old) = bytes.withUnsafeMutableBytes { raw -> (Outcome, Outcome) in
                let line = UnsafeRawBufferPointer(raw)
                let new = Self.outcome({ (row: inout WindowRowReader.Fields) throws(WindowRowError) in try reader.parse(line, into: &row) }, featureCount: features.count)
                let old = Self.outcome({ (row: inout WindowRowReader.Fields) throws(WindowRowError) in try reference.parseGeneral(line, into: &row) }, featureCount: features.count)
                return (new, old)
            }
            if new != old {
                differences += 1
                if differences <= 5 { Issue.record("features \(features), line \(text): new \(new), earlier \(old)") }
            }
            if case .row = old { accepted += 1 } else { rejected += 1 }
        }
        #expect(differences == 0)
        // Both kinds of outcome were exercised (rows are accepted where the features are keys
        // bnc-window writes, each once).
        let readable = Set(features).count == features.count
            && features.allSatisfy { Self.allKeys.contains($0) && !["symbol", "start", "end", "complete"].contains($0) }
        if readable { #expect(accepted > 1_000) }
        #expect(rejected > 1_000)
    }

    /// The rows the fast path is for are taken by it (not just handed on to the general path).
    @Test func plainRowsTakeTheFastPath() throws {
        var r = Random(state: 7)
        for features in [WindowRowKey.features.map(\.name), ["open", "vwap", "quote_volume", "missing_trades"]] {
            var reader = WindowRowReader(featureNames: features)
            var row = WindowRowReader.Fields(featureCount: features.count)
            var fast = 0
            for n in 0..<200 {
                var keys = Self.allKeys
                if n % 2 == 1 { keys = keys.shuffledDeterministically(&r) }
                var members = keys.map { key -> String in
                    "\"\(key)\":\(Self.goodValue(key, &r, odd: 0))"
                }
                if n % 5 == 0 { members.insert("\"note\":\"hi\"", at: 3) }
                var text = "{" + members.joined(separator: n % 7 == 0 ? ", " : ",") + "}"
                if n % 11 == 0 { text = " " + text + " \r" }
                var bytes = Array(text.utf8)
                let taken = bytes.withUnsafeMutableBytes { raw in reader.fastParse(UnsafeRawBufferPointer(raw), into: &row) }
                if taken { fast += 1 } else {
                    // Then it is a row the general path refuses too (none is drawn).
                    let refused = bytes.withUnsafeMutableBytes { raw -> Bool in
                        do throws(WindowRowError) {
                            try reader.parseGeneral(UnsafeRawBufferPointer(raw), into: &row)
                            return false
                        } catch { return true }
                    }
                    #expect(refused, "\(text)")
                }
            }
            #expect(fast > 150)
        }
    }
}

extension Array {
    /// Fisher–Yates with the tests' generator.
    func shuffledDeterministically(_ r: inout WindowRowFastPathTests.Random) -> [Element] {
        var a = self
        if a.count < 2 { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, r.below(i + 1)) }
        return a
    }
}
