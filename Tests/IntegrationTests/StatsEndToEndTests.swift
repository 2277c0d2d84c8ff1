import Foundation
import Testing
import TestSupport

/// bnc-stats against the pandas/SciPy reference (`scripts/reference/stats_reference.py`): every
/// figure of `--json`, on the original project's real CSVs, on the same rows in our CSV and
/// NDJSON formats, and on edge cases (no anomalies, all anomalies, one row, nothing scored, ties
/// and small samples in Mann–Whitney). Counts must match exactly, other numbers within 1e-9
/// relative. Needs python3 with pandas and scipy (CI installs them), and chromium for the report.
@Suite("bnc-stats matches pandas and SciPy", .integration, .serialized)
struct StatsEndToEndTests {
    static let seedRun = ToolRunner.sharedData.appendingPathComponent("seed-run")
    static let originals = ["window_results_2026-02-28.csv", "window_results.csv", "window_results_prev2.csv"]
    static let commands = ["summary", "hourly", "baseline", "premove", "cv"]

    /// Options passed to both sides; each bnc-stats subcommand gets the ones it takes.
    struct Options {
        var bins: Int? = nil
        var horizons: String? = nil
        var window: String? = nil
        var sizes: String? = nil

        func arguments(for command: String) -> [String] {
            var a: [String] = []
            if let bins, command == "summary" { a += ["--bins", "\(bins)"] }
            if let horizons, command == "premove" { a += ["--horizons", horizons] }
            if let window, command == "premove" || command == "cv" { a += ["--window", window] }
            if let sizes, command == "cv" { a += ["--sizes", sizes] }
            return a
        }

        var referenceArguments: [String] {
            var a: [String] = []
            if let bins { a += ["--bins", "\(bins)"] }
            if let horizons { a += ["--horizons", horizons] }
            if let window { a += ["--window", window] }
            if let sizes { a += ["--sizes", sizes] }
            return a
        }
    }

    // MARK: - Real data

    @Test("the original's real CSVs", arguments: originals)
    func originalCSV(file: String) throws {
        try expectMatch([Self.seedRun.appendingPathComponent(file).path])
    }

    @Test("the original's per-second trade counts (cv)", arguments: ["trade_rate.csv", "trade_rate_long.csv"])
    func tradeRates(file: String) throws {
        let path = Self.seedRun.appendingPathComponent(file).path
        try expectMatch([path], commands: ["cv"])
        try expectMatch([path], Options(sizes: "2s,7s,120s"), commands: ["cv"])
    }

    @Test("our CSV and NDJSON made from the real rows", arguments: ["csv", "ndjson"])
    func ourFormats(format: String) throws {
        let dir = try ToolRunner.temporaryDirectory("stats-ours")
        defer { try? FileManager.default.removeItem(at: dir) }
        for original in Self.originals {
            try runPython("scripts/reference/make_our_format.py", [Self.seedRun.appendingPathComponent(original).path, dir.path])
        }
        let main = dir.appendingPathComponent("window_results_2026-02-28.bnc.\(format)").path
        try expectMatch([main])
        try expectMatch([main], Options(bins: 7, horizons: "20s,2m,1h", sizes: "20s,40s,60s,5m"), commands: ["summary", "premove", "cv"])
        // Several files, given out of time order, are one series in time order.
        let older = dir.appendingPathComponent("window_results.bnc.\(format)").path
        let oldest = dir.appendingPathComponent("window_results_prev2.bnc.\(format)").path
        try expectMatch([main, oldest, older])
    }

    @Test("a file large enough to be read in two halves on two threads gives the same figures")
    func largeFile() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-large")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("large.csv").path
        try runPython("bench/make_stats_input.py", [Self.seedRun.appendingPathComponent("window_results_2026-02-28.csv").path, "48000", file])
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(size > 8 << 20)
        try expectMatch([file], commands: ["summary", "hourly", "baseline", "premove"])
    }

    @Test("stdin is read like a file")
    func standardInput() throws {
        let path = Self.seedRun.appendingPathComponent("window_results.csv").path
        let viaStdin = try ToolRunner.run("bnc-stats", ["summary", "--json"], stdin: try Data(contentsOf: URL(fileURLWithPath: path)))
        let viaFile = try ToolRunner.run("bnc-stats", ["summary", "--json", path])
        #expect(viaStdin.status == 0)
        #expect(viaStdin.stdoutText == viaFile.stdoutText)
    }

    // MARK: - Edge cases

    static func ourCSV(_ rows: [SyntheticResults.Row], symbol: String = "BTCUSDT", start: Int = 1_772_294_400) -> String {
        SyntheticResults.csv(rows, symbol: symbol, start: start)
    }

    static func series(_ n: Int, anomalyEvery: Int?, warmup: Int = 0, quantized: Bool = false, seed: UInt64 = 7) -> [SyntheticResults.Row] {
        SyntheticResults.series(n, anomalyEvery: anomalyEvery, warmup: warmup, quantized: quantized, seed: seed)
    }

    static let edgeCases: [(String, String)] = [
        ("no anomalies", ourCSV(series(300, anomalyEvery: nil, warmup: 20))),
        ("all anomalies", ourCSV(series(120, anomalyEvery: 1))),
        ("a single row", ourCSV(series(1, anomalyEvery: nil))),
        ("no scored rows", ourCSV(series(50, anomalyEvery: nil, warmup: 50))),
        ("ties in Mann–Whitney", ourCSV(series(400, anomalyEvery: 9, warmup: 10, quantized: true))),
        ("small samples, exact p-values", ourCSV(series(60, anomalyEvery: 11, seed: 3))),
        ("two rows", ourCSV(series(2, anomalyEvery: 2))),
    ]

    @Test("edge cases", arguments: 0..<edgeCases.count)
    func edgeCase(index: Int) throws {
        let (name, text) = Self.edgeCases[index]
        let dir = try ToolRunner.temporaryDirectory("stats-edge")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("edge.csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        try expectMatch([file.path], Options(horizons: "20s,1m,3m", window: "20s", sizes: "20s,40s,1m"), label: name)
    }

    // MARK: - Behaviour

    @Test("--append adds one timestamped block per run")
    func appendBlocks() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-append")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("score_summary.txt").path
        let input = Self.seedRun.appendingPathComponent("window_results.csv").path
        for _ in 0..<2 { #expect(try ToolRunner.run("bnc-stats", ["summary", "--append", log, input]).status == 0) }
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.components(separatedBy: "==== bnc-stats summary · ").count == 3)
        #expect(text.contains("anomalies   82"))
        #expect(text.contains("window_results.csv (original-csv)"))
    }

    @Test("a closed pipe downstream is a quiet success")
    func closedPipe() throws {
        let input = Self.seedRun.appendingPathComponent("window_results_2026-02-28.csv").path
        let r = try ToolRunner.shell("bnc-stats baseline --limit 0 '\(input)' | head -2")
        #expect(r.status == 0)
        #expect(r.stderrText.isEmpty)
    }

    @Test("the HTML report is well-formed, self-contained, and renders in headless Chromium")
    func htmlReport() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-report")
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("report.html")
        let input = Self.seedRun.appendingPathComponent("window_results_2026-02-28.csv").path
        let r = try ToolRunner.run("bnc-stats", ["report", "--html", html.path, input])
        #expect(r.status == 0, "\(r.stderrText)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(!page.contains("<script"))
        #expect(!page.contains("http://") || !page.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http://"))
        #expect(!page.contains("https://"))
        // Well-formed XML (XHTML + inline SVG), checked by Python's parser.
        try runPython("-c", ["import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
            + "n = len(r.findall('.//{http://www.w3.org/2000/svg}svg')); assert n >= 4, n", html.path])
        // Chromium: the page loads, the DOM holds the charts, and a screenshot is drawn.
        let text = try ChromiumRender.render(html, in: dir, height: 2400)
        #expect(text.components(separatedBy: "<svg").count - 1 >= 4)
        for title in ["Score over time", "Score histogram", "Anomaly rate by hour", "Pre-move ratios across horizons"] {
            #expect(text.contains("<title>\(title)</title>"), "chart \(title) missing")
        }
        #expect(text.contains("<circle"))   // anomalies marked
        // report --json carries the same figures as the subcommands.
        let json = try ToolRunner.run("bnc-stats", ["report", "--json", "--html", html.path, input])
        let summary = try ToolRunner.run("bnc-stats", ["summary", "--json", "--bins", "30", input])
        let reportObject = try JSONSerialization.jsonObject(with: json.stdout) as! [String: Any]
        let summaryObject = try JSONSerialization.jsonObject(with: summary.stdout) as! [String: Any]
        #expect(compare(reportObject["summary"]!, summaryObject, "$").isEmpty)
    }

    // MARK: - Helpers

    /// Runs the reference once (`all`) and each bnc-stats subcommand, and compares every figure.
    func expectMatch(_ files: [String], _ options: Options = Options(), commands: [String] = StatsEndToEndTests.commands,
                     label: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reference = try runPython("scripts/reference/stats_reference.py", ["all"] + files + options.referenceArguments)
        let expected = try #require(try JSONSerialization.jsonObject(with: reference) as? [String: Any], sourceLocation: sourceLocation)
        let name = label ?? files.map { ($0 as NSString).lastPathComponent }.joined(separator: "+")
        for command in commands {
            let ours = try ToolRunner.run("bnc-stats", [command, "--json"] + options.arguments(for: command) + files)
            #expect(ours.status == 0, "bnc-stats \(command) failed: \(ours.stderrText)", sourceLocation: sourceLocation)
            guard ours.status == 0 else { continue }
            let actual = try JSONSerialization.jsonObject(with: ours.stdout)
            let want = try #require(expected[command], "reference has no \(command)", sourceLocation: sourceLocation)
            let mismatches = compare(actual, want, "$")
            #expect(mismatches.isEmpty, "\(name) \(command): \(mismatches.prefix(10))", sourceLocation: sourceLocation)
        }
    }

    @discardableResult
    func runPython(_ script: String, _ arguments: [String]) throws -> Data {
        try ReferencePython.run(script, arguments)
    }

    /// Counts (integers on both sides) exactly; other numbers within 1e-9 relative; everything
    /// else (keys, order, strings, nulls) exactly.
    func compare(_ a: Any, _ b: Any, _ path: String) -> [String] {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            guard Set(x.keys) == Set(y.keys) else { return ["\(path): keys \(x.keys.sorted()) vs \(y.keys.sorted())"] }
            return x.keys.sorted().flatMap { compare(x[$0]!, y[$0]!, "\(path).\($0)") }
        case let (x as [Any], y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) vs \(y.count) items"] }
            return zip(x, y).enumerated().flatMap { compare($1.0, $1.1, "\(path)[\($0)]") }
        case let (x as String, y as String):
            return x == y ? [] : ["\(path): \(x) vs \(y)"]
        case (is NSNull, is NSNull):
            return []
        case let (x as NSNumber, y as NSNumber):
            if isInteger(x) && isInteger(y) { return x.int64Value == y.int64Value ? [] : ["\(path): \(x) vs \(y)"] }
            let u = x.doubleValue, v = y.doubleValue
            if u == v || abs(u - v) <= 1e-9 * max(abs(u), abs(v)) { return [] }
            return ["\(path): \(u) vs \(v)"]
        default:
            return ["\(path): \(a) vs \(b)"]
        }
    }

    func isInteger(_ n: NSNumber) -> Bool {
        let type = String(cString: n.objCType)
        return ["c", "s", "i", "l", "q", "C", "S", "I", "L", "Q"].contains(type)
    }
}
