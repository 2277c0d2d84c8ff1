import BNCCore
import Foundation
import Testing
@testable import BNCWire

/// The one-owner rules of BNCWire: each limit holds at every entry point, and what a writer
/// writes its reader reads back unchanged.
@Suite("Wire formats: one limit everywhere, writers and readers agree")
struct WireFormatRoundTripTests {
    static let longest = String(repeating: "A", count: WireLimits.maxSymbolLength - 4) + "USDT"   // 23 bytes
    static let tooLong = longest + "X"                                                          // 24 bytes

    // MARK: Helpers

    enum Kind { case trade, aggTrade }

    /// A line from `TradeLineWriter` (without its `\n`).
    static func written(
        _ kind: Kind, symbol: String, id: Int64 = 5_800_000_001, first: Int64 = 100, last: Int64 = 104,
        price: String = "67012.34000000", quantity: String = "0.00150000", eventTime: Int64 = 1_771_000_000_123,
        tradeTime: Int64 = 1_771_000_000_122, buyerIsMaker: Bool = true, bestMatch: Bool? = true
    ) -> String {
        var writer = TradeLineWriter()
        var symbolBytes = Array(symbol.utf8), priceBytes = Array(price.utf8), quantityBytes = Array(quantity.utf8)
        symbolBytes.withUnsafeMutableBytes { s in
            priceBytes.withUnsafeMutableBytes { p in
                quantityBytes.withUnsafeMutableBytes { q in
                    switch kind {
                    case .trade:
                        writer.buildTrade(eventTime: eventTime, symbol: UnsafeRawBufferPointer(s), tradeID: id,
                                          price: UnsafeRawBufferPointer(p), quantity: UnsafeRawBufferPointer(q),
                                          tradeTime: tradeTime, buyerIsMaker: buyerIsMaker, bestMatch: bestMatch)
                    case .aggTrade:
                        writer.buildAggTrade(eventTime: eventTime, symbol: UnsafeRawBufferPointer(s), aggregateID: id,
                                             price: UnsafeRawBufferPointer(p), quantity: UnsafeRawBufferPointer(q),
                                             firstTradeID: first, lastTradeID: last, tradeTime: tradeTime,
                                             buyerIsMaker: buyerIsMaker, bestMatch: bestMatch)
                    }
                }
            }
        }
        let full = String(decoding: writer.line, as: UTF8.self)
        #expect(full.hasSuffix("\n"))
        #expect(String(decoding: writer.lineWithoutNewline, as: UTF8.self) + "\n" == full)
        return String(full.dropLast())
    }

    static func peek<R>(_ text: String, _ body: (TradeLinePeek, UnsafeRawBufferPointer) throws -> R) throws -> R {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { b in try body(try TradeLinePeek(b), b) }
    }

    static func readRow(_ text: String, features: [String]) throws(WindowRowError) -> (WindowRowReader.Fields, String) {
        var reader = WindowRowReader(featureNames: features)
        var fields = WindowRowReader.Fields(featureCount: features.count)
        let bytes = Array(text.utf8)
        var failure: WindowRowError?
        var symbol = ""
        bytes.withUnsafeBytes { b in
            do throws(WindowRowError) {
                try reader.parse(b, into: &fields)
                symbol = String(decoding: b[fields.symbolRange], as: UTF8.self)
            } catch { failure = error }
        }
        if let failure { throw failure }
        return (fields, symbol)
    }

    // MARK: The symbol limit

    @Test("a symbol of the limit's length is written, read, peeked and windowed unchanged")
    func longestSymbolRoundTrips() throws {
        #expect(Self.longest.utf8.count == 23 && WireLimits.maxSymbolLength == 23)
        #expect(WireLimits.isWritableSymbol(Self.longest))
        let symbol = try #require(Symbol(Self.longest))
        #expect(symbol.count == 23 && symbol.description == Self.longest)

        for kind in [Kind.trade, .aggTrade] {
            let line = Self.written(kind, symbol: Self.longest)
            let trade = try TradeLineParser.parse(line)
            #expect(trade.symbol == symbol)
            let peeked = try Self.peek(line) { peek, b in String(decoding: b[try peek.symbol(in: b)], as: UTF8.self) }
            #expect(peeked == Self.longest)
        }

        let row = WindowRow(symbol: symbol, start: 0, end: 20_000, complete: true)
        let (_, read) = try Self.readRow(WindowRowWriter.line(row), features: [WindowRowKey.tradeCount.name])
        #expect(read == Self.longest)
    }

    @Test("a symbol one byte over the limit is refused by every reader and every check")
    func oneOverTheLimitIsRefusedEverywhere() throws {
        #expect(Self.tooLong.utf8.count == 24)
        #expect(!WireLimits.isWritableSymbol(Self.tooLong))
        #expect(Symbol(Self.tooLong) == nil)

        // The trade-line reader, in each of its tiers: Binance's layout (template), another key
        // order (compact), whitespace (general), the envelope.
        let template = #"{"e":"trade","E":1771000000123,"s":"\#(Self.tooLong)","t":1,"p":"1.00000000","q":"1.00000000","T":1771000000122,"m":true,"M":true}"#
        let compact = #"{"s":"\#(Self.tooLong)","e":"trade","E":1771000000123,"t":1,"p":"1","q":"1","T":1771000000122,"m":true}"#
        let general = #"{ "e" : "aggTrade", "E":1, "s" : "\#(Self.tooLong)", "a":1, "f":1, "l":1, "p":"1", "q":"1", "T":1, "m":false }"#
        let envelope = #"{"stream":"x@trade","data":"# + template + "}"
        for line in [template, compact, general, envelope] {
            #expect(throws: TradeLineError.invalidValue(field: "s", reason: "is longer than 23 bytes")) {
                try TradeLineParser.parse(line)
            }
            let refused = try Self.peek(line) { peek, b in
                do throws(TradeLineError) { _ = try peek.symbol(in: b); return false } catch { return true }
            }
            #expect(refused, "peek accepted \(line)")
            let leading = Array((line + "\n").utf8).withUnsafeBytes { b in
                TradeLineParser.parseLeadingLine(b.baseAddress!, available: b.count)
            }
            #expect(leading == nil)
        }

        // The window-row reader.
        let row = #"{"symbol":"\#(Self.tooLong)","start":0,"end":1,"trade_count":1,"complete":true}"#
        #expect(throws: WindowRowError.wrongType("symbol")) {
            try Self.readRow(row, features: [WindowRowKey.tradeCount.name])
        }
        let fits = #"{"symbol":"\#(Self.longest)","start":0,"end":1,"trade_count":1,"complete":true}"#
        #expect(try Self.readRow(fits, features: [WindowRowKey.tradeCount.name]).1 == Self.longest)
    }

    // MARK: Trade lines

    @Test("TradeLineWriter's trade and aggTrade lines read back as the values written")
    func tradeLinesRoundTrip() throws {
        let trade = try TradeLineParser.parse(Self.written(.trade, symbol: "btcusdt", buyerIsMaker: false, bestMatch: nil))
        #expect(trade == Trade(kind: .trade, symbol: Symbol("BTCUSDT")!, tradeID: 5_800_000_001, price: 67012.34,
                               quantity: 0.0015, tradeTime: 1_771_000_000_122, eventTime: 1_771_000_000_123,
                               buyerIsMaker: false))

        let agg = try TradeLineParser.parse(Self.written(.aggTrade, symbol: "ETHUSDT", id: 77, first: 100, last: 104,
                                                         price: "2500.5", quantity: "3"))
        #expect(agg == Trade(kind: .aggTrade, symbol: Symbol("ETHUSDT")!, tradeID: 77, firstTradeID: 100, lastTradeID: 104,
                             price: 2500.5, quantity: 3, tradeTime: 1_771_000_000_122, eventTime: 1_771_000_000_123,
                             buyerIsMaker: true))
        #expect(agg.tradeCount == 5)

        // Microseconds (at the threshold and above) come back as milliseconds plus the remainder.
        let micro = try TradeLineParser.parse(Self.written(.trade, symbol: "BTCUSDT", eventTime: 1_771_000_000_123_456,
                                                           tradeTime: 1_771_000_000_122_789))
        #expect(micro.tradeTime == 1_771_000_000_122 && micro.tradeTimeMicrosecondRemainder == 789)
        #expect(micro.eventTime == 1_771_000_000_123)
    }

    @Test("the fixed-point writer gives Binance's eight decimals, read back exactly")
    func fixedPointTradeRoundTrips() throws {
        var writer = TradeLineWriter()
        var symbol = Array("BTCUSDT".utf8)
        symbol.withUnsafeMutableBytes { s in
            writer.buildTrade(eventTime: 2, symbol: UnsafeRawBufferPointer(s), tradeID: 9, priceE8: 6_701_234_000_000,
                              quantityE8: 150_000, tradeTime: 1, buyerIsMaker: true, bestMatch: true)
        }
        let line = String(decoding: writer.lineWithoutNewline, as: UTF8.self)
        #expect(line == #"{"e":"trade","E":2,"s":"BTCUSDT","t":9,"p":"67012.34000000","q":"0.00150000","T":1,"m":true,"M":true}"#)
        let trade = try TradeLineParser.parse(line)
        #expect(trade.price == 67012.34 && trade.quantity == 0.0015 && trade.tradeID == 9)
    }

    @Test("the microsecond threshold: below is milliseconds, at it is microseconds, in reader and helper alike")
    func microsecondThreshold() throws {
        let below = WireLimits.microsecondThreshold - 1
        let at = WireLimits.microsecondThreshold
        #expect(WireLimits.milliseconds(below) == below)
        #expect(WireLimits.milliseconds(at) == at / 1000)
        #expect(try TradeLineParser.parse(Self.written(.trade, symbol: "X", tradeTime: below)).tradeTime == below)
        #expect(try TradeLineParser.parse(Self.written(.trade, symbol: "X", tradeTime: at)).tradeTime == at / 1000)
    }

    @Test("a peek agrees with the full read: payload, kind, symbol, id, times")
    func peekAgreesWithTheReader() throws {
        let bare = Self.written(.aggTrade, symbol: "ETHUSDT", id: 77)
        for (line, payload) in [(bare, bare), (#"{"stream":"ethusdt@aggTrade","data":"# + bare + "}", bare),
                                ("  " + bare + " \r", bare)] {
            let trade = try TradeLineParser.parse(line)
            try Self.peek(line) { (peek: TradeLinePeek, b: UnsafeRawBufferPointer) throws in
                #expect(String(decoding: b[peek.payload], as: UTF8.self) == payload)
                #expect(try peek.kind(in: b) == trade.kind)
                #expect(Symbol(bytes: UnsafeRawBufferPointer(rebasing: b[try peek.symbol(in: b)])) == trade.symbol)
                #expect(try peek.id(in: b) == trade.tradeID)
                #expect(try peek.tradeTime(in: b) == trade.tradeTime)
                #expect(try peek.eventTime(in: b) == trade.eventTime)
            }
        }
        try Self.peek(#"{"e":"serverShutdown","E":1}"#) { peek, b in
            #expect(peek.isEvent("serverShutdown", in: b))
            #expect(throws: TradeLineError.notATrade(eventType: "serverShutdown")) { try peek.kind(in: b) }
        }
        #expect(throws: JSONScanError.self) { try Self.peek(#"{"T":1"#) { _, _ in } }
    }

    // MARK: Window rows

    @Test("WindowRowWriter → WindowRowReader gives back every key's value")
    func windowRowRoundTripsEveryKey() throws {
        let row = WindowRow(
            symbol: Symbol("BTCUSDT")!, start: 1_772_294_480_000, end: 1_772_294_500_000, tradeCount: 1529,
            volume: 2.458250000000043, averageTradeSize: 0.0016077501635055873, priceReturn: -0.0008356989095332202,
            priceVolatility: 16.615340193318048, open: 61837.63, high: 61901.5, low: 61800.01, close: 61786.0,
            vwap: 61850.123456789, quoteVolume: 152_001.7, buyVolume: 1.2, maxTradeSize: 0.5,
            firstTradeID: 3_735_683_259, lastTradeID: 3_735_684_790, missingTrades: 3, duplicates: 2, lateTrades: 1,
            complete: true, outlierTrades: 4)
        let expected: [WindowRowKey: Double] = [
            .tradeCount: 1529, .volume: row.volume, .averageTradeSize: row.averageTradeSize,
            .priceReturn: row.priceReturn, .priceVolatility: row.priceVolatility, .open: 61837.63, .high: 61901.5,
            .low: 61800.01, .close: 61786.0, .vwap: 61850.123456789, .quoteVolume: 152_001.7, .buyVolume: 1.2,
            .maxTradeSize: 0.5, .firstTradeID: 3_735_683_259, .lastTradeID: 3_735_684_790, .missingTrades: 3,
            .duplicates: 2, .lateTrades: 1, .outlierTrades: 4,
        ]
        let line = WindowRowWriter.line(row)
        // Every key is written, once, in WindowRowKey's order.
        var position = line.startIndex
        for key in WindowRowKey.allCases {
            let range = try #require(line.range(of: "\"\(key.name)\":", range: position..<line.endIndex), "\(key.name)")
            position = range.upperBound
        }
        let numeric = WindowRowKey.allCases.filter { ![.symbol, .start, .end, .complete].contains($0) }
        #expect(Set(numeric) == Set(expected.keys))
        let (fields, symbol) = try Self.readRow(line, features: numeric.map(\.name))
        #expect(symbol == "BTCUSDT")
        #expect(fields.start == row.start && fields.end == row.end && fields.complete)
        #expect(fields.featuresUsable)
        for (index, key) in numeric.enumerated() { #expect(fields.features[index] == expected[key], "\(key.name)") }
        #expect([fields.column(0), fields.column(1), fields.column(2), fields.column(3), fields.column(4)]
                == WindowRowKey.features.map { expected[$0]! })

        // An empty window: its prices and ids are null, which the reader reports as unusable.
        let empty = WindowRow(symbol: Symbol("BTCUSDT")!, start: 0, end: 20_000)
        let (emptyFields, _) = try Self.readRow(WindowRowWriter.line(empty), features: numeric.map(\.name))
        #expect(!emptyFields.featuresUsable && !emptyFields.complete)
        #expect(emptyFields.column(0) == 0)
    }

    // MARK: Scored results

    @Test("the scored-result header is DESIGN.md §3's, the original's eight columns first")
    func scoredResultHeader() {
        #expect(ScoredResultColumn.csvHeader
                == "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score,reason\n")
        #expect(ScoredResultColumn.originalColumns.map(\.name).joined(separator: ",")
                == "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction")
        for column in ScoredResultColumn.allCases {
            let bytes = Array(("x" + column.name + "y").utf8)
            let found = bytes.withUnsafeBytes { ScoredResultColumn(key: $0, 1..<(bytes.count - 1)) }
            #expect(found == column)
        }
        #expect(Array("volatile".utf8).withUnsafeBytes { ScoredResultColumn(key: $0, 0..<8) } == nil)
    }
}
