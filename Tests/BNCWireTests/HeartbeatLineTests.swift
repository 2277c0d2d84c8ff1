import BNCCore
import Testing
@testable import BNCWire

/// `HeartbeatLine`, the live feed's in-band clock line (formats.md §1): what its writer writes its
/// reader reads back; other lines are left to the trade reader's verdict; a malformed heartbeat
/// says what is wrong with it.
@Suite("Heartbeat lines: writer and reader")
struct HeartbeatLineTests {
    static func read(_ text: String) throws(TradeLineError) -> HeartbeatLine? {
        let result: Result<HeartbeatLine?, TradeLineError> = Array(text.utf8).withUnsafeBytes { b in
            do throws(TradeLineError) { return .success(try HeartbeatLine.read(b)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func isHeartbeat(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { HeartbeatLine.isHeartbeat($0) }
    }

    @Test func writtenLineReadsBack() throws {
        let beat = HeartbeatLine(symbol: Symbol("BTCUSDT")!, time: 1_771_000_000_123)
        let text = String(decoding: beat.bytes, as: UTF8.self)
        #expect(text == "{\"e\":\"bnc.heartbeat\",\"E\":1771000000123,\"s\":\"BTCUSDT\"}\n")
        #expect(try Self.read(String(text.dropLast())) == beat)
        #expect(Self.isHeartbeat(String(text.dropLast())))
        let longest = HeartbeatLine(symbol: Symbol(String(repeating: "A", count: WireLimits.maxSymbolLength))!, time: 0)
        #expect(try Self.read(String(decoding: longest.bytes.dropLast(), as: UTF8.self)) == longest)
    }

    @Test func anyKeyOrderEnvelopeAndMicroseconds() throws {
        #expect(try Self.read(#" { "s" : "ethusdt", "x": [1], "E" : 1771000000123456 , "e":"bnc.heartbeat"} "#)
                == HeartbeatLine(symbol: Symbol("ETHUSDT")!, time: 1_771_000_000_123))
        #expect(try Self.read(#"{"stream":"x","data":{"e":"bnc.heartbeat","E":5,"s":"BTCUSDT"}}"#)
                == HeartbeatLine(symbol: Symbol("BTCUSDT")!, time: 5))
    }

    @Test func otherLinesAreNotHeartbeats() throws {
        for line in [#"{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":true}"#,
                     #"{"e":"bnc.heartbeats","E":1,"s":"BTCUSDT"}"#, #"{"e":"BNC.HEARTBEAT","E":1,"s":"BTCUSDT"}"#,
                     #"{"E":1,"s":"BTCUSDT"}"#, "not json", "", #"{"e":"bnc.heartbeat""#] {
            #expect(try Self.read(line) == nil, "\(line)")
            #expect(!Self.isHeartbeat(line), "\(line)")
        }
    }

    @Test func malformedHeartbeatsSayWhy() {
        let cases: [(String, String)] = [
            (#"{"e":"bnc.heartbeat","s":"BTCUSDT"}"#, "missing field \"E\""),
            (#"{"e":"bnc.heartbeat","E":"soon","s":"BTCUSDT"}"#, "field \"E\""),
            (#"{"e":"bnc.heartbeat","E":-5,"s":"BTCUSDT"}"#, "field \"E\""),
            (#"{"e":"bnc.heartbeat","E":5}"#, "missing field \"s\""),
            (#"{"e":"bnc.heartbeat","E":5,"s":""}"#, "field \"s\""),
            (#"{"e":"bnc.heartbeat","E":5,"s":"ABCDEFGHIJKLMNOPQRSTUVWX"}"#, "field \"s\""),
        ]
        for (line, why) in cases {
            #expect(Self.isHeartbeat(line), "\(line)")
            do {
                _ = try Self.read(line)
                Issue.record("\(line) was read")
            } catch {
                #expect(error.description.contains(why), "\(line): \(error.description)")
            }
        }
    }
}
