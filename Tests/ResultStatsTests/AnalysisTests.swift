import Foundation
import Testing
import BNCCore
@testable import ResultStats

@Suite("Analyses on constructed series")
struct AnalysisTests {
    /// `n` rows, `w` ms apart from `start`, every row scored unless in `warmup`.
    func series(_ n: Int, w: Int64 = 20_000, start: Int64 = 1_772_294_400_000, anomalies: Set<Int> = [], warmup: Int = 0,
                volatility: (Int) -> Double = { _ in 1 }, ret: (Int) -> Double = { _ in 0.001 }) -> ResultSeries {
        var s = ResultSeries()
        for i in 0..<n {
            s.timestamp.append(start + Int64(i) * w)
            s.windowEnd.append(start + Int64(i + 1) * w)
            s.tradeCount.append(Double(10 + i % 5)); s.volume.append(Double(i % 3) + 0.5); s.avgTradeSize.append(0.1)
            s.returns.append(ret(i)); s.volatility.append(volatility(i))
            let scored = i >= warmup
            s.score.append(scored ? (anomalies.contains(i) ? -0.1 : 0.1) : .nan)
            s.prediction.append(scored ? (anomalies.contains(i) ? -1 : 1) : 0)
            s.symbolIndex.append(0)
        }
        return s
    }

    @Test("summary counts warm-up rows as windows but not in score statistics")
    func summary() {
        let s = SummaryAnalysis(series(10, anomalies: [4, 7], warmup: 3))
        #expect(s.windows == 10 && s.scored == 7 && s.warmup == 3 && s.anomalies == 2)
        #expect(s.score.count == 7)
        #expect(abs(s.anomalyRate - 2.0 / 7) < 1e-15)
        #expect(s.histogram.counts.reduce(0, +) == 7)
        #expect(s.windowMilliseconds == 20_000)
        #expect(s.text().contains("anomalies   2"))
    }

    @Test("hourly groups by the hour of day")
    func hourly() {
        // 20 s rows over 2 hours starting at 00:00 UTC: 180 per hour.
        let h = HourlyAnalysis(series(360, start: 1_772_236_800_000, anomalies: [0, 200, 201]))
        #expect(h.hours.map(\.hour) == [0, 1])
        #expect(h.hours.map(\.windows) == [180, 180])
        #expect(h.hours.map(\.anomalies) == [1, 2])
    }

    @Test("baseline: threshold mean + 2·std (ddof 1), the four-way split, Jaccard")
    func baseline() {
        let spikes: Set<Int> = [5, 50]
        let s = series(100, anomalies: [5, 9], volatility: { spikes.contains($0) ? 100 : 1 })
        let b = BaselineAnalysis(s)
        let vols = (0..<100).map { spikes.contains($0) ? 100.0 : 1 }
        #expect(b.threshold == NumPySum.mean(vols) + 2 * NumPySum.standardDeviation(vols, ddof: 1))
        #expect(b.volAnomalies == 2 && b.ifAnomalies == 2 && b.both == 1 && b.ifOnly == 1 && b.volOnly == 1 && b.neither == 97)
        #expect(b.jaccard == 1.0 / 3)
        #expect(b.ifOnlyRows == [9])
    }

    @Test("premove: horizons in windows, groups, ratio to normal; rows without a full horizon left out")
    func premove() {
        // |return| is 1 after anomalies' windows (rows 10, 30), 0.001 elsewhere.
        let s = series(60, anomalies: [9, 29], ret: { $0 == 10 || $0 == 30 ? 0.01 : 0.001 })
        let p = PreMoveAnalysis(s, horizons: [DurationSpec("20s")!, DurationSpec("1m")!], windowMilliseconds: 20_000)
        #expect(p.horizons.map(\.windows) == [1, 3])
        let one = p.horizons[0]
        #expect(one.group(.ifOnly).count == 2)
        #expect(one.group(.normal).count == 57)     // 60 rows − 2 anomalies − the last row
        #expect(one.group(.ifOnly).meanFutureMove == 0.01)
        #expect(abs(one.group(.ifOnly).ratioToNormal - 0.01 / one.group(.normal).meanFutureMove) < 1e-12)
        #expect(one.group(.ifOnly).test?.method == .asymptotic)   // ties among the normal moves
        #expect(p.horizons[1].group(.normal).count == 55)
        #expect(PreMoveAnalysis.windows(for: DurationSpec("30s")!, windowMilliseconds: 20_000) == 2)  // 1.5 → 2 (half to even)
        #expect(PreMoveAnalysis.windows(for: DurationSpec("10s")!, windowMilliseconds: 20_000) == 1)
    }

    @Test("cv: only whole, epoch-aligned windows of 1-second rows count")
    func windowSizes() {
        // 1-second rows from second 3 to second 23: 5 s windows [5,10) [10,15) [15,20) are whole, [0,5) and [20,25) are not.
        let s = series(21, w: 1000, start: 3000)
        let study = WindowSizeStudy(rows: s, sizes: [DurationSpec("1s")!, DurationSpec("5s")!, DurationSpec("1500ms")!], inputWindowMilliseconds: 1000)
        #expect(study.sizes[0].windows == 21)
        #expect(study.sizes[1].windows == 3)
        #expect(study.sizes[2].windows == 0 && study.sizes[2].note != nil)
        var rates = TradeRateSeries()
        rates.eventTime = (0..<11).map { Double($0) + 0.3 }
        rates.tradesPerSecond = (0..<11).map(Double.init)
        let fromRates = WindowSizeStudy(tradeRates: rates, sizes: [DurationSpec("5s")!])
        #expect(fromRates.sizes[0].windows == 2)        // 11 rows → two runs of 5, one row left over
        #expect(fromRates.sizes[0].trades.mean == 22.5)  // (0+…+4, 5+…+9) = (10, 35)
    }

    @Test("the HTML report is well-formed XML with its four charts")
    func htmlReport() throws {
        let s = series(500, anomalies: Set(stride(from: 7, to: 500, by: 13)), warmup: 20, volatility: { $0 % 50 == 0 ? 30 : Double($0 % 7) })
        let report = HTMLReport(s, inputs: ["test <&> data"], horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: 20_000)
        let html = report.render()
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)
        #expect(html.contains("test &lt;&amp;&gt; data"))
        #expect(!html.contains("<script"))
        let data = Data(html.utf8)
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
    }
}

#if canImport(FoundationXML)
import FoundationXML
#endif
