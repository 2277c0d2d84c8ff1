import Foundation
import BNCCore
import Testing
@testable import BNCWire

@Suite("Trade lines: valid corpus")
struct TradeLineValidTests {
    static let current =
        #"{"e":"trade","E":1771000000123,"s":"BTCUSDT","t":5800000001,"p":"67012.34000000","q":"0.00150000","T":1771000000122,"m":true,"M":true}"#

    @Test func currentPayload() throws {
        let trade = try TradeLineParser.parse(Self.current)
        #expect(trade.kind == .trade)
        #expect(trade.symbol.description == "BTCUSDT")
        #expect(trade.tradeID == 5_800_000_001)
        #expect(trade.firstTradeID == 5_800_000_001)
        #expect(trade.lastTradeID == 5_800_000_001)
        #expect(trade.tradeCount == 1)
        #expect(trade.price == 67012.34)
        #expect(trade.quantity == 0.0015)
        #expect(trade.tradeTime == 1_771_000_000_122)
        #expect(trade.eventTime == 1_771_000_000_123)
        #expect(trade.buyerIsMaker)
    }

    @Test func combinedStreamEnvelopeIsUnwrapped() throws {
        let line = #"{"stream":"btcusdt@trade","data":"# + Self.current + "}"
        #expect(try TradeLineParser.parse(line) == TradeLineParser.parse(Self.current))
        // Envelope members in either order, with whitespace.
        let reordered = " { \"data\" : " + Self.current + " , \"stream\" : \"btcusdt@trade\" } "
        #expect(try TradeLineParser.parse(reordered) == TradeLineParser.parse(Self.current))
    }

    @Test func anyKeyOrderAndWhitespace() throws {
        let line = "\t{ \"m\" : false , \"T\":1771000000122 ,\"q\":\"2\",\"p\" :\"1.5\", \"t\":7,\"s\":\"ethusdt\",\r\n \"E\":1771000000999,\"e\":\"trade\", \"x\": [1, {\"y\": null}, \"z\"] }  "
        let trade = try TradeLineParser.parse(line)
        #expect(trade.symbol == Symbol("ETHUSDT"))
        #expect(trade.symbol.description == "ETHUSDT")
        #expect(trade.tradeID == 7)
        #expect(trade.price == 1.5)
        #expect(trade.quantity == 2)
        #expect(!trade.buyerIsMaker)
    }

    @Test func oldPayloadWithOrderIDs() throws {
        // 2023 payload: `b` and `a` are buyer/seller order ids, not trade ids.
        let line = #"{"e":"trade","E":1680652800001,"s":"BTCUSDT","t":3071245454,"p":"28170.00000000","q":"0.00400000","b":20228117021,"a":20228117225,"T":1680652800000,"m":true,"M":true}"#
        let trade = try TradeLineParser.parse(line)
        #expect(trade.kind == .trade)
        #expect(trade.tradeID == 3_071_245_454)
        #expect(trade.firstTradeID == 3_071_245_454 && trade.lastTradeID == 3_071_245_454)
        #expect(trade.tradeCount == 1)
    }

    @Test func aggTrade() throws {
        let line = #"{"e":"aggTrade","E":1771000000123,"s":"BTCUSDT","a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27783,"T":1771000000120,"m":false,"M":true}"#
        let trade = try TradeLineParser.parse(line)
        #expect(trade.kind == .aggTrade)
        #expect(trade.tradeID == 26129)
        #expect(trade.firstTradeID == 27781)
        #expect(trade.lastTradeID == 27783)
        #expect(trade.tradeCount == 3)
        #expect(trade.price == 0.01633102)
    }

    @Test func microsecondTimestampsBecomeMilliseconds() throws {
        let line = #"{"e":"trade","E":1771000000123456,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1771000000122789,"m":true}"#
        let trade = try TradeLineParser.parse(line)
        #expect(trade.tradeTime == 1_771_000_000_122)
        #expect(trade.tradeTimeMicrosecondRemainder == 789)
        #expect(trade.eventTime == 1_771_000_000_123)
    }

    @Test func zeroQuantityIsAccepted() throws {
        let line = #"{"e":"trade","E":1,"s":"X","t":1,"p":"1","q":"0.00000000","T":1,"m":true}"#
        #expect(try TradeLineParser.parse(line).quantity == 0)
    }

    @Test func decimalStringsAreCorrectlyRounded() throws {
        for text in ["0.1", "67012.34000000", "0.00000001", "123456789012345678901234.5", "9007199254740993",
                     "1.000000000000000000000000000001", "2.2250738585072011e-308", "61837.63000000"] {
            let line = #"{"e":"trade","E":1,"s":"X","t":1,"p":""# + text + #"","q":"1","T":1,"m":true}"#
            #expect(try TradeLineParser.parse(line).price == Double(text)!, "\(text)")
        }
    }
}

@Suite("Trade lines: invalid corpus")
struct TradeLineInvalidTests {
    static let good = TradeLineValidTests.current

    static func error(_ line: String) -> TradeLineError? {
        do throws(TradeLineError) { _ = try TradeLineParser.parse(line); return nil } catch { return error }
    }

    static func error(bytes: [UInt8]) -> TradeLineError? {
        bytes.withUnsafeBytes { raw -> TradeLineError? in
            do throws(TradeLineError) { _ = try TradeLineParser.parse(raw); return nil } catch { return error }
        }
    }

    @Test func emptyAndBlankLines() {
        #expect(Self.error("") == .syntax(.empty))
        #expect(Self.error("   \t") == .syntax(.empty))
    }

    @Test(arguments: 1..<TradeLineValidTests.current.utf8.count)
    func everyTruncationIsRejected(length: Int) {
        let bytes = Array(TradeLineValidTests.current.utf8.prefix(length))
        #expect(Self.error(bytes: bytes) != nil)
    }

    @Test func binaryJunk() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let n = Int(generator.next() % 200)
            var bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if generator.next() % 2 == 0, !bytes.isEmpty { bytes[0] = UInt8(ascii: "{") }
            #expect(Self.error(bytes: bytes) != nil)
        }
        #expect(Self.error(bytes: [0, 0, 0]) == .syntax(.notAnObject))
    }

    @Test func corruptedValidLinesNeverCrashAndMostlyFail() {
        // Flip one byte at every position: the parser must either reject or return a trade.
        let base = Array(Self.good.utf8)
        for position in base.indices {
            for replacement: UInt8 in [0x00, 0x22, 0x7B, 0x7D, 0x5C, 0xFF] {
                var bytes = base
                bytes[position] = replacement
                _ = Self.error(bytes: bytes)
            }
        }
    }

    @Test func notJSONObjects() {
        #expect(Self.error("[1,2,3]") == .syntax(.notAnObject))
        #expect(Self.error("\"trade\"") == .syntax(.notAnObject))
        #expect(Self.error(Self.good + "x") != nil)
        #expect(Self.error(Self.good + Self.good) != nil)
        #expect(Self.error(#"{"e":"trade",}"#) != nil)
        #expect(Self.error(#"{"e" "trade"}"#) != nil)
        #expect(Self.error(#"{'e':'trade'}"#) != nil)
    }

    @Test func otherEvents() {
        #expect(Self.error(#"{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}"#)
            == .notATrade(eventType: "depthUpdate"))
        #expect(Self.error(#"{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#)
            == .missingField("e"))
        #expect(Self.error(#"{"result":null,"id":1}"#) == .missingField("e"))
    }

    @Test func missingFields() {
        for key in ["s", "t", "p", "q", "T", "E", "m"] {
            let line = Self.good.replacingOccurrences(of: "\"\(key)\":", with: "\"x\(key)\":")
            #expect(Self.error(line) == .missingField(key), "\(key)")
        }
        let agg = #"{"e":"aggTrade","E":1,"s":"X","p":"1","q":"1","f":1,"l":2,"T":1,"m":true}"#
        #expect(Self.error(agg) == .missingField("a"))
    }

    @Test func wrongTypes() {
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":"1","p":"1","q":"1","T":1,"m":true}"#)
            == .wrongType(field: "t", expected: "an integer"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":1,"p":1.5,"q":"1","T":1,"m":true}"#)
            == .wrongType(field: "p", expected: "a decimal string"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":1,"p":"1","q":"1","T":1,"m":"true"}"#)
            == .wrongType(field: "m", expected: "true or false"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":5,"t":1,"p":"1","q":"1","T":1,"m":true}"#)
            == .wrongType(field: "s", expected: "a string"))
        #expect(Self.error(#"{"e":"trade","E":1.5,"s":"X","t":1,"p":"1","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "E", reason: "is not an integer that fits in 64 bits"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":99999999999999999999,"p":"1","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "t", reason: "is not an integer that fits in 64 bits"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":1,"p":"abc","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "p", reason: "is not a decimal number"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":1,"p":"1","q":"1","T":null,"m":true}"#)
            == .wrongType(field: "T", expected: "an integer"))
    }

    @Test func badValues() {
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":1,"p":"0.000","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "p", reason: "must be positive"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":1,"p":"-2","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "p", reason: "must be positive"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":1,"p":"2","q":"-1","T":1,"m":true}"#)
            == .invalidValue(field: "q", reason: "must not be negative"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"X","t":-1,"p":"2","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "t", reason: "must not be negative"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"","t":1,"p":"2","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "s", reason: "is empty"))
        #expect(Self.error(#"{"e":"trade","E":1,"s":"ABCDEFGHIJKLMNOPQRSTUVWXYZ","t":1,"p":"2","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "s", reason: "is longer than 23 bytes"))
        #expect(Self.error(#"{"e":"aggTrade","E":1,"s":"X","a":1,"f":5,"l":4,"p":"2","q":"1","T":1,"m":true}"#)
            == .invalidValue(field: "l", reason: "is below f"))
    }

    @Test func nestedEnvelopeIsUnwrappedOnlyOnce() {
        let twice = #"{"stream":"a","data":{"stream":"b","data":"# + Self.good + "}}"
        #expect(Self.error(twice) == .missingField("e"))
        let notObject = #"{"stream":"a","data":[1]}"#
        #expect(Self.error(notObject) == .missingField("e"))
    }

    @Test func hugeLinesAndDeepNesting() throws {
        // A valid trade with a 2 MB unknown member still parses: the size cap is the reader's job.
        let padded = #"{"pad":""# + String(repeating: "x", count: 2 << 20) + #"","# + Self.good.dropFirst()
        #expect(try TradeLineParser.parse(padded).tradeID == 5_800_000_001)
        let deep = #"{"x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(Self.error(deep) == .syntax(.nestingTooDeep))
    }

    @Test func descriptionsAreReadable() {
        #expect(TradeLineError.missingField("T").description == #"missing field "T" (trade time)"#)
        #expect(TradeLineError.invalidValue(field: "p", reason: "must be positive").description
            == #"field "p" (price) must be positive"#)
        #expect(TradeLineError.syntax(.unexpectedEnd).description == "truncated JSON")
        #expect(TradeLineError.notATrade(eventType: "depthUpdate").description == #"not a trade event (e = "depthUpdate")"#)
    }
}

@Suite("Symbol")
struct SymbolTests {
    @Test func inlineUpperCaseAndHashable() {
        let a = Symbol("btcusdt")!, b = Symbol("BTCUSDT")!
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.description == "BTCUSDT")
        #expect(a.count == 7)
        #expect(Symbol("") == nil)
        #expect(Symbol(String(repeating: "A", count: 23))?.count == 23)
        #expect(Symbol(String(repeating: "A", count: 24)) == nil)
        #expect(Symbol("ETHUSDT")! != a)
        #expect(a < Symbol("ETHUSDT")!)
        #expect(Symbol("币安人生USDT")?.description == "币安人生USDT")
        #expect(MemoryLayout<Symbol>.size == 24)
        // Upper-casing touches ASCII a…z only, in every position.
        let all = (0x20..<0x7F).map { Character(UnicodeScalar(UInt8($0))) }
        for start in stride(from: 0, to: all.count, by: 23) {
            let text = String(all[start..<min(start + 23, all.count)])
            #expect(Symbol(text)?.description == String(text.map { $0.isASCII && $0.isLowercase ? Character($0.uppercased()) : $0 }))
        }
        #expect(Symbol("ß1ä")?.description == "ß1ä")
        // The word-load initialiser (used on trade lines) agrees with the copying one.
        let padded = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        padded.withUnsafeBufferPointer { buffer in
            for n in 0...24 {
                let viaWords = Symbol(buffer.baseAddress!, count: n, readable: buffer.count)
                let viaCopy = Symbol(bytes: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: n))
                #expect(viaWords == viaCopy, "\(n)")
                #expect(viaWords?.description == viaCopy?.description)
                if (1...7).contains(n) {
                    let word = UnsafeRawPointer(buffer.baseAddress!).loadUnaligned(as: UInt64.self) & ((1 << UInt64(n * 8)) - 1)
                    #expect(Symbol(word: word, count: n) == viaCopy, "\(n)")
                }
            }
        }
    }
}

