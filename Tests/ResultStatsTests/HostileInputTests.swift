import Foundation
import Testing
import BNCCore
@testable import ResultStats

/// Result files written by an attacker or a broken tool (issue 11): every such row is a bad row
/// (skipped and counted, `--strict` → an error), and every Double → Int conversion an analysis
/// makes survives whatever values get through.
@Suite("Hostile result input")
struct HostileInputTests {
    static let header = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"

    /// One of our CSV rows at minute `minute` past 16:00 with the given cells.
    static func row(_ minute: Int, count: String = "10", volume: String = "1", size: String = "0.1", ret: String = "0.001",
                    vol: String = "1", score: String = "0.1", prediction: String = "1", start: String? = nil, end: String? = nil) -> String {
        let m = minute < 10 ? "0\(minute)" : "\(minute)"
        let t = start ?? "2026-02-28T16:\(m):00.000Z", e = end ?? "2026-02-28T16:\(m):20.000Z"
        return "\(t),\(count),\(volume),\(size),\(ret),\(vol),\(score),\(prediction),BTCUSDT,\(e),true,1,\n"
    }

    static func read(_ text: String, strict: Bool = false) throws -> ResultReader {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ResultReader.read([InputFile(url.path)], strict: strict)
    }

    @Test("a score of 1e400 or -1e400 is a bad row, skipped and counted; the analyses then run")
    func infiniteScoreIsABadRow() throws {
        let text = Self.header + Self.row(1) + Self.row(2, score: "1e400") + Self.row(3, score: "-1e400", prediction: "-1") + Self.row(4, score: "-0.2", prediction: "-1")
        let reader = try Self.read(text)
        #expect(reader.series.count == 2)
        #expect(reader.skippedRows == 2)
        #expect(reader.skipped.map(\.reason) == ["score is not finite", "score is not finite"])
        let summary = SummaryAnalysis(reader.series)
        #expect(summary.scored == 2 && summary.histogram.counts.reduce(0, +) == 2)
        #expect(throws: ResultReadError.self) { try Self.read(text, strict: true) }
    }

    @Test("non-finite, negative and impossible features are bad rows")
    func impossibleFeaturesAreBadRows() throws {
        let cases: [(String, String)] = [
            (Self.row(1, count: "1e400"), "trade_count is not finite"),
            (Self.row(1, volume: "-1e400"), "volume is not finite"),
            (Self.row(1, size: "-0.5"), "avg_trade_size is negative"),
            (Self.row(1, ret: "1e999"), "return is not finite"),
            (Self.row(1, ret: "-1.5"), "return below -1 (a price below zero)"),
            (Self.row(1, vol: "-3"), "volatility is negative"),
            (Self.row(1, count: "-5"), "trade_count is negative"),
            (Self.row(1, score: "1.5"), "score outside [-1, 1]"),
            (Self.row(1, end: "2026-02-28T16:00:59.000Z"), "window_end is not after timestamp"),
        ]
        for (row, reason) in cases {
            let reader = try Self.read(Self.header + Self.row(0) + row)
            #expect(reader.series.count == 1, "\(reason)")
            #expect(reader.skipped.first?.reason == reason)
        }
    }

    @Test("numeric NDJSON times outside years 0000-9999 are bad rows (no overflow on spans)")
    func extremeNumericTimestampsAreBadRows() throws {
        let line = { (start: String, end: String) in
            "{\"start\":\(start),\"end\":\(end),\"trade_count\":1,\"volume\":1,\"avg_trade_size\":1,\"price_return\":0,\"price_volatility\":0,\"score\":0.1,\"prediction\":1}\n"
        }
        let text = line("1772294400000", "1772294420000") + line("9223372036854775807", "1") + line("1772294420000", "9223372036854775807")
        let reader = try Self.read(text)
        #expect(reader.series.count == 1)
        #expect(reader.skipped.map(\.reason) == ["timestamp outside years 0000-9999", "window_end outside years 0000-9999"])
    }

    @Test("histogram bins stay in range for a span wider than the largest double and for NaN")
    func histogramSurvivesExtremeRanges() {
        let h = Histogram([-Double.greatestFiniteMagnitude, 0, Double.greatestFiniteMagnitude], bins: 10)
        #expect(h.counts.reduce(0, +) == 3)
        let g = Histogram([0, .nan, 1], bins: 4)
        #expect(g.counts.reduce(0, +) == 3)
    }

    @Test("SVG coordinates and ticks survive huge and tiny ranges")
    func svgCoordinatesSurviveExtremeValues() {
        #expect(n(1e300) == "1000000000")
        #expect(n(-1e300) == "-1000000000")
        #expect(n(.nan) == "0")
        #expect(SVGChart.niceTicks(-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude).count <= 12)
        // One ulp apart at 1e20: `t += step` never advanced here.
        #expect(SVGChart.niceTicks(1e20, 1e20 + 16384).count <= 12)
        #expect(SVGChart.niceTicks(0, 1e-300).count >= 2)
        #expect(PreMoveAnalysis.windows(for: DurationSpec(milliseconds: 999_999_999_999_999), windowMilliseconds: 1e-300) > 1)
    }

    @Test("extreme finite values through every analysis and the HTML report")
    func extremeFiniteValuesThroughEveryAnalysis() throws {
        var text = Self.header
        for k in 0..<40 {
            let anomalous = k % 3 == 0
            text += Self.row(k + 10, count: "1e308", volume: "1e308", size: "1e308", ret: anomalous ? "5e-324" : "1e308",
                             vol: anomalous ? "0" : "1e308", score: anomalous ? "-1" : "1", prediction: anomalous ? "-1" : "1")
        }
        let s = try Self.read(text).series
        #expect(s.count == 40)
        let report = HTMLReport(s, inputs: ["x"], horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: 20_000)
        #expect(report.render().contains("</html>"))
        _ = HourlyAnalysis(s).text()
        _ = BaselineAnalysis(s).text(limit: 0)
        _ = WindowSizeStudy(rows: s, sizes: WindowSizeStudy.defaultSizes, inputWindowMilliseconds: 20_000)
    }
}

/// Impossible dates and rows wider than the header (issue 11).
@Suite("Result rows: impossible dates, extra fields")
struct ResultRowShapeTests {
    @Test("a results CSV with 2024-02-30 is a bad row, not 2024-03-01, on the fast and the general path")
    func impossibleDateIsABadRow() throws {
        let h = HostileInputTests.self
        // The fast path reads our 24-byte timestamps; the quoted field takes the general one.
        let text = h.header + h.row(1) + h.row(2, start: "2024-02-30T16:02:00.000Z", end: "2024-02-30T16:02:20.000Z")
            + h.row(3, start: "\"2023-02-29T16:03:00.000Z\"") + h.row(4, start: "2024-03-01T12:30:60.000Z")
            + h.row(5, end: "2026-02-31T00:00:00.000Z")
        let reader = try h.read(text)
        #expect(reader.series.count == 1)
        #expect(reader.skippedRows == 4)
        #expect(reader.skipped.map(\.reason) == ["bad timestamp", "bad timestamp", "bad timestamp", "bad window_end"])
        do {
            _ = try h.read(text, strict: true)
            Issue.record("--strict accepted 2024-02-30")
        } catch let error as ResultReadError {
            #expect(error.exitStatus == .dataError)
            #expect(error.description.hasSuffix(":3: bad timestamp"))
        }
        func ms(_ s: String) -> Int64? {
            var s = s
            return s.withUTF8 { TimestampParser.milliseconds(UnsafeRawBufferPointer($0), 0..<$0.count) }
        }
        #expect(ms("2024-02-30 10:00:00") == nil)   // the original's wall-clock form
        #expect(ms("2024-02-29 10:00:00") != nil)
    }

    @Test("a row with more fields than the header is a bad row")
    func extraFieldsAreABadRow() throws {
        let h = HostileInputTests.self
        let text = h.header + h.row(1) + h.row(2).dropLast() + ",surprise\n" + h.row(3).dropLast() + ",\n"
        let reader = try h.read(text)
        #expect(reader.series.count == 1)
        #expect(reader.skipped.map(\.reason) == ["14 fields, the header has 13", "14 fields, the header has 13"])
        let original = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction\n"
            + "2026-02-28 16:01:20,12,1.25,0.1,-0.002,3,0.1,1\n2026-02-28 16:01:40,10,1.5,0.15,0.001,2.5,0.12,1,9\n"
        let o = try h.read(original)
        #expect(o.series.count == 1)
        #expect(o.skipped.first?.reason == "9 fields, the header has 8")
    }
}

/// The same windows read twice (issue 11): `summary f.csv f.csv` counted every row twice.
@Suite("Exact repeats")
struct ExactRepeatTests {
    @Test("the same file given twice counts each row once; a repeat with other values is kept and counted")
    func sameFileTwiceCountsEachRowOnce() throws {
        let h = HostileInputTests.self
        let text = h.header + h.row(1) + h.row(2, score: "", prediction: "") + h.row(3, score: "-0.2", prediction: "-1")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("repeat-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let twice = try ResultReader.read([InputFile(url.path), InputFile(url.path)])
        #expect(twice.series.count == 3)
        #expect(twice.repeatedRows == 3 && twice.conflictingRows == 0)
        #expect(twice.series.timestamp == (try ResultReader.read([InputFile(url.path)])).series.timestamp)
        #expect(SummaryAnalysis(twice.series).anomalies == 1)
        // Same symbol and start, another score: kept (which one is right cannot be told), counted.
        let clash = try h.read(text + h.row(1, score: "0.3"))
        #expect(clash.series.count == 4 && clash.repeatedRows == 0 && clash.conflictingRows == 1)
        // Same start, another symbol: not a repeat.
        let other = try h.read(text + h.row(1).replacingOccurrences(of: "BTCUSDT", with: "ETHUSDT"))
        #expect(other.series.count == 4 && other.repeatedRows == 0 && other.conflictingRows == 0)
    }
}

/// Symbols in result rows (issue 11, found while hunting): 70,000 distinct symbols trapped the
/// `UInt16` symbol index ("Not enough bits") after a quadratic search.
@Suite("Result rows: symbols")
struct ResultSymbolTests {
    static func rows(_ symbols: Range<Int>) -> String {
        var text = HostileInputTests.header
        for i in symbols { text += HostileInputTests.row(1).replacingOccurrences(of: "BTCUSDT", with: "S\(i)") }
        return text
    }

    @Test("thousands of distinct symbols (70,000 crashed) are capped: rows past the 10,000th symbol are bad rows")
    func seventyThousandSymbolsDoNotCrash() throws {
        let reader = try HostileInputTests.read(Self.rows(0..<12_000))
        #expect(reader.series.count == ResultSeries.maxSymbols)
        #expect(reader.skippedRows == 12_000 - ResultSeries.maxSymbols)
        #expect(reader.skipped.first?.reason == "more than 10000 distinct symbols")
        #expect(reader.series.presentSymbols.count == ResultSeries.maxSymbols)
    }

    @Test("across files the symbols are capped as well")
    func symbolsAcrossFilesAreCapped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("syms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.csv"), b = dir.appendingPathComponent("b.csv")
        try Self.rows(0..<6_000).write(to: a, atomically: true, encoding: .utf8)
        try Self.rows(6_000..<12_000).write(to: b, atomically: true, encoding: .utf8)
        let reader = try ResultReader.read([InputFile(a.path), InputFile(b.path)])
        #expect(reader.series.count == ResultSeries.maxSymbols)
        #expect(reader.skippedRows == 12_000 - ResultSeries.maxSymbols)
        #expect(throws: ResultReadError.self) { try ResultReader.read([InputFile(a.path), InputFile(b.path)], strict: true) }
    }

    @Test("a symbol that is too long or holds a space, quote or control byte is a bad row")
    func malformedSymbolIsABadRow() throws {
        let h = HostileInputTests.self
        let long = String(repeating: "A", count: 24)
        let text = h.header + h.row(1) + h.row(2).replacingOccurrences(of: "BTCUSDT", with: long)
            + h.row(3).replacingOccurrences(of: "BTCUSDT", with: "BTC USDT") + h.row(4).replacingOccurrences(of: "BTCUSDT", with: "BTC\u{7F}")
        let reader = try h.read(text)
        #expect(reader.series.count == 1)
        #expect(reader.skipped.map(\.reason) == ["symbol longer than 23 bytes", "symbol holds a byte that is not printable ASCII (or , \" \\ space)",
                                                 "symbol holds a byte that is not printable ASCII (or , \" \\ space)"])
        let json = "{\"timestamp\":\"2026-02-28T16:01:20.000Z\",\"trade_count\":1,\"volume\":1,\"avg_trade_size\":1,\"return\":0,\"volatility\":0,\"score\":0.1,\"prediction\":1,\"symbol\":\"\(long)\"}\n"
        #expect(try h.read(json).skipped.first?.reason == "symbol longer than 23 bytes")
    }
}

@Suite("Trade-rate rows")
struct TradeRateRowTests {
    @Test("a negative or non-finite trades_per_sec is a bad row")
    func negativeTradeRateIsABadRow() throws {
        let reader = try HostileInputTests.read("event_time,trades_per_sec\n1.0,5\n2.0,-3\n3.0,1e400\n4.0,7\n")
        #expect(reader.tradeRates.count == 2)
        #expect(reader.skipped.map(\.reason) == ["trades_per_sec is negative", "bad event_time or trades_per_sec"])
    }
}
