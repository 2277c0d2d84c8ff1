import BNCCore
import Foundation
import Testing
import TestSupport
@testable import BNCWire

/// The compact fast path must accept exactly what the general scanner accepts, with the same
/// result, and leave everything else to it.
@Suite("Compact fast path agrees with the general scanner")
struct CompactPathTests {
    static func both(_ bytes: [UInt8]) -> (Result<Trade, TradeLineError>, Result<Trade, TradeLineError>) {
        bytes.withUnsafeBytes { raw in
            let fast: Result<Trade, TradeLineError>
            do throws(TradeLineError) { fast = .success(try TradeLineParser.parse(raw)) } catch { fast = .failure(error) }
            let general: Result<Trade, TradeLineError>
            do throws(TradeLineError) { general = .success(try TradeLineParser.parseGeneral(raw)) } catch {
                general = .failure(error)
            }
            return (fast, general)
        }
    }

    /// Real captures (Tests/Fixtures: the 2023 payload with `b`/`a`, and the 2024 one).
    @Test(arguments: [Fixture.trades2023, Fixture.trades2024])
    func realCapturesParseIdenticallyBothWays(file: String) throws {
        let lines = try Fixture.lines(file)
        #expect(lines.count == 1_000)
        var previous: Int64 = 0
        for line in lines {
            let (fast, general) = Self.both(Array(line.utf8))
            let trade = try fast.get()
            #expect(fast == general)
            // Real payloads unwrapped from the envelope; consecutive ids.
            #expect(previous == 0 || trade.tradeID == previous + 1)
            previous = trade.tradeID
            #expect(trade.symbol.description == "BTCUSDT")
            // The payload alone parses to the same trade.
            let payload = line.range(of: #""data":"#).map { String(line[$0.upperBound...].dropLast()) } ?? ""
            #expect(try TradeLineParser.parse(payload) == trade)
        }
    }

    @Test func mutatedLinesAgree() {
        let base = Array(TradeLineValidTests.current.utf8)
        let envelope = Array((#"{"stream":"btcusdt@trade","data":"# + TradeLineValidTests.current + "}").utf8)
        let aggregate = Array(#"{"e":"aggTrade","E":1771000000123,"s":"BTCUSDT","a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27783,"T":1771000000120,"m":false,"M":true}"#.utf8)
        let replacements: [UInt8] = [0x00, 0x09, 0x20, 0x22, 0x2C, 0x2D, 0x2E, 0x30, 0x31, 0x3A, 0x5C, 0x65, 0x7B, 0x7D, 0x5B, 0xC3, 0xFF]
        for line in [base, envelope, aggregate] {
            for position in line.indices {
                for replacement in replacements {
                    var bytes = line
                    bytes[position] = replacement
                    let (fast, general) = Self.both(bytes)
                    #expect(fast == general, "\(String(decoding: bytes, as: UTF8.self))")
                }
                var deleted = line
                deleted.remove(at: position)
                let (fast, general) = Self.both(deleted)
                #expect(fast == general, "\(String(decoding: deleted, as: UTF8.self))")
            }
        }
    }

    @Test func integersOfEveryLengthAndPlace() throws {
        var g = SplitMix64(seed: 3)
        for digits in 1...21 {
            for _ in 0..<20 {
                var text = String(1 + g.next() % 9) + String((1..<digits).map { _ in Character(String(g.next() % 10)) })
                if g.next() % 5 == 0 { text = "0" + text }       // leading zero: invalid JSON
                // The id last (near the end of the line, fewer than 8 bytes after it) and first.
                let lines = [#"{"e":"trade","E":1,"s":"X","p":"1","q":"1","T":1,"m":true,"t":"# + text + "}",
                             #"{"t":"# + text + #","e":"trade","E":1,"s":"X","p":"1","q":"1","T":1,"m":true}"#]
                for line in lines {
                    let (fast, general) = Self.both(Array(line.utf8))
                    #expect(fast == general, "\(line)")
                    if text.first != "0", let value = Int64(text) {
                        #expect(try fast.get().tradeID == value, "\(line)")
                    } else {
                        #expect(throws: TradeLineError.self) { try fast.get() }
                    }
                }
            }
        }
    }
}
