import Foundation
import Testing
import TestSupport

/// The HTML report as headless Chromium draws it (issue 11): a normal run and an input whose
/// windows are all in the warm-up. The hourly chart must not show "1e-07%" ticks, and its
/// "overall" key must sit above the plot, not on a bar.
@Suite("bnc-stats report in Chromium", .integration, .serialized)
struct StatsReportRenderingTests {

    /// The hourly chart's SVG in a page or DOM.
    func hourlySVG(_ page: String) throws -> Substring {
        let start = try #require(page.range(of: "<title>Anomaly rate by hour</title>"))
        let end = try #require(page.range(of: "</svg>", range: start.upperBound..<page.endIndex))
        return page[start.lowerBound..<end.upperBound]
    }

    @Test("all-unscored input: every chart says no scored windows, no 1e-07% ticks")
    func reportWithNothingScoredRendersWithoutExponentTicks() throws {
        let dir = try ToolRunner.temporaryDirectory("report-unscored")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("warmup.csv")
        try SyntheticResults.csv(SyntheticResults.series(60, anomalyEvery: nil, warmup: 60)).write(to: input, atomically: true, encoding: .utf8)
        let html = dir.appendingPathComponent("unscored.html")
        let r = try ToolRunner.run("bnc-stats", ["report", "--html", html.path, input.path])
        #expect(r.status == 0, "\(r.stderrText)")
        let dom = try ChromiumRender.render(html, in: dir, height: 2000)
        #expect(!dom.contains("e-07%") && !dom.contains("e-08%"))
        #expect(try hourlySVG(dom).contains("no scored windows"))
        #expect(dom.components(separatedBy: "no scored windows").count - 1 == 4)
    }

    @Test("a normal run: the hourly chart's overall key sits above the plot")
    func reportOverallLabelAboveThePlot() throws {
        let dir = try ToolRunner.temporaryDirectory("report-normal")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = ToolRunner.sharedData.appendingPathComponent("seed-run/window_results_2026-02-28.csv").path
        let html = dir.appendingPathComponent("normal.html")
        let r = try ToolRunner.run("bnc-stats", ["report", "--html", html.path, input])
        #expect(r.status == 0, "\(r.stderrText)")
        let dom = try ChromiumRender.render(html, in: dir, height: 2000)
        let svg = try hourlySVG(dom)
        let overall = try #require(svg.firstMatch(of: /<text x="[0-9.]+" y="([0-9.]+)">overall 16.13 %<\/text>/))
        #expect(Double(overall.1)! < 30)   // the plot starts at y = 30
        for bar in svg.matches(of: /<rect x="[0-9.]+" y="([0-9.]+)"/) { #expect(Double(bar.1)! >= 30) }
        #expect(!dom.contains("e-07%"))
    }
}
