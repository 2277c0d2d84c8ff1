import BNCCore
import Testing
@testable import BNCWire

/// Issue 11: window rows with values no real window holds are bad rows (WindowRowLimits).
@Suite("Window-row value checks")
struct WindowRowValueTests {
    static let base: [String: String] = [
        "symbol": "\"BTCUSDT\"", "start": "1772294480000", "end": "1772294500000", "trade_count": "1529",
        "volume": "2.45825", "avg_trade_size": "0.0016", "price_return": "-0.0008", "price_volatility": "16.6",
        "open": "61837.63", "vwap": "61850.1", "quote_volume": "152001.7", "missing_trades": "0", "complete": "true",
    ]

    static func line(_ changes: [String: String]) -> String {
        let merged = base.merging(changes) { $1 }
        return "{" + merged.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    static func read(_ changes: [String: String], features: [String] = WindowRowKey.features.map(\.name)) -> WindowRowError? {
        do {
            _ = try WireFormatRoundTripTests.readRow(line(changes), features: features)
            return nil
        } catch { return error }
    }

    @Test func theBaseRowIsAccepted() {
        #expect(Self.read([:]) == nil)
        #expect(Self.read([:], features: ["open", "vwap", "quote_volume", "missing_trades"]) == nil)
    }

    @Test func negativeTradeCountIsABadRow() {
        let error = Self.read(["trade_count": "-5"])
        #expect(error == .outOfRange(key: "trade_count", value: "-5", rule: "a whole number from 0 to 9007199254740992"))
        #expect(error?.description == "key \"trade_count\" is -5; it must be a whole number from 0 to 9007199254740992")
    }

    @Test func fractionalTradeCountIsABadRow() {
        #expect(Self.read(["trade_count": "2.5"]) != nil)
    }

    @Test func negativeVolumeAndSizesAreBadRows() {
        for key in ["volume", "avg_trade_size", "price_volatility"] {
            #expect(Self.read([key: "-0.5"]) != nil, "\(key)")
        }
        #expect(Self.read(["quote_volume": "-1"], features: ["quote_volume"]) != nil)
        #expect(Self.read(["missing_trades": "-1"], features: ["missing_trades"]) != nil)
        #expect(Self.read(["open": "0"], features: ["open"]) != nil)
        #expect(Self.read(["price_return": "-1.5"]) != nil)
    }

    @Test func absurdMagnitudesAreBadRows() {
        #expect(Self.read(["volume": "1e308"]) == .outOfRange(key: "volume", value: "1e308", rule: "a number from 0 to 1e+18"))
        #expect(Self.read(["price_return": "1e300"]) != nil)
        #expect(Self.read(["trade_count": "1e300"]) != nil)
        // An unknown feature key still has to be a sane number.
        #expect(Self.read(["custom": "-1e200"], features: ["custom"]) != nil)
        #expect(Self.read(["custom": "-12.5"], features: ["custom"]) == nil)
    }

    @Test func nonFiniteNumbersAreBadRows() {
        // JSON has no inf/nan literals; an overflowing number is what a writer could produce.
        #expect(Self.read(["volume": "1e400"]) != nil)
        #expect(Self.read(["price_volatility": "-1e400"]) != nil)
    }

    /// The result columns are checked even when the model does not use them.
    @Test func columnsOutsideTheFeaturesAreCheckedToo() {
        #expect(Self.read(["trade_count": "-5"], features: ["vwap"]) != nil)
    }

    @Test func impossibleWindowTimesAreBadRows() {
        #expect(Self.read(["start": "-20000", "end": "0"]) == .badTimes(start: -20000, end: 0))
        #expect(Self.read(["end": "1772294480000"]) != nil)  // end == start
        #expect(Self.read(["start": "1772294500000", "end": "1772294480000"]) != nil)
        #expect(Self.read(["start": "200000000000000", "end": "200000000020000"]) != nil)
    }

    @Test func nullStaysAllowedForPrices() {
        #expect(Self.read(["open": "null", "vwap": "null"], features: ["trade_count", "open"]) == nil)
    }

    @Test func theLongValueIsCutInTheMessage() {
        let long = "1" + String(repeating: "0", count: 300)
        guard case .outOfRange(_, let value, _)? = Self.read(["volume": long]) else {
            Issue.record("not rejected")
            return
        }
        #expect(value.count == 41 && value.hasSuffix("…"))
    }
}
