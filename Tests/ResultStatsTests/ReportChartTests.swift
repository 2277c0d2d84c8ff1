import Foundation
import Testing
@testable import ResultStats

/// The report's hourly chart (issue 11): "1e-07%" over its axis title when nothing was scored, and
/// the "overall" label drawn on top of a bar.
@Suite("HTML report: hourly chart")
struct ReportChartTests {
    static func series(scored: Bool, anomalies: Bool = true) throws -> ResultSeries {
        var text = HostileInputTests.header
        for k in 0..<48 {
            let anomalous = anomalies && k % 4 == 0
            text += HostileInputTests.row(k % 60, score: scored ? (anomalous ? "-0.1" : "0.1") : "", prediction: scored ? (anomalous ? "-1" : "1") : "",
                                          start: "2026-02-28T\(k / 2 < 10 ? "0" : "")\(k / 2):\(k % 2 == 0 ? "00" : "30"):00.000Z",
                                          end: "2026-02-28T\(k / 2 < 10 ? "0" : "")\(k / 2):\(k % 2 == 0 ? "00" : "30"):20.000Z")
        }
        return try HostileInputTests.read(text).series
    }

    static func report(_ s: ResultSeries) -> HTMLReport {
        HTMLReport(s, inputs: ["t.csv"], horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: 20_000)
    }

    @Test("with nothing scored the hourly chart says so: no 1e-07% ticks")
    func hourlyChartWithNothingScoredHasNoExponentTicks() throws {
        let s = try Self.series(scored: false)
        #expect(s.count == 48)
        let chart = Self.report(s).hourlyChart()
        #expect(chart.contains("no scored windows"))
        #expect(!chart.contains("e-0"))
        #expect(!chart.contains("<rect"))
        #expect(!Self.report(s).render().contains("e-07%"))
    }

    @Test("with no anomalies the hourly axis still reads in plain percentages")
    func hourlyChartWithoutAnomaliesReadsInPercent() throws {
        let chart = Self.report(try Self.series(scored: true, anomalies: false)).hourlyChart()
        #expect(!chart.contains("e-"))
        #expect(chart.contains(">1%<"))
    }

    @Test("the overall label sits in the margin above the plot, never on a bar")
    func overallLabelDoesNotOverlapABar() throws {
        let chart = Self.report(try Self.series(scored: true)).hourlyChart()
        let c = SVGChart(width: 560, height: 300, left: 56, top: 30)
        // The text element holding "overall …": its y is above the plot's top edge.
        let line = try #require(chart.split(separator: "\n").first { $0.contains(">overall ") })
        let y = try #require(line.firstMatch(of: /<text x="[0-9.]+" y="([0-9.]+)"/).map { Double($0.1)! })
        #expect(y < c.top)
        // Every bar starts at or below the plot's top.
        for bar in chart.matches(of: /<rect x="[0-9.]+" y="([0-9.]+)"/) { #expect(Double(bar.1)! >= c.top) }
    }
}
