import BNCCore
import Foundation
import Testing
import TestSupport
@testable import MarketStream

@Suite("Trade messages, backoff, limits and REST conversion")
struct FeedLogicTests {
    private func inspect(_ text: String) -> (TradeMessage, String, String) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { b in
            let m = TradeMessage.inspect(b)
            return (m, String(decoding: b[m.payload], as: UTF8.self), String(decoding: b[m.symbol], as: UTF8.self))
        }
    }

    @Test("The combined-stream envelope is unwrapped to the exact data bytes")
    func envelope() throws {
        let data = #"{"e":"trade","E":1723161255108,"s":"BTCUSDT","t":3735683259,"p":"61810.01000000","q":"0.00016000","T":1723161255107,"m":false,"M":true}"#
        let (m, payload, symbol) = inspect(#"{"stream":"btcusdt@trade", "data":"# + data + "}")
        #expect(m.kind == .trade && m.id == 3735683259 && symbol == "BTCUSDT")
        #expect(payload == data)
        let (raw, rawPayload, _) = inspect(data)
        #expect(raw.kind == .trade && rawPayload == data)
        let (agg, _, _) = inspect(#"{"e":"aggTrade","E":1,"s":"ETHUSDT","a":77,"p":"1","q":"2","f":100,"l":105,"T":1,"m":true,"M":true}"#)
        #expect(agg.kind == .trade && agg.id == 77)
        #expect(inspect(#"{"e":"serverShutdown","E":1}"#).0.kind == .serverShutdown)
        #expect(inspect(#"{"stream":"x","data":{"e":"serverShutdown","E":1}}"#).0.kind == .serverShutdown)
        #expect(inspect(#"{"result":null,"id":1}"#).0.kind == .other)
        if case .invalid = inspect("not json").0.kind {} else { Issue.record("garbage must be invalid") }
        if case .invalid = inspect(#"{"e":"trade","s":"BTCUSDT","t":"12"}"#).0.kind {} else { Issue.record("string id must be invalid") }
    }

    @Test("Real capture lines: every @trade message unwraps to its data object with consecutive ids")
    func realCapture() throws {
        let text = try String(contentsOf: Fixture.url(Fixture.trades2024), encoding: .utf8)
        var previous: Int64?
        var count = 0
        for line in text.split(separator: "\n") {
            let (m, payload, _) = inspect(String(line))
            #expect(m.kind == .trade)
            #expect(line.hasSuffix(payload + "}"))
            if let previous { #expect(m.id == previous + 1) }
            previous = m.id
            count += 1
        }
        #expect(count == 1_000)
    }

    @Test("Backoff: full jitter under a doubling ceiling capped at the maximum, reset after a long-lived connection")
    func backoff() {
        var policy = ReconnectPolicy(initialMilliseconds: 1000, maxMilliseconds: 60_000, resetAfterMilliseconds: 60_000)
        var rng = SplitMix64(seed: 1)
        var ceilings: [Int64] = []
        for _ in 0..<10 {
            let ceiling = policy.currentCeiling
            ceilings.append(ceiling)
            let d = policy.nextDelay(using: &rng)
            #expect(d >= 0 && d <= ceiling)
        }
        #expect(ceilings == [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000])
        policy.connectionEnded(afterLiving: 59_999)
        #expect(policy.currentCeiling == 60_000)
        policy.connectionEnded(afterLiving: 60_000)
        #expect(policy.currentCeiling == 1000)
        // Jitter really spreads: 200 draws under a 1 s ceiling are not all alike.
        var spread = Set<Int64>()
        for _ in 0..<200 { var p = ReconnectPolicy(); spread.insert(p.nextDelay(using: &rng)) }
        #expect(spread.count > 100)
    }

    @Test("Never more than 300 connection attempts in 5 minutes")
    func connectionLimit() {
        var limiter = ConnectionRateLimiter()
        var now: Int64 = 0
        var opened = 0
        // Try to connect every 100 ms for 15 minutes.
        while now < 900_000 {
            if limiter.delay(now: now) == 0 { limiter.record(now: now); opened += 1 }
            #expect(limiter.recentAttempts <= 300)
            now += 100
        }
        #expect(opened == 900)
        var l2 = ConnectionRateLimiter(limit: 3, windowMilliseconds: 1000)
        for t in [0, 10, 20] as [Int64] { l2.record(now: t) }
        #expect(l2.delay(now: 500) == 500)
        #expect(l2.delay(now: 999) == 1)
        #expect(l2.delay(now: 1000) == 0)
    }

    @Test("Weight budget: 6000 per minute at weight 25 is 240 requests, then a wait")
    func weightBudget() {
        var budget = WeightBudget()
        for i in 0..<240 { #expect(budget.delay(now: Int64(i), weight: 25) == 0); budget.spend(now: Int64(i), weight: 25) }
        #expect(budget.delay(now: 240, weight: 25) == 60_000 - 240)
        #expect(budget.delay(now: 60_001, weight: 25) == 0)
    }

    @Test("historicalTrades and aggTrades JSON become stream trade lines")
    func conversion() throws {
        let json = #"[{"id":28457,"price":"4.00000100","qty":"12.00000000","quoteQty":"48.000012","time":1499865549590,"isBuyerMaker":true,"isBestMatch":true}, {"id":28458,"price":"4.1","qty":"1.0","quoteQty":"4.1","time":1499865549591,"isBuyerMaker":false,"isBestMatch":true}]"#
        var lines: [(Int64, String)] = []
        try Array(json.utf8).withUnsafeBytes { b in
            try BackfillConverter.convert(b, symbol: "BNBBTC", kind: .trade) { id, line in lines.append((id, String(decoding: line, as: UTF8.self))) }
        }
        #expect(lines.map(\.0) == [28457, 28458])
        #expect(lines[0].1 == #"{"e":"trade","E":1499865549590,"s":"BNBBTC","t":28457,"p":"4.00000100","q":"12.00000000","T":1499865549590,"m":true,"M":true}"#)
        let agg = #"[{"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true}]"#
        var aggLines: [String] = []
        try Array(agg.utf8).withUnsafeBytes { b in
            try BackfillConverter.convert(b, symbol: "BNBBTC", kind: .aggTrade) { _, line in aggLines.append(String(decoding: line, as: UTF8.self)) }
        }
        #expect(aggLines == [#"{"e":"aggTrade","E":1498793709153,"s":"BNBBTC","a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true}"#])
        try Array("[]".utf8).withUnsafeBytes { b in try BackfillConverter.convert(b, symbol: "X", kind: .trade) { _, _ in Issue.record("empty") } }
        #expect(throws: BackfillConverter.PageError<Never>.conversion(.notAnArray)) {
            try Array(#"{"code":-1121}"#.utf8).withUnsafeBytes { b in try BackfillConverter.convert(b, symbol: "X", kind: .trade) { _, _ in } }
        }
        #expect(throws: (any Error).self) {
            try Array(#"[{"id":"x"}]"#.utf8).withUnsafeBytes { b in try BackfillConverter.convert(b, symbol: "X", kind: .trade) { _, _ in } }
        }
    }
}
