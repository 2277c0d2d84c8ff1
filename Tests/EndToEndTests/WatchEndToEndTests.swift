import Foundation
import Testing
import TestSupport

/// `bnc-stats watch` as users run it: a real pipe from bnc-score, NDJSON alerts on stdout, the
/// three formats, exactly-once across a restart with --state, --on-end. (The live view in tmux,
/// --exec timeouts, the HTTP recipes and the original's real run: IntegrationTests/WatchTests.)
@Suite("bnc-stats watch end to end")
struct WatchEndToEndTests {
    static let header = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"

    /// Runs of consecutive anomalous rows per symbol in a results CSV of ours, counted here
    /// independently of the tool (prediction is column 8, symbol column 9).
    static func runs(inCSV text: String) -> Int {
        var last: [Substring: Bool] = [:]
        var runs = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("timestamp,") {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let anomalous = f[7] == "-1"
            if anomalous && !(last[f[8]] ?? false) { runs += 1 }
            last[f[8]] = anomalous
        }
        return runs
    }

    static func jsonObjects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test("a real pipe bnc-window | bnc-score | bnc-stats watch: one NDJSON alert per anomalous run")
    func pipeFromScore() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-pipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let score = "bnc-score --train-windows 60 --retrain-every 60 --contamination 0.1"
        let fixture = Fixture.path(Fixture.seedRunWindows)
        let r = try ToolRunner.shell("""
            \(score) '\(fixture)' > '\(dir.path)/results.csv'
            \(score) '\(fixture)' | bnc-stats watch
            """)
        #expect(r.status == 0, "\(r.stderrText)")
        let results = try String(contentsOf: dir.appendingPathComponent("results.csv"), encoding: .utf8)
        let expected = Self.runs(inCSV: results)
        #expect(expected > 3, "the fixture should give several anomalous runs")
        let alerts = try Self.jsonObjects(r.stdoutText)
        #expect(alerts.count == expected)
        #expect(alerts.allSatisfy { $0["event"] as? String == "alert" && $0["symbol"] as? String == "BTCUSDT" && $0["prediction"] as? Int == -1 })
        #expect(Set(alerts.compactMap { $0["episode_id"] as? String }).count == expected, "episode ids are unique")
        // The same rows as NDJSON and in the original's form give the same alerts.
        let ndjson = try ToolRunner.shell("\(score) --format ndjson '\(fixture)' | bnc-stats watch")
        #expect(try Self.jsonObjects(ndjson.stdoutText).map { $0["window_start"] as? String } == alerts.map { $0["window_start"] as? String })
        let original = try ToolRunner.shell("\(score) --format original '\(fixture)' | TZ=UTC bnc-stats watch")
        #expect(try Self.jsonObjects(original.stdoutText).count == expected)
    }

    @Test("--state: a restarted watch alerts each episode exactly once; --on-end runs when one ends")
    func exactlyOnceAcrossRestart() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-state")
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = try ToolRunner.shell("bnc-score --train-windows 60 --retrain-every 60 --contamination 0.1 '\(Fixture.path(Fixture.seedRunWindows))'")
        let lines = results.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let file = dir.appendingPathComponent("r.csv"), state = dir.appendingPathComponent("watch.state").path
        let ends = dir.appendingPathComponent("ends.ndjson").path
        let whole = try ToolRunner.run("bnc-stats", ["watch", "--on-end", "cat >> '\(ends).whole'", "-"], stdin: Data(results.stdoutText.utf8))
        var seen: [String] = []
        // Three runs over a growing file, cut inside and between episodes.
        for cut in [250, 251, 420, lines.count] {
            try (lines.prefix(cut).joined(separator: "\n") + "\n").write(to: file, atomically: false, encoding: .utf8)
            let r = try ToolRunner.run("bnc-stats", ["watch", "--state", state, "--on-end", "cat >> '\(ends)'", file.path])
            #expect(r.status == 0, "\(r.stderrText)")
            seen += r.stdoutLines.map(String.init)
        }
        // Same events (the source file name aside): every alert once, in order, none twice.
        func ids(_ lines: [String]) throws -> [String] { try Self.jsonObjects(lines.joined(separator: "\n")).map { "\($0["episode_id"]!) \($0["score"]!)" } }
        let wholeIDs = try ids(whole.stdoutLines.map(String.init))
        #expect(wholeIDs.count > 3)
        #expect(try ids(seen) == wholeIDs, "the restarts' alerts differ from one run's")
        let endLines = try String(contentsOfFile: ends, encoding: .utf8)
        let endIDs = try Self.jsonObjects(endLines).map { "\($0["episode_id"]!) \($0["anomalous_windows"]!)" }
        #expect(endIDs == (try Self.jsonObjects(try String(contentsOfFile: ends + ".whole", encoding: .utf8)).map { "\($0["episode_id"]!) \($0["anomalous_windows"]!)" }))
        #expect(endIDs.count >= wholeIDs.count - 1)
        #expect(try Self.jsonObjects(endLines).allSatisfy { $0["event"] as? String == "end" && ($0["anomalous_windows"] as? Int ?? 0) >= 1 })
        let saved = try String(contentsOfFile: state, encoding: .utf8)
        #expect(saved.hasPrefix("bnc-watch-state 1\nBTCUSDT\t"))
    }

    /// Row `i` of our CSV (20 s windows from 2026-02-28T23:58:00Z: row 6 is on the next day).
    static func row(_ i: Int, _ anomalous: Bool, _ symbol: String = "BTCUSDT") -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        let t = { (s: Int) in f.string(from: Date(timeIntervalSince1970: TimeInterval(1_772_323_080 + s))).replacingOccurrences(of: "Z", with: ".000Z") }
        return "\(t(i * 20)),10,1,0.1,0,0,\(anomalous ? "-0.05,-1" : "0.1,1"),\(symbol),\(t(i * 20 + 20)),true,1,\(anomalous ? 0.7 : 0.4)\n"
    }

    @Test("--follow on a daily pattern: an episode across midnight alerts once; a slower symbol's late row in yesterday's file is still read; SIGTERM ends it cleanly")
    func followRotation() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-follow")
        defer { try? FileManager.default.removeItem(at: dir) }
        let day1 = Self.header + (0..<6).map { Self.row($0, $0 >= 4) }.joined()
        let day2 = Self.header + Self.row(6, true) + Self.row(7, false)
        let late = Self.row(5, true, "ETHUSDT")
        let q = { (s: String) in "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let r = try ToolRunner.shell("""
            d=\(q(dir.path))
            lines() { cat "$d/$1" 2>/dev/null | wc -l; }
            wait_for() { for _ in $(seq 300); do [ "$(lines "$1")" -ge "$2" ] && return 0; sleep 0.1; done; echo "timed out waiting for $2 lines in $1"; return 1; }
            bnc-stats watch --follow --on-end "cat >> '$d/ends'" "$d/window_results_%Y-%m-%d.csv" > "$d/out" 2> "$d/err" &
            pid=$!
            printf '%s' \(q(day1)) > "$d/window_results_2026-02-28.csv"
            wait_for out 1 || exit 1
            printf '%s' \(q(day2)) > "$d/window_results_2026-03-01.csv"
            wait_for ends 1 || exit 1
            printf '%s' \(q(late)) >> "$d/window_results_2026-02-28.csv"
            wait_for out 2 || exit 1
            kill -TERM $pid
            wait $pid
            echo "status=$?"
            """)
        #expect(r.status == 0 && r.stdoutText.contains("status=0\n"), "\(r.stdoutText)\(r.stderrText)")
        let alerts = try Self.jsonObjects(try String(contentsOf: dir.appendingPathComponent("out"), encoding: .utf8))
        #expect(alerts.map { $0["episode_id"] as? String } == ["BTCUSDT@2026-02-28T23:59:20.000Z", "ETHUSDT@2026-02-28T23:59:40.000Z"])
        let ends = try Self.jsonObjects(try String(contentsOf: dir.appendingPathComponent("ends"), encoding: .utf8))
        #expect(ends.count == 1 && ends.first?["anomalous_windows"] as? Int == 3, "one episode of three windows across midnight")
        let err = try String(contentsOf: dir.appendingPathComponent("err"), encoding: .utf8)
        #expect(err.contains("window_results_2026-03-01.csv: rotated; reading it from the start"), "\(err)")
    }

    @Test("--merge-gap, --symbol and bad options")
    func optionsEndToEnd() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-options")
        defer { try? FileManager.default.removeItem(at: dir) }
        // BTC: 1 1 0 1 0 0 1 · ETH: 0 1 1 1 0 1 0
        var text = Self.header
        let btc = [1, 1, 0, 1, 0, 0, 1], eth = [0, 1, 1, 1, 0, 1, 0]
        for i in 0..<7 {
            for (s, p) in [("BTCUSDT", btc[i]), ("ETHUSDT", eth[i])] {
                let t = String(format: "2026-03-01T00:%02d:00.000Z", i), e = String(format: "2026-03-01T00:%02d:20.000Z", i)
                text += "\(t),10,1,0.1,0,0,\(p == 1 ? "-0.05,-1" : "0.1,1"),\(s),\(e),true,1,\(p == 1 ? 0.7 : 0.4)\n"
            }
        }
        let file = dir.appendingPathComponent("r.csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        func alerts(_ args: [String]) throws -> [String] {
            let r = try ToolRunner.run("bnc-stats", ["watch"] + args + [file.path])
            #expect(r.status == 0, "\(r.stderrText)")
            return try Self.jsonObjects(r.stdoutText).map { "\($0["symbol"] as! String)@\(($0["window_start"] as! String).dropFirst(14).prefix(2))" }
        }
        #expect(try alerts([]) == ["BTCUSDT@00", "ETHUSDT@01", "BTCUSDT@03", "ETHUSDT@05", "BTCUSDT@06"])
        #expect(try alerts(["--merge-gap", "1"]) == ["BTCUSDT@00", "ETHUSDT@01", "BTCUSDT@06"])
        #expect(try alerts(["--symbol", "ethusdt"]) == ["ETHUSDT@01", "ETHUSDT@05"])
        #expect(try alerts(["--cooldown", "4m"]) == ["BTCUSDT@00", "ETHUSDT@01", "ETHUSDT@05", "BTCUSDT@06"])
        #expect(try alerts(["--min-score", "0.8"]) == [])
        for bad in [["--merge-gap", "-1"], ["--min-score", "2"], ["--exec-timeout", "0s"], ["--symbol", "a b"], ["--exec", " "]] {
            #expect(try ToolRunner.run("bnc-stats", ["watch"] + bad + [file.path]).status == 64, "\(bad)")
        }
        #expect(try ToolRunner.run("bnc-stats", ["watch", dir.appendingPathComponent("missing.csv").path]).status == 74)
        // A --state that cannot be written fails before any alert; one that is not a state file is refused.
        let unwritable = try ToolRunner.run("bnc-stats", ["watch", "--state", dir.path + "/no/such/dir/state", file.path])
        #expect(unwritable.status == 73 && unwritable.stdout.isEmpty)
        #expect(try ToolRunner.run("bnc-stats", ["watch", "--state", file.path + ".x", "--state", file.path, file.path]).status == 64, "--state naming the input")
        try "not a state\n".write(to: dir.appendingPathComponent("junk.state"), atomically: true, encoding: .utf8)
        #expect(try ToolRunner.run("bnc-stats", ["watch", "--state", dir.appendingPathComponent("junk.state").path, file.path]).status == 65)
        // A closed pipe downstream is a quiet success.
        let closed = try ToolRunner.shell("bnc-stats watch '\(file.path)' | head -n 1 >/dev/null")
        #expect(closed.status == 0)
    }
}
