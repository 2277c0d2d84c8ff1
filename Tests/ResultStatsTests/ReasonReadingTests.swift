import BNCCore
import BNCWire
import Foundation
import Testing
@testable import ResultStats

/// The `reason` column (formats.md §3, issue 14): read from our CSV and NDJSON, absent from files
/// written before it and from the original's CSV; counted by leading feature and kept for the
/// top anomalies.
@Suite("Reasons in results")
struct ReasonReadingTests {
    static let header13 = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"
    static let header14 = String(header13.dropLast()) + ",reason\n"

    func read(_ text: String, strict: Bool = false) throws -> ResultReader {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reason-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ResultReader.read([InputFile(path)], strict: strict)
    }

    static func row(_ minute: Int, score: String, prediction: String, reason: String) -> String {
        let t = String(format: "2026-02-28T16:%02d:00.000Z", minute), e = String(format: "2026-02-28T16:%02d:20.000Z", minute)
        return "\(t),10,1.5,0.15,0.001,2.5,\(score),\(prediction),BTCUSDT,\(e),true,1,0.6,\(reason)\n"
    }

    @Test func csvWithAndWithoutReasonReadTheSame() throws {
        let with = Self.header14 + Self.row(1, score: "-0.05", prediction: "-1", reason: "volume↑;trade_count↑")
            + Self.row(2, score: "0.1", prediction: "1", reason: "price_return↓") + Self.row(3, score: "", prediction: "", reason: "")
        let without = Self.header13 + [Self.row(1, score: "-0.05", prediction: "-1", reason: ""),
                                       Self.row(2, score: "0.1", prediction: "1", reason: ""),
                                       Self.row(3, score: "", prediction: "", reason: "")].map { String($0.dropLast(2)) + "\n" }.joined()
        let a = try read(with).series, b = try read(without).series
        #expect(a.count == 3 && b.count == 3)
        #expect(a.score.map(\.bitPattern) == b.score.map(\.bitPattern))
        #expect(a.reason(0) == "volume↑;trade_count↑" && a.reason(1) == "price_return↓" && a.reason(2) == nil)
        #expect((0..<3).allSatisfy { b.reason($0) == nil })
    }

    @Test func ndjsonReasonAndAttribution() throws {
        let text = """
            {"timestamp":"2026-02-28T16:01:00.000Z","trade_count":0,"volume":0,"avg_trade_size":0,"return":0,"volatility":0,"score":-0.2,"prediction":-1,"symbol":"BTCUSDT","window_end":"2026-02-28T16:01:20.000Z","complete":true,"model_version":1,"anomaly_score":0.7,"reason":"trade_count↓","attribution":{"trade_count":0.8,"volume":0.2}}
            {"timestamp":"2026-02-28T16:01:20.000Z","trade_count":9,"volume":1,"avg_trade_size":0.1,"return":0,"volatility":1,"score":null,"prediction":null,"symbol":"BTCUSDT","window_end":"2026-02-28T16:01:40.000Z","complete":true,"model_version":0,"anomaly_score":null,"reason":null,"attribution":null}

            """
        let s = try read(text).series
        #expect(s.count == 2)
        #expect(s.reason(0) == "trade_count↓" && s.reason(1) == nil)
    }

    @Test func malformedReasonIsABadRow() throws {
        let text = Self.header14 + Self.row(1, score: "-0.05", prediction: "-1", reason: "volume")
            + Self.row(2, score: "-0.05", prediction: "-1", reason: "a↑;b↑;c↑;d↑") + Self.row(3, score: "0.1", prediction: "1", reason: "volume↑")
        let r = try read(text)
        #expect(r.series.count == 1 && r.skippedRows == 2)
        #expect(throws: ResultReadError.self) { try read(text, strict: true) }
    }

    @Test func reasonGrammar() {
        #expect(ResultReason.parse("volume↑;trade_count↓") == [.init(feature: "volume", above: true), .init(feature: "trade_count", above: false)])
        #expect(ResultReason.parse("") == [])
        #expect(ResultReason.parse("volume") == nil)
        #expect(ResultReason.parse("↑") == nil)
        #expect(ResultReason.parse("vol ume↑") == nil)
        #expect(ResultReason.parse("volume↑;") == nil)
        #expect(ResultReason.leadingFeature("price_volatility↑;volume↑") == "price_volatility")
        #expect(ResultReason.text([.init(feature: "volume", above: true)]) == "volume↑")
    }

    @Test func leadingFeatureCountsAndTopAnomalies() throws {
        var counts = LeadingFeatureCounts()
        counts.add(isAnomaly: true, reason: "volume↑;trade_count↑")
        counts.add(isAnomaly: true, reason: "volume↓")
        counts.add(isAnomaly: true, reason: "trade_count↓")
        counts.add(isAnomaly: false, reason: "price_return↑")
        counts.add(isAnomaly: true, reason: nil)
        #expect(counts.sorted.map(\.feature) == ["volume", "trade_count"])
        #expect(counts.sorted.map(\.count) == [2, 1])
        #expect(counts.anomalies == 4 && counts.withoutReason == 1)

        var top = TopAnomalies(limit: 2)
        top.add(isAnomaly: true, score: -0.01, timestamp: 1, symbol: "A", reason: "volume↑")
        top.add(isAnomaly: false, score: -0.9, timestamp: 2, symbol: "A", reason: nil)
        top.add(isAnomaly: true, score: -0.2, timestamp: 3, symbol: "A", reason: "trade_count↓")
        top.add(isAnomaly: true, score: -0.05, timestamp: 4, symbol: "A", reason: nil)
        top.add(isAnomaly: true, score: -0.05, timestamp: 5, symbol: "A", reason: nil)
        #expect(top.entries.map(\.timestamp) == [3, 4])
    }

    @Test func summaryCountsAnomaliesByLeadingFeature() throws {
        let text = Self.header14 + Self.row(1, score: "-0.05", prediction: "-1", reason: "volume↑;trade_count↑")
            + Self.row(2, score: "-0.1", prediction: "-1", reason: "volume↓") + Self.row(3, score: "-0.1", prediction: "-1", reason: "trade_count↓")
            + Self.row(4, score: "0.2", prediction: "1", reason: "price_return↑")
        let summary = SummaryAnalysis(try read(text).series)
        #expect(summary.leadingFeatures.sorted.map(\.feature) == ["volume", "trade_count"])
        #expect(summary.text().contains("anomalies by leading feature"))
        // A file without reasons keeps its summary as before.
        let old = Self.header13 + String(Self.row(1, score: "-0.05", prediction: "-1", reason: "").dropLast(2)) + "\n"
        #expect(!SummaryAnalysis(try read(old).series).text().contains("leading feature"))
    }

    @Test func reportListsTheTopAnomaliesWithTheirReasons() throws {
        let text = Self.header14 + Self.row(1, score: "-0.05", prediction: "-1", reason: "volume↑;trade_count↑")
            + Self.row(2, score: "-0.3", prediction: "-1", reason: "trade_count↓") + Self.row(3, score: "0.2", prediction: "1", reason: "price_return↑")
        let report = HTMLReport(try read(text).series, inputs: ["t.csv"], horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: 20_000)
        #expect(report.topAnomalies.entries.map(\.reason) == ["trade_count↓", "volume↑;trade_count↑"])
        let page = report.render()
        #expect(page.contains("Top anomalies"))
        let first = try #require(page.range(of: "trade_count↓")), second = try #require(page.range(of: "volume↑;trade_count↑"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(!page.contains("price_return↑"))
    }

    /// The streaming path (`ResultStream`, what the subcommands use on files) carries each row's
    /// reason through its passes and sorted runs: the same counts and top anomalies as the
    /// series in memory, files in order or not, a file without the column among them.
    @Test func streamedRowsKeepTheirReasons() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reason-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let reasons = ["volume↑;trade_count↑", "trade_count↓", "price_volatility↑;price_return↓", "volume↓"]
        var first = Self.header14, second = Self.header14
        for minute in 0..<30 {
            let anomalous = minute % 3 == 0
            let row = Self.row(minute, score: anomalous ? "-0.0\(minute % 9 + 1)" : "0.1", prediction: anomalous ? "-1" : "1",
                               reason: reasons[minute % reasons.count])
            if minute < 15 { first += row } else { second += row }
        }
        let old = Self.header13 + String(Self.row(40, score: "-0.2", prediction: "-1", reason: "").dropLast(2)) + "\n"
        let paths = try [("a.csv", first), ("b.csv", second), ("c.csv", old)].map { name, text in
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        for order in [paths, [paths[2], paths[1], paths[0]]] {
            let series = try ResultReader.read(order.map(InputFile.init)).series
            let stream = try ResultStream(order, symbol: nil, strict: false)
            stream.sortRunRows = 7
            let streamed = try stream.analyse { (s: ResultStream) throws(ResultReadError) in try SummaryAnalysis(s) }
            let loaded = SummaryAnalysis(series)
            #expect(streamed.leadingFeatures == loaded.leadingFeatures)
            #expect(streamed.leadingFeatures.withoutReason == 1 && streamed.leadingFeatures.hasReasons)
            let report = try stream.analyse { (s: ResultStream) throws(ResultReadError) in
                try HTMLReport(s, inputs: order, horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: 20_000)
            }
            let inMemory = HTMLReport(series, inputs: order, horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: 20_000)
            #expect(report.topAnomalies == inMemory.topAnomalies)
            #expect(report.topAnomalies.entries.first?.reason == nil)   // the old file's row, score −0.2
            #expect(report.topAnomalies.entries.dropFirst().allSatisfy { $0.reason.map(reasons.contains) == true })
        }
    }
}
