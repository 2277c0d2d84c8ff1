import AnomalyModel
import Foundation
import Testing
@testable import Scoring
import BNCCore
import BNCWire

@Suite("Window rows in, result rows out")
struct FormatAndParseTests {
    static func parse(_ text: String, features: [String] = ScoringOptions.defaultFeatures) throws(WindowRowError) -> WindowRowReader.Fields {
        var parser = WindowRowReader(featureNames: features)
        var row = WindowRowReader.Fields(featureCount: features.count)
        var bytes = Array(text.utf8)
        var failure: WindowRowError?
        bytes.withUnsafeMutableBytes { raw in
            do throws(WindowRowError) { try parser.parse(UnsafeRawBufferPointer(raw), into: &row) } catch { failure = error }
        }
        if let failure { throw failure }
        return row
    }

    @Test func parsesAnyKeyOrderAndIgnoresUnknownKeys() throws {
        let row = try Self.parse(#" {"complete":false,"price_volatility":2.5,"extra":{"a":[1,2]},"end":1772294500000,"volume":1.25e0,"symbol":"ETHUSDT","price_return":-1e-5,"avg_trade_size":0.5,"trade_count":3,"start":1772294480000,"open":null} "#)
        #expect(row.start == 1_772_294_480_000 && row.end == 1_772_294_500_000 && !row.complete)
        #expect(row.features == [3, 1.25, 0.5, -1e-5, 2.5])
        #expect(row.featuresUsable)
    }

    @Test func rejectsRowsThatAreNotWindowRows() {
        #expect(throws: WindowRowError.missingKey("price_volatility")) {
            try Self.parse(#"{"symbol":"X","start":1,"end":2,"complete":true,"trade_count":1,"volume":1,"avg_trade_size":1,"price_return":0}"#)
        }
        #expect(throws: WindowRowError.wrongType("volume")) {
            try Self.parse(#"{"symbol":"X","start":1,"end":2,"complete":true,"trade_count":1,"volume":"1","avg_trade_size":1,"price_return":0,"price_volatility":0}"#)
        }
        #expect(throws: WindowRowError.wrongType("symbol")) {
            try Self.parse(#"{"symbol":"A,B","start":1,"end":2,"complete":true,"trade_count":1,"volume":1,"avg_trade_size":1,"price_return":0,"price_volatility":0}"#)
        }
        #expect(throws: WindowRowError.self) { try Self.parse(#"{"symbol":"X""#) }
    }

    @Test func csvRowMatchesDesignSection3() throws {
        #expect(ResultFormatter.csvHeader == "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score,reason\n")
        let row = try Self.parse(#"{"symbol":"BTCUSDT","start":1772294480000,"end":1772294500000,"trade_count":1529,"volume":2.458250000000043,"avg_trade_size":0.0016077501635055873,"price_return":-0.0008356989095332202,"price_volatility":16.615340193318048,"complete":true}"#)
        var formatter = ResultFormatter(format: .csv)
        Array("BTCUSDT".utf8).withUnsafeBytes { formatter.encode(row: row, symbol: $0, modelVersion: 0, score: nil) }
        #expect(String(decoding: formatter.bytes, as: UTF8.self) == "2026-02-28T16:01:20.000Z,1529,2.458250000000043,0.0016077501635055873,-0.0008356989095332202,16.615340193318048,,,BTCUSDT,2026-02-28T16:01:40.000Z,true,0,,\n")
        let score = AnomalyScore(scoreSample: -0.625, decision: -0.125)
        Array("BTCUSDT".utf8).withUnsafeBytes { formatter.encode(row: row, symbol: $0, modelVersion: 3, score: score) }
        #expect(String(decoding: formatter.bytes, as: UTF8.self).hasSuffix(",-0.125,-1,BTCUSDT,2026-02-28T16:01:40.000Z,true,3,0.625,\n"))
        // With the attribution: the reason is the 14th column, leading feature first.
        var attribution = Attribution(featureCount: 5)
        attribution.bits = [1, 6, 0.5, 0.5, 2]
        attribution.lean = [1, -6, 0.5, -0.5, 2]
        Array("BTCUSDT".utf8).withUnsafeBytes {
            formatter.encode(row: row, symbol: $0, modelVersion: 3, score: score, attribution: attribution)
        }
        #expect(String(decoding: formatter.bytes, as: UTF8.self).hasSuffix(",true,3,0.625,volume↓;price_volatility↑\n"))
    }

    @Test func ndjsonRowHasTheCsvColumnsAsKeys() throws {
        let row = try Self.parse(#"{"symbol":"BTCUSDT","start":0,"end":20000,"trade_count":0,"volume":0,"avg_trade_size":0,"price_return":0,"price_volatility":0,"complete":false}"#)
        var formatter = ResultFormatter(format: .ndjson)
        Array("BTCUSDT".utf8).withUnsafeBytes { formatter.encode(row: row, symbol: $0, modelVersion: 0, score: nil) }
        let text = String(decoding: formatter.bytes, as: UTF8.self)
        #expect(text.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == Set(ResultFormatter.csvColumns + ["attribution"]))
        #expect(object["timestamp"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(object["score"] is NSNull && object["prediction"] is NSNull)
        #expect(object["complete"] as? Bool == false)
        #expect(object["reason"] is NSNull && object["attribution"] is NSNull)
        // Scored: the reason and every feature's share, adding up to 1.
        var attribution = Attribution(featureCount: 5)
        attribution.bits = [3, 1, 0, 0, 0]
        attribution.lean = [-3, 1, 0, 0, 0]
        Array("BTCUSDT".utf8).withUnsafeBytes {
            formatter.encode(row: row, symbol: $0, modelVersion: 1, score: AnomalyScore(scoreSample: -0.7, decision: -0.1),
                             attribution: attribution)
        }
        let scored = try #require(try JSONSerialization.jsonObject(with: formatter.bytes.withUnsafeBytes { Data($0) }) as? [String: Any])
        #expect(scored["reason"] as? String == "trade_count↓;volume↑")
        let shares = try #require(scored["attribution"] as? [String: Double])
        #expect(shares == ["trade_count": 0.75, "volume": 0.25, "avg_trade_size": 0, "price_return": 0, "price_volatility": 0])
    }

    /// Numbers reach the row through `Double.write(to:)` (no String each): the text of
    /// `description`, for values of every size; `appending` puts rows one after another.
    @Test func numbersAreWrittenAsDescriptionAndRowsAppend() {
        var g = SystemRandomNumberGenerator()
        var values: [Double] = [2.458250000000043, 6.177236974542697e-07, -0.0008356989095332202, 1e300, -1e-300,
                                .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, 1e15 + 0.5, 123456.789]
        for _ in 0..<2_000 {
            values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &g)))
        }
        var formatter = ResultFormatter(format: .csv)
        var expected = ""
        for (k, v) in values.enumerated() where v.isFinite && v != v.rounded() {
            var row = WindowRowReader.Fields(featureCount: 5)
            row.end = 20_000
            row.columns = (1, v, 0, 0, 0)
            Array("X".utf8).withUnsafeBytes { formatter.encode(row: row, symbol: $0, modelVersion: 0, score: nil, appending: k > 0) }
            expected += "1970-01-01T00:00:00.000Z,1,\(v.description),0,0,0,,,X,1970-01-01T00:00:20.000Z,false,0,,\n"
        }
        #expect(String(decoding: formatter.bytes, as: UTF8.self) == expected)
    }

    /// The integral test (`Int64(value)` round trip instead of `rounded()`): integers below 10^15
    /// as integers, −0.0 as `-0`, everything else as `description`, at and around the boundaries.
    @Test func integralValuesAreWrittenAsIntegersUpToTheBoundary() {
        let values: [Double] = [0, -0.0, 1, -1, 0.5, -0.5, 1e15 - 1, -(1e15 - 1), 1e15, -1e15, 1e15 - 0.5, 1e15 + 2,
                                999_999_999_999_999.9, 9.007199254740993e15, 4.5e15, 1e16, 1e300, -1e300,
                                Double(Int64.max), Double(Int64.min), 0x1p52, 0x1p52 + 0.5, 1e-320]
        var formatter = ResultFormatter(format: .csv)
        for v in values {
            var row = WindowRowReader.Fields(featureCount: 5)
            row.columns = (v, 0, 0, 0, 0)
            Array("X".utf8).withUnsafeBytes { formatter.encode(row: row, symbol: $0, modelVersion: 0, score: nil) }
            let cell = String(decoding: formatter.bytes, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)[1]
            // What the formatter wrote before the cursor: `rounded()` and `String(Int64)`.
            let expected = v == v.rounded() && abs(v) < 1e15
                ? (v == 0 && v.sign == .minus ? "-" : "") + String(Int64(v)) : v.description
            #expect(cell == expected, "\(v)")
        }
    }

    /// A row never outgrows the memory reserved for it (`rowBound`), whatever the symbol, the
    /// feature names and the numbers: the longest numbers Swift writes, a long symbol, many
    /// features with long names (each a reason item and an attribution key), in every format.
    @Test func rowsStayWithinTheirBound() {
        let names = (0..<40).map { "feature_with_a_rather_long_name_number_\($0)_" + String(repeating: "x", count: 20) }
        let longest: [Double] = [-1.7976931348623157e308, -2.2250738585072014e-308, -5e-324, -999_999_999_999_999, .nan, -0.0]
        for format in [ResultFormat.csv, .ndjson, .original] {
            var formatter = ResultFormatter(format: format, featureNames: names)
            var attribution = Attribution(featureCount: names.count)
            // Shares like 1/3 (long digits) and three leading features for the reason.
            attribution.bits = (0..<names.count).map { (f: Int) -> Double in f < 3 ? 1e300 : 1.0 / 3.0 + Double(f) * 1e-17 }
            attribution.lean = (0..<names.count).map { (f: Int) -> Double in f % 2 == 0 ? 1 : -1 }
            for symbol in ["X", String(repeating: "S", count: 23), String(repeating: "Q", count: 300)] {
                for v in longest {
                    var row = WindowRowReader.Fields(featureCount: names.count)
                    row.start = -1
                    row.end = 253_402_300_799_999   // 9999-12-31T23:59:59.999Z
                    row.columns = (v, v, v, v, v)
                    let score = AnomalyScore(scoreSample: v, decision: v)
                    Array(symbol.utf8).withUnsafeBytes {
                        formatter.encode(row: row, symbol: $0, modelVersion: Int.min, score: score, attribution: attribution)
                    }
                    #expect(formatter.bytes.count <= formatter.rowBound(symbolLength: symbol.utf8.count))
                    #expect(formatter.bytes.last == UInt8(ascii: "\n"))
                    if format == .csv {
                        // Three reason items, and the numbers as `description`.
                        let text = String(decoding: formatter.bytes.dropLast(), as: UTF8.self)
                        #expect(text.split(separator: ",", omittingEmptySubsequences: false).last?.split(separator: ";").count == 3)
                        #expect(v.isNaN || text.contains("," + (v == 0 ? "-0" : v == -999_999_999_999_999 ? "-999999999999999" : v.description) + ","))
                    }
                }
            }
        }
    }

    /// Copies of a formatter (batch mode gives each block one) share the scratch until one
    /// writes; each then writes its own rows.
    @Test func copiesOfAFormatterWriteIndependently() {
        var a = ResultFormatter(format: .csv)
        var row = WindowRowReader.Fields(featureCount: 5)
        row.columns = (1, 2.5, 3, 4, 5)
        Array("A".utf8).withUnsafeBytes { a.encode(row: row, symbol: $0, modelVersion: 1, score: nil) }
        var b = a
        row.columns = (9, 8.5, 7, 6, 5)
        Array("B".utf8).withUnsafeBytes { b.encode(row: row, symbol: $0, modelVersion: 2, score: nil, appending: true) }
        Array("A".utf8).withUnsafeBytes { a.encode(row: row, symbol: $0, modelVersion: 3, score: nil, appending: true) }
        let first = "1970-01-01T00:00:00.000Z,1,2.5,3,4,5,,,A,1970-01-01T00:00:00.000Z,false,1,,\n"
        #expect(String(decoding: a.bytes, as: UTF8.self) == first + "1970-01-01T00:00:00.000Z,9,8.5,7,6,5,,,A,1970-01-01T00:00:00.000Z,false,3,,\n")
        #expect(String(decoding: b.bytes, as: UTF8.self) == first + "1970-01-01T00:00:00.000Z,9,8.5,7,6,5,,,B,1970-01-01T00:00:00.000Z,false,2,,\n")
    }

    /// Times go through the formatter's day cache (the date spelled once per day, kept as two
    /// words): rows back and forth across days, before 1970 and far ahead, read as `UTCTime` spells them.
    @Test func timesAcrossDaysMatchUTCTime() {
        var g = SystemRandomNumberGenerator()
        var times: [Int64] = [0, -1, 86_399_999, 86_400_000, -86_400_000, -86_400_001, 1_772_294_486_000, 253_402_300_799_999]
        for _ in 0..<500 { times.append(Int64.random(in: -2_208_988_800_000...4_102_444_800_000, using: &g)) }
        var formatter = ResultFormatter(format: .ndjson)
        for (k, ms) in times.enumerated() {
            var row = WindowRowReader.Fields(featureCount: 5)
            row.start = ms
            row.end = times[(k + 1) % times.count]
            Array("X".utf8).withUnsafeBytes { formatter.encode(row: row, symbol: $0, modelVersion: 0, score: nil) }
            let text = String(decoding: formatter.bytes, as: UTF8.self)
            #expect(text.hasPrefix("{\"timestamp\":\"\(UTCTime(epochMilliseconds: ms).iso8601)\","), "\(ms)")
            #expect(text.contains("\"window_end\":\"\(UTCTime(epochMilliseconds: row.end).iso8601)\","), "\(row.end)")
        }
    }
}
