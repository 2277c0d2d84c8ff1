import Foundation
import Testing
import TestSupport

/// `--metrics-file` on the built tools, through real pipes on the fixtures: the file holds the
/// run's counts at exit, is replaced atomically, and a path that cannot be written is exit 73
/// before any input is read. (node_exporter and promtool on a live run: the integration tier,
/// IntegrationTests/MetricsIntegrationTests.)
@Suite("--metrics-file end to end", .serialized)
struct MetricsEndToEndTests {
    /// The value of the sample line starting with `prefix` (name and labels) in `text`.
    static func value(_ prefix: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.map { String($0.dropFirst(prefix.count + 1)) }
    }

    @Test("bnc-window and bnc-score: rows, trades, late and missing trades, model and warm-up at exit")
    func windowAndScore() throws {
        let dir = try ToolRunner.temporaryDirectory("metrics-e2e")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = dir.appendingPathComponent("bnc-window.prom").path
        let s = dir.appendingPathComponent("bnc-score.prom").path
        // 25 ids vanish from the fixture: a gap bnc-window counts as missing trades.
        let lines = try Fixture.lines(Fixture.trades2024)
        var damaged = lines
        damaged.removeSubrange(400..<425)
        damaged.append("not a trade")
        let input = try WindowRows.write(damaged, in: dir)
        let r = try ToolRunner.shell("""
            bnc-window --quiet --window 5s --metrics-file '\(w)' '\(input)' \
              | bnc-score --quiet --train-windows 5 --metrics-file '\(s)' > '\(dir.path)/out.csv'
            """)
        #expect(r.status == 0, "\(r.stderrText)")
        let window = try String(contentsOfFile: w, encoding: .utf8)
        let rows = try String(contentsOfFile: dir.appendingPathComponent("out.csv").path, encoding: .utf8)
            .split(separator: "\n").dropFirst()
        #expect(Self.value(#"bnc_window_rows_total{symbol="BTCUSDT"}"#, in: window) == "\(rows.count)")
        #expect(Self.value(#"bnc_window_trades_total{symbol="BTCUSDT"}"#, in: window) == "975")
        #expect(Self.value(#"bnc_window_missing_trades_total{symbol="BTCUSDT"}"#, in: window) == "25")
        #expect(Self.value(#"bnc_window_late_trades_total{symbol="BTCUSDT"}"#, in: window) == "0")
        #expect(Self.value("bnc_window_bad_lines_total", in: window) == "1")
        #expect(Self.value("bnc_window_window_seconds", in: window) == "5")
        let lastEnd = rows.last.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false)[9] }   // window_end, ISO
        let end = try #require(Self.value(#"bnc_window_last_window_end_timestamp_seconds{symbol="BTCUSDT"}"#, in: window))
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(lastEnd.flatMap { iso.date(from: String($0)) }?.timeIntervalSince1970 == Double(end))

        let score = try String(contentsOfFile: s, encoding: .utf8)
        #expect(Self.value(#"bnc_score_rows_total{symbol="BTCUSDT"}"#, in: score) == "\(rows.count)")
        let anomalies = rows.filter { $0.split(separator: ",", omittingEmptySubsequences: false)[7] == "-1" }.count
        #expect(Self.value(#"bnc_score_anomalies_total{symbol="BTCUSDT"}"#, in: score) == "\(anomalies)")
        #expect(Self.value(#"bnc_score_model_version{symbol="BTCUSDT"}"#, in: score) == "1")
        #expect(Self.value(#"bnc_score_warmup_windows{symbol="BTCUSDT"}"#, in: score) == "0")
        #expect(Self.value("bnc_score_train_windows", in: score) == "5")
        for text in [window, score] {
            #expect(text.hasSuffix("\n"))
            #expect(!text.contains("bnc_stream_"), "heartbeat-free input; each tool writes only its own names")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test("a warm-up that has not finished: warm-up windows left, model version 0")
    func warmUp() throws {
        let dir = try ToolRunner.temporaryDirectory("metrics-warmup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = dir.appendingPathComponent("s.prom").path
        let r = try ToolRunner.shell("""
            bnc-window --quiet --window 5s '\(Fixture.path(Fixture.trades2024))' \
              | bnc-score --quiet --train-windows 500 --metrics-file '\(s)' > /dev/null
            """)
        #expect(r.status == 0, "\(r.stderrText)")
        let score = try String(contentsOfFile: s, encoding: .utf8)
        #expect(Self.value(#"bnc_score_model_version{symbol="BTCUSDT"}"#, in: score) == "0")
        // 10 rows of which 8 complete (the first and the last are partial): 492 still needed.
        #expect(Self.value(#"bnc_score_warmup_windows{symbol="BTCUSDT"}"#, in: score) == "492")
    }

    @Test("a metrics file that cannot be written: exit 73 before reading input", arguments: ["bnc-window", "bnc-score", "bnc-stream"])
    func unwritable(tool: String) throws {
        let args = tool == "bnc-stream"
            ? ["live", "--endpoint", "ws://127.0.0.1:9", "--metrics-file", "/nonexistent-bnc/x.prom"]
            : ["--metrics-file", "/nonexistent-bnc/x.prom"]
        let r = try ToolRunner.run(tool, args, stdin: Data())
        #expect(r.status == 73, "\(r.stderrText)")
        #expect(r.stderrText == "\(tool): /nonexistent-bnc/x.prom: cannot write metrics: No such file or directory\n")
    }

    @Test("--metrics-interval out of range is a usage error")
    func intervalRange() throws {
        let r = try ToolRunner.run("bnc-window", ["--metrics-file", "/tmp/x.prom", "--metrics-interval", "10ms"], stdin: Data())
        #expect(r.status == 64)
        #expect(r.stderrText.contains("--metrics-interval"))
    }
}
