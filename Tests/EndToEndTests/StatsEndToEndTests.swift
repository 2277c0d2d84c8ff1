import Foundation
import Testing
import TestSupport

/// bnc-stats as users run it, on synthetic result files: exit statuses, the Mann–Whitney path, a
/// closed pipe. (Every figure against pandas and SciPy: IntegrationTests/StatsEndToEndTests.)
@Suite("bnc-stats end to end")
struct StatsToolTests {
    static func ourCSV(_ rows: [SyntheticResults.Row], symbol: String = "BTCUSDT", start: Int = 1_772_294_400) -> String {
        SyntheticResults.csv(rows, symbol: symbol, start: start)
    }

    static func series(_ n: Int, anomalyEvery: Int?, warmup: Int = 0, quantized: Bool = false, seed: UInt64 = 7) -> [SyntheticResults.Row] {
        SyntheticResults.series(n, anomalyEvery: anomalyEvery, warmup: warmup, quantized: quantized, seed: seed)
    }

    @Test("the exact Mann–Whitney path is taken for small samples without ties")
    func exactPath() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-exact")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("small.csv")
        try Self.ourCSV(Self.series(60, anomalyEvery: 11, seed: 3)).write(to: file, atomically: true, encoding: .utf8)
        let result = try ToolRunner.run("bnc-stats", ["premove", "--json", "--horizons", "1m", file.path])
        #expect(result.stdoutText.contains("\"method\": \"exact\""))
        let tied = dir.appendingPathComponent("tied.csv")
        try Self.ourCSV(Self.series(400, anomalyEvery: 9, warmup: 10, quantized: true)).write(to: tied, atomically: true, encoding: .utf8)
        let t = try ToolRunner.run("bnc-stats", ["premove", "--json", "--horizons", "20s", tied.path])
        #expect(t.stdoutText.contains("\"method\": \"asymptotic\""))
    }

    @Test("exit codes: unknown format 65, missing file 74, several symbols 64 until --symbol picks one")
    func exitCodes() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-exit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let junk = dir.appendingPathComponent("junk.txt")
        try "hello,world\n1,2\n".write(to: junk, atomically: true, encoding: .utf8)
        #expect(try ToolRunner.run("bnc-stats", ["summary", junk.path]).status == 65)
        #expect(try ToolRunner.run("bnc-stats", ["summary", dir.appendingPathComponent("nope.csv").path]).status == 74)
        let a = dir.appendingPathComponent("a.csv"), b = dir.appendingPathComponent("b.csv")
        try Self.ourCSV(Self.series(30, anomalyEvery: 5), symbol: "BTCUSDT").write(to: a, atomically: true, encoding: .utf8)
        try Self.ourCSV(Self.series(40, anomalyEvery: 4), symbol: "ETHUSDT").write(to: b, atomically: true, encoding: .utf8)
        let both = try ToolRunner.run("bnc-stats", ["summary", a.path, b.path])
        #expect(both.status == 64)
        #expect(both.stderrText.contains("--symbol"))
        let eth = try ToolRunner.run("bnc-stats", ["summary", "--json", "--symbol", "ethusdt", a.path, b.path])
        #expect(eth.status == 0)
        #expect(eth.stdoutText.contains("\"windows\": 40"))
        // A bad row is skipped and counted on stderr; --strict makes it exit 65.
        let bad = dir.appendingPathComponent("bad.csv")
        var text = Self.ourCSV(Self.series(10, anomalyEvery: 3))
        text += "2026-02-28T18:00:00.000Z,oops,1,1,0,1,0.1,1,BTCUSDT,2026-02-28T18:00:20.000Z,true,1,\n"
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let lenient = try ToolRunner.run("bnc-stats", ["summary", "--json", bad.path])
        #expect(lenient.status == 0)
        #expect(lenient.stderrText.contains("skipped 1"))
        #expect(lenient.stdoutText.contains("\"windows\": 10"))
        #expect(try ToolRunner.run("bnc-stats", ["summary", "--strict", bad.path]).status == 65)
    }

    @Test("a closed pipe downstream is a quiet success")
    func closedPipe() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-pipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("long.csv")
        try Self.ourCSV(Self.series(5_000, anomalyEvery: 13, warmup: 20)).write(to: file, atomically: true, encoding: .utf8)
        let r = try ToolRunner.shell("bnc-stats baseline --limit 0 '\(file.path)' | head -2")
        #expect(r.status == 0)
        #expect(r.stderrText.isEmpty)
    }
}
