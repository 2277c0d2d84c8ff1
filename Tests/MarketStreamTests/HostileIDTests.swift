import BNCCore
import Foundation
import Testing
import TestSupport
@testable import MarketStream

/// Issue 11: ids a crafted or broken exchange message can carry — an aggTrade whose `l − f + 1`
/// overflows, a jump to 2^63 − 1 — are skipped and counted, never written, never trap.
@Suite("Stream messages and REST answers with extreme ids")
struct HostileIDTests {
    static func inspect(_ text: String) -> TradeMessage {
        var text = text
        return text.withUTF8 { TradeMessage.inspect(UnsafeRawBufferPointer($0)) }
    }

    static func aggTrade(f: String, l: String) -> String {
        #"{"e":"aggTrade","E":1,"s":"ETHUSDT","a":77,"p":"1","q":"2","f":\#(f),"l":\#(l),"T":1,"m":true,"M":true}"#
    }

    @Test("an aggTrade whose l − f + 1 overflows is an invalid message, not a trade")
    func aggTradeCountOverflowIsSkippedNotWritten() {
        for (f, l) in [("0", "9223372036854775807"), ("5", "3"), ("-1", "3"), ("1", "\"3\"")] {
            guard case .invalid = Self.inspect(Self.aggTrade(f: f, l: l)).kind else {
                Issue.record("f=\(f) l=\(l) classified as a trade")
                continue
            }
        }
        guard case .invalid = Self.inspect(#"{"e":"aggTrade","E":1,"s":"ETHUSDT","a":77,"p":"1","q":"2","T":1,"m":true}"#).kind else {
            Issue.record("an aggTrade without f and l classified as a trade")
            return
        }
        // The reader's limit (WireLimits.maxTradesPerAggTrade): the widest range it accepts is a
        // trade, one more is not; the envelope is still a trade.
        #expect(Self.inspect(Self.aggTrade(f: "1", l: "1000000")).kind == .trade)
        #expect(Self.inspect(Self.aggTrade(f: "1", l: "1000001")).kind != .trade)
        #expect(Self.inspect(#"{"stream":"ethusdt@aggTrade","data":"# + Self.aggTrade(f: "100", l: "105") + "}").kind == .trade)
    }

    @Test("a REST aggTrade whose l − f + 1 overflows, or with negative ids, is a bad page")
    func backfillAggTradeWithOverflowingCountIsABadPage() {
        for element in [
            #"{"a":1,"p":"1","q":"1","f":0,"l":9223372036854775807,"T":1,"m":true,"M":true}"#,
            #"{"a":1,"p":"1","q":"1","f":9,"l":3,"T":1,"m":true,"M":true}"#,
            #"{"a":-1,"p":"1","q":"1","f":1,"l":3,"T":1,"m":true,"M":true}"#,
            #"{"a":1,"p":"1","q":"1","f":1,"l":3,"T":-5,"m":true,"M":true}"#,
        ] {
            var written = 0
            let error: BackfillConverter.PageError<Never>? = Array("[\(element)]".utf8).withUnsafeBytes { b in
                do throws(BackfillConverter.PageError<Never>) {
                    try BackfillConverter.convert(b, symbol: "BTCUSDT", kind: .aggTrade) { (_, _) throws(Never) in written += 1 }
                    return nil
                } catch { return error }
            }
            #expect(written == 0, "\(element)")
            guard case .conversion(.badElement)? = error else { Issue.record("\(element): \(String(describing: error))"); continue }
        }
        var negativeTrade = 0
        _ = Array(#"[{"id":-3,"price":"1","qty":"1","time":1,"isBuyerMaker":true,"isBestMatch":true}]"#.utf8).withUnsafeBytes { b in
            try? BackfillConverter.convert(b, symbol: "BTCUSDT", kind: .trade) { (_, _) throws(Never) in negativeTrade += 1 }
        }
        #expect(negativeTrade == 0)
    }

    /// Runs a feed (backfill off) over one scripted connection of `messages` until `expected`
    /// trades are written; exits 0 when the written ids are `ids` and `skipped` messages were
    /// skipped, else 1 (run in a child process: the old code trapped).
    static func feedWrites(_ messages: [String], expected: Int64, ids: [Int64], skipped: Int64) throws -> Bool {
        let steps = messages.map { ScriptedConnection.Step.frame(ScriptedConnection.text($0)) }
        let outcome = try LiveFeedTests.run([ScriptedConnection(steps)], expected: expected) { $0.backfillEnabled = false }
        return outcome.ids == ids && outcome.statistics.skippedMessages == skipped
    }

    static func trade(_ symbol: String, _ id: Int64) -> String {
        #"{"e":"trade","E":1723161255000,"s":"\#(symbol)","t":\#(id),"p":"1","q":"0.001","T":1723161255000,"m":true,"M":true}"#
    }

    @Test("an id 2^63 − 1 in the middle of a stream is skipped; the trades after it are still written")
    func implausibleIDJumpDoesNotPoisonTheLedger() async {
        await #expect(processExitsWith: .success) {
            let messages = (1...5).map { HostileIDTests.trade("BTCUSDT", $0) } + [HostileIDTests.trade("BTCUSDT", .max)]
                + (6...10).map { HostileIDTests.trade("BTCUSDT", $0) }
            let ok = try HostileIDTests.feedWrites(messages, expected: 10, ids: Array(1...10), skipped: 1)
            exit(ok ? 0 : 1)
        }
    }

    @Test("huge id gaps on two symbols do not overflow the missing-trades counter")
    func hugeGapsOnTwoSymbolsDoNotTrap() async {
        await #expect(processExitsWith: .success) {
            let messages = [HostileIDTests.trade("BTCUSDT", 0), HostileIDTests.trade("BTCUSDT", .max),
                            HostileIDTests.trade("ETHUSDT", 0), HostileIDTests.trade("ETHUSDT", .max),
                            HostileIDTests.trade("ETHUSDT", 1)]
            let ok = try HostileIDTests.feedWrites(messages, expected: 3, ids: [0, 0, 1], skipped: 2)
            exit(ok ? 0 : 1)
        }
    }
}
