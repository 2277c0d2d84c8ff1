import Foundation
import Testing
import TestSupport

/// bnc-score as users run it: real processes, real pipes, real data (Tests/Fixtures).
@Suite("bnc-score end to end")
struct ScoreEndToEndTests {
    /// The original's real windows as window rows (a 600-row slice: Tests/Fixtures/README.md).
    static func seedRunRows() throws -> Data {
        try Fixture.data(Fixture.seedRunWindows)
    }

    static func rows(_ n: Int, from data: Data) -> Data {
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(n)
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    @Test func sameSeedGivesByteIdenticalOutput() throws {
        let input = try Self.seedRunRows()
        let args = ["--train-windows", "200", "--retrain-every", "100", "--quiet"]
        let a = try ToolRunner.run("bnc-score", args, stdin: input)
        let b = try ToolRunner.run("bnc-score", args, stdin: input)
        let c = try ToolRunner.run("bnc-score", args + ["--seed", "7"], stdin: input)
        #expect(a.status == 0 && a.stdoutLines.count == 601)
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
        let batch1 = try ToolRunner.run("bnc-score", ["--batch", "--format", "ndjson", "--quiet"], stdin: input)
        let batch2 = try ToolRunner.run("bnc-score", ["--batch", "--format", "ndjson", "--quiet"], stdin: input)
        #expect(batch1.status == 0 && batch1.stdout == batch2.stdout && batch1.stdoutLines.count == 600)
    }

    /// Item 4: a restarted collector with --model scores its first window at once, continues the
    /// version count, and a model trained on other features is refused with exit 65.
    @Test func restartWithModelScoresAtOnce() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("model.bncmodel").path
        let all = String(decoding: try Self.seedRunRows(), as: UTF8.self).split(separator: "\n")
        let first = Data((all[0..<150].joined(separator: "\n") + "\n").utf8)
        let second = Data((all[150..<160].joined(separator: "\n") + "\n").utf8)
        let args = ["--train-windows", "100", "--retrain-every", "20", "--model", model, "--quiet"]
        let run1 = try ToolRunner.run("bnc-score", args, stdin: first)
        #expect(run1.status == 0)
        #expect(FileManager.default.fileExists(atPath: model))
        let lastVersion = run1.stdoutLines.last!.split(separator: ",", omittingEmptySubsequences: false)[11]
        #expect(lastVersion == "3")
        let run2 = try ToolRunner.run("bnc-score", args, stdin: second)
        #expect(run2.status == 0)
        let firstRow = run2.stdoutLines[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(firstRow[6] != "" && firstRow[11] == "3")
        // The uninterrupted run gives the very same rows: the buffer and counters were saved too.
        let straight = try ToolRunner.run("bnc-score", ["--train-windows", "100", "--retrain-every", "20", "--quiet"],
                                          stdin: Data((all[0..<160].joined(separator: "\n") + "\n").utf8))
        #expect(Array(straight.stdoutLines.suffix(10)) == Array(run2.stdoutLines.suffix(10)))

        let mismatch = try ToolRunner.run("bnc-score", ["--model", model, "--features", "volume,trade_count"], stdin: second)
        #expect(mismatch.status == 65)
        #expect(mismatch.stderrText.contains("features"))
        #expect(mismatch.stdoutLines.isEmpty)

        // The file records its profile (bnc, the default): another profile is refused, naming both.
        let otherProfile = try ToolRunner.run("bnc-score", ["--model", model, "--profile", "original"], stdin: second)
        #expect(otherProfile.status == 65)
        #expect(otherProfile.stderrText.contains("--profile bnc") && otherProfile.stderrText.contains("--profile original"),
                "\(otherProfile.stderrText)")
        #expect(otherProfile.stdoutLines.isEmpty)
    }

    /// A collector upgraded across the profile change: its saved `original` models go on without
    /// `--profile` (the file's profile wins when none is given), exactly as with `--profile original`.
    @Test func savedModelKeepsItsProfileWithoutTheOption() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = String(decoding: try Self.seedRunRows(), as: UTF8.self).split(separator: "\n")
        let first = Data((all[0..<150].joined(separator: "\n") + "\n").utf8)
        let second = Data((all[150..<160].joined(separator: "\n") + "\n").utf8)
        var outputs: [[Substring]] = []
        for (name, profileArgs) in [("implicit", [String]()), ("explicit", ["--profile", "original"])] {
            let model = dir.appendingPathComponent("\(name).bncmodel").path
            let args = ["--train-windows", "100", "--retrain-every", "20", "--model", model]
            let run1 = try ToolRunner.run("bnc-score", args + ["--quiet", "--profile", "original"], stdin: first)
            #expect(run1.status == 0)
            let run2 = try ToolRunner.run("bnc-score", args + profileArgs, stdin: second)
            #expect(run2.status == 0, "\(run2.stderrText)")
            if profileArgs.isEmpty {
                #expect(run2.stderrText.contains("--profile original"), "\(run2.stderrText)")
            }
            outputs.append(run2.stdoutLines)
        }
        #expect(outputs[0].count == 11 && outputs[0] == outputs[1])
    }

    /// Issue 14: `--profile original` is today's model (reason aside), the default profile adds a
    /// silence feature; every scored row of both has a reason, every unscored row none.
    @Test func profilesAndReasons() throws {
        let input = try Self.seedRunRows()
        let original = try ToolRunner.run("bnc-score", ["--profile", "original", "--train-windows", "200", "--quiet"], stdin: input)
        let bnc = try ToolRunner.run("bnc-score", ["--train-windows", "200", "--quiet"], stdin: input)
        #expect(original.status == 0 && bnc.status == 0)
        for run in [original, bnc] {
            let rows = run.stdoutLines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            #expect(rows.count == 600)
            #expect(rows.allSatisfy { $0.count == 14 && $0[6].isEmpty == $0[13].isEmpty })
            #expect(rows.filter { !$0[13].isEmpty }.allSatisfy { row in
                let items = row[13].split(separator: ";")
                return items.count <= 3 && items.allSatisfy { $0.hasSuffix("↑") || $0.hasSuffix("↓") }
            })
        }
        #expect(original.stdout != bnc.stdout)
        // --format original has neither the reason nor a different score: its rows are the CSV's first eight columns.
        let plain = try ToolRunner.run("bnc-score", ["--profile", "original", "--train-windows", "200", "--quiet", "--format", "original"], stdin: input)
        let scores = { (lines: [Substring]) in lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[6] } }
        #expect(scores(plain.stdoutLines) == scores(original.stdoutLines))
    }

    /// Item 3: --output appends, rotates by window day, writes the header once, and a restart
    /// appends without repeating it; every line is a whole 13-field row.
    @Test func outputFileRotatesAndRestartsWithoutRepeatingTheHeader() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = String(decoding: try Self.seedRunRows(), as: UTF8.self).split(separator: "\n")
        let pattern = dir.appendingPathComponent("window_results_%Y-%m-%d.csv").path
        // 2026-02-28 21:44 → 2026-03-01 01:07: the run crosses midnight UTC after 400 rows.
        let half = all.count / 2
        for part in [all[0..<half], all[half...]] {
            let r = try ToolRunner.run("bnc-score", ["--train-windows", "100", "--output", pattern, "--quiet"],
                                       stdin: Data((part.joined(separator: "\n") + "\n").utf8))
            #expect(r.status == 0 && r.stdout.isEmpty)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["window_results_2026-02-28.csv", "window_results_2026-03-01.csv"])
        var total = 0
        for f in files {
            let lines = try String(contentsOfFile: dir.appendingPathComponent(f).path, encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "")
            #expect(lines.first?.hasPrefix("timestamp,trade_count,") == true)
            #expect(lines.filter { $0.hasPrefix("timestamp,") }.count == 1)
            let rows = lines.dropFirst().dropLast()
            #expect(rows.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 14 })
            total += rows.count
        }
        #expect(total == all.count)
    }

    @Test func badCombinationsAreUsageErrors() throws {
        #expect(try ToolRunner.run("bnc-score", ["--batch", "--retrain-every", "5"]).status == 64)
        #expect(try ToolRunner.run("bnc-score", ["--features", "volume,volume"]).status == 64)
        #expect(try ToolRunner.run("bnc-score", ["--contamination", "0.7"]).status == 64)
        #expect(try ToolRunner.run("bnc-score", ["--max-samples", "0"]).status == 64)
        let junk = try ToolRunner.run("bnc-score", [], stdin: Data("hello\nworld\n".utf8))
        #expect(junk.status == 65)
    }
}

@Suite("bnc-score stops cleanly")
struct ScoreSignalTests {
    /// SIGTERM while waiting for input: the rows already read are written whole, the model file
    /// is saved, exit 0.
    @Test func sigtermFlushesAndExitsZero() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = dir.appendingPathComponent("rows.ndjson")
        try ScoreEndToEndTests.rows(150, from: try ScoreEndToEndTests.seedRunRows()).write(to: rows)
        let out = dir.appendingPathComponent("out.csv").path
        let model = dir.appendingPathComponent("model.bncmodel").path
        let script = """
            { cat '\(rows.path)'; exec sleep 20; } 2>/dev/null | bnc-score --train-windows 100 --quiet --model '\(model)' --output '\(out)' &
            pid=$!
            for _ in $(seq 100); do [ "$(wc -l < '\(out)' 2>/dev/null || echo 0)" -ge 151 ] && break; sleep 0.1; done
            kill -TERM $pid
            wait $pid
            echo "status=$?"
            """
        let result = try ToolRunner.shell(script)
        #expect(result.stdoutText.contains("status=0"), "\(result.stdoutText) \(result.stderrText)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 151)
        #expect(FileManager.default.fileExists(atPath: model))
    }
}

/// The "done when": real Binance trades → bnc-window → bnc-score → DESIGN.md §3 CSV.
@Suite("bnc-window | bnc-score on real trades")
struct WindowToScorePipelineTests {
    static let trades = "cat '\(Fixture.path(Fixture.trades2024))'"

    @Test func realTradesBecomeScoredRows() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let windows = try ToolRunner.shell("\(Self.trades) | bnc-window --window 200ms --quiet")
        #expect(windows.status == 0)
        let windowCount = windows.stdoutLines.count
        #expect(windowCount > 200)
        let out = dir.appendingPathComponent("window_results.csv").path
        let scored = try ToolRunner.shell(
            "\(Self.trades) | bnc-window --window 200ms --quiet | bnc-score --train-windows 50 --quiet --output '\(out)'")
        #expect(scored.status == 0, "\(scored.stderrText)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score,reason")
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == windowCount)
        #expect(rows.allSatisfy { $0.count == 14 && $0[8] == "BTCUSDT" && $0[0].hasPrefix("2024-08-0") && $0[0].hasSuffix("Z") })
        // The first window is partial (complete false) so the 50th complete window is row 51.
        let firstScored = try #require(rows.firstIndex { !$0[6].isEmpty })
        let completeBefore = rows[0...firstScored].filter { $0[10] == "true" }.count
        #expect(completeBefore == 50)
        #expect(rows[firstScored...].allSatisfy { !$0[6].isEmpty && ($0[7] == "1" || $0[7] == "-1") })
        let versions = Set(rows.map { $0[11] })
        #expect(versions.contains("1") && versions.contains("2"))  // retrained every 100 rows
        let anomalies = rows.filter { $0[7] == "-1" }.count
        #expect(anomalies > 0 && anomalies < rows.count / 2)

        // Any numeric row keys can be the features; NDJSON output carries the same columns.
        let json = try ToolRunner.shell(
            "\(Self.trades) | bnc-window --window 200ms --quiet | bnc-score --batch --quiet --format ndjson --features trade_count,buy_volume,max_trade_size,quote_volume")
        #expect(json.status == 0)
        #expect(json.stdoutLines.count == windowCount)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(json.stdoutLines[0].utf8)) as? [String: Any])
        #expect(first["model_version"] as? Int == 1 && first["score"] is Double)
    }

    /// The whole offline chain through real pipes: trades → windows → scores → summary.
    @Test func realTradesThroughAllFourTools() throws {
        let result = try ToolRunner.shell(
            "bnc-stream replay --speed 0 '\(Fixture.path(Fixture.trades2024))' | bnc-window --window 200ms --quiet"
            + " | bnc-score --train-windows 50 --quiet | bnc-stats summary --json")
        #expect(result.status == 0, "\(result.stderrText)")
        let summary = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let windows = try #require(summary["windows"] as? Int), scored = try #require(summary["scored"] as? Int)
        let anomalies = try #require(summary["anomalies"] as? Int)
        #expect(windows > 200 && scored == windows - 50)
        #expect(anomalies > 0 && anomalies < scored / 2)
        #expect(summary["first"] as? String == "2024-08-08T23:54:15.200Z")
    }
}
