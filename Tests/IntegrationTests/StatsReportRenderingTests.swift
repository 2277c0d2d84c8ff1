import Foundation
import Testing
import TestSupport

/// The HTML report as headless Chromium draws it (issue 11): a normal run and an input whose
/// windows are all in the warm-up. The hourly chart must not show "1e-07%" ticks, and its
/// "overall" key must sit above the plot, not on a bar.
@Suite("bnc-stats report in Chromium", .integration, .serialized)
struct StatsReportRenderingTests {
    /// Renders `html`, checks the screenshot is a real PNG, returns the DOM Chromium built.
    func render(_ html: URL, in dir: URL) throws -> String {
        let png = dir.appendingPathComponent(html.deletingPathExtension().lastPathComponent + ".png")
        let shot = try ToolRunner.shell("chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot='\(png.path)' --window-size=1200,2000 'file://\(html.path)'")
        #expect(shot.status == 0, "\(shot.stderrText)")
        let image = try Data(contentsOf: png)
        #expect(image.count > 10_000)
        #expect(image.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let dom = try ToolRunner.shell("chromium --headless --no-sandbox --disable-gpu --dump-dom 'file://\(html.path)'")
        #expect(dom.status == 0)
        return dom.stdoutText
    }

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
        let dom = try render(html, in: dir)
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
        let dom = try render(html, in: dir)
        let svg = try hourlySVG(dom)
        let overall = try #require(svg.firstMatch(of: /<text x="[0-9.]+" y="([0-9.]+)">overall 16.13 %<\/text>/))
        #expect(Double(overall.1)! < 30)   // the plot starts at y = 30
        for bar in svg.matches(of: /<rect x="[0-9.]+" y="([0-9.]+)"/) { #expect(Double(bar.1)! >= 30) }
        #expect(!dom.contains("e-07%"))
    }
}
