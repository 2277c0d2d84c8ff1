import Foundation
import Testing
import TestSupport

/// bnc-window, built, on real trades (Tests/Fixtures): exit statuses, diagnostics, pipes and
/// signals. (Row-by-row agreement with the Python reference on the full captures:
/// IntegrationTests/WindowEndToEndTests.)
@Suite("bnc-window end to end", .serialized)
struct WindowEndToEndTests {
    typealias Row = WindowRows.Row




    static func sum(_ rows: [Row], _ key: String) -> Int {
        rows.reduce(0) { $0 + (($1[key] as? NSNumber)?.intValue ?? 0) }
    }

    @Test func fixtureWindowsAreContiguousAlignedAndCountEveryTrade() throws {
        for (name, count) in [(Fixture.trades2023, 1_000), (Fixture.trades2024, 1_000)] {
            let (rows, result) = try WindowRows.run([Fixture.path(name)])
            #expect(result.status == 0)
            #expect(Self.sum(rows, "trade_count") == count)
            #expect(Self.sum(rows, "missing_trades") == 0 && Self.sum(rows, "duplicates") == 0)
            #expect(rows.count >= 3)
            #expect(rows.first?["complete"] as? Bool == false && rows.last?["complete"] as? Bool == false)
            #expect(rows.dropFirst().dropLast().allSatisfy { $0["complete"] as? Bool == true })
            for (a, b) in zip(rows, rows.dropFirst()) { #expect("\(a["end"]!)" == "\(b["start"]!)") }
            #expect(((rows.first?["start"] as? NSNumber)?.int64Value ?? 1) % 20_000 == 0)
            #expect(result.stderrText.contains("\(count) trades"))
        }
    }

    @Test func gapsDuplicatesAndGarbageAreCountedAndFlagged() throws {
        let directory = try ToolRunner.temporaryDirectory("bnc-window")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try Fixture.lines(Fixture.trades2024)
        var damaged = clean
        damaged.removeSubrange(400..<425)                                        // 25 ids vanish
        for i in [100, 600, 900] { damaged.insert(damaged[i], at: i + 1) }       // 3 duplicates
        damaged.insert("\u{1}\u{2}garbage", at: 50)
        damaged.insert(String(clean[10].prefix(40)), at: 70)
        let path = try WindowRows.write(damaged, in: directory)
        let (rows, result) = try WindowRows.run(["--max-errors", "1", path])
        #expect(result.status == 0)
        #expect(Self.sum(rows, "trade_count") == 1_000 - 25)
        #expect(Self.sum(rows, "missing_trades") == 25)
        #expect(Self.sum(rows, "duplicates") == 3)
        let gapRows = rows.filter { ($0["missing_trades"] as? Int ?? 0) > 0 }
        #expect(gapRows.count == 1 && gapRows.first?["complete"] as? Bool == false)
        #expect(result.stderrText.contains("bnc-window: \(path):51: "))
        #expect(result.stderrText.contains("bad lines 2 of \(damaged.count)"))
    }

    @Test func strictStopsWithDataErrorAtTheFirstBadLine() throws {
        let directory = try ToolRunner.temporaryDirectory("bnc-window")
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = try Fixture.lines(Fixture.trades2023)
        lines.insert(#"{"e":"trade","s":"BTCUSDT"}"#, at: 500)
        let path = try WindowRows.write(lines, in: directory)
        let result = try ToolRunner.run("bnc-window", ["--strict", path])
        #expect(result.status == 65)
        #expect(result.stderrText.contains("bnc-window: \(path):501: missing field"))
        let lenient = try ToolRunner.run("bnc-window", [path])
        #expect(lenient.status == 0)
    }

    @Test func stdinPipesAndAClosedDownstream() throws {
        // The README example, through real pipes.
        let example = try ToolRunner.shell(
            "cat '\(Fixture.path(Fixture.trades2023))' | grep '@trade' | bnc-window --quiet")
        #expect(example.status == 0)
        #expect(Self.sum(try WindowRows.parse(example.stdoutText), "trade_count") == 1_000)
        #expect(example.stderrText.isEmpty)
        // A reader that goes away after one row: exit 0 (SIGPIPE/EPIPE is not an error).
        let head = try ToolRunner.shell(
            "cat '\(Fixture.path(Fixture.trades2024))' > \"$TMPDIR_W/in\"; "
            + "bnc-window --window 100ms \"$TMPDIR_W/in\" | head -1; echo \"status=${PIPESTATUS[0]}\"",
            environment: ["TMPDIR_W": try ToolRunner.temporaryDirectory("bnc-window").path])
        #expect(head.status == 0)
        #expect(head.stdoutText.hasSuffix("status=0\n"))
        #expect(head.stdoutText.split(separator: "\n").count == 2)
    }

    @Test func sigtermFlushesOpenWindowsAndExitsZero() throws {
        // Input that stays open after the capture: only the signal ends the run.
        let script = """
            exec 3< <(cat '\(Fixture.path(Fixture.trades2023))'; sleep 20)
            bnc-window <&3 > "$OUT" 2> "$OUT.err" &
            pid=$!
            for _ in $(seq 100); do [ -s "$OUT" ] && break; sleep 0.1; done
            sleep 0.5
            kill -TERM $pid
            wait $pid; echo "status=$?"
            """
        let directory = try ToolRunner.temporaryDirectory("bnc-window")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("rows").path
        let result = try ToolRunner.shell(script, environment: ["OUT": out])
        #expect(result.stdoutText.contains("status=0"))
        let rows = try WindowRows.parse(try String(contentsOfFile: out, encoding: .utf8))
        #expect(rows.last?["complete"] as? Bool == false)
        #expect(Self.sum(rows, "trade_count") == 1_000)
        let stderr = try String(contentsOfFile: out + ".err", encoding: .utf8)
        #expect(stderr.contains("stopped by signal"))
    }

    @Test func unreadableInputsAndBadOptions() throws {
        let directory = try ToolRunner.temporaryDirectory("bnc-window")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try WindowRows.write(try Fixture.lines(Fixture.trades2023), in: directory)
        // A missing file is reported and the others are still windowed; the exit status says 74.
        let (rows, result) = try WindowRows.run(["/nonexistent/trades.ndjson", path])
        #expect(result.status == 74)
        #expect(result.stderrText.contains("bnc-window: /nonexistent/trades.ndjson: cannot open: No such file or directory"))
        #expect(Self.sum(rows, "trade_count") == 1_000)
        for bad in [["--window", "0"], ["--window", "abc"], ["--lateness", "-1s"], ["--time-field", "local"],
                    ["--max-errors", "-1"]] {
            let usage = try ToolRunner.run("bnc-window", bad + [path])
            #expect(usage.status == 64, "\(bad)")
            #expect(usage.stdout.isEmpty)
        }
    }
}
