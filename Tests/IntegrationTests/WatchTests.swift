import Foundation
import Testing
import TestSupport

/// `bnc-stats watch` against the outside world: the original's real run with --exec, command
/// timeouts, the README's alert recipes against a local HTTP server that records requests, the
/// live view in tmux, and `collector.sh start --alert` on a local WebSocket feed.
@Suite("bnc-stats watch: real run, exec, recipes, tmux, collector", .integration, .serialized)
struct WatchTests {
    static let header = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"

    /// Rows of our CSV from 2026-03-01T00:00Z, 20 s apart; `pattern` per symbol ("1" anomalous).
    static func csv(_ patterns: [(String, String)], from: Int = 0, header: Bool = true) -> String {
        var text = header ? Self.header : ""
        let length = patterns.map(\.1.count).max() ?? 0
        for i in from..<length {
            for (symbol, pattern) in patterns where i < pattern.count {
                let a = pattern[pattern.index(pattern.startIndex, offsetBy: i)] == "1"
                let s = 1_772_323_200 + i * 20
                text += "\(iso(s)),\(100 + i),\(1.5 + Double(i) / 10),0.01,0.0001,\(2.5 + Double(i % 7)),\(a ? -0.05 : 0.08),\(a ? -1 : 1),\(symbol),\(iso(s + 20)),true,1,\(a ? 0.62 : 0.41)\n"
            }
        }
        return text
    }

    static func iso(_ seconds: Int) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))).replacingOccurrences(of: "Z", with: ".000Z")
    }

    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    // MARK: - The original's real run

    @Test("the original's real run: exactly one --exec per run of anomalous windows, valid JSON on stdin, the same facts in BNC_*")
    func seedRun() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-seed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = ToolRunner.sharedData.appendingPathComponent("seed-run/window_results_2026-02-28.csv")
        // Runs counted here, independently: prediction is the eighth column of the original's CSV.
        let text = try String(contentsOf: file, encoding: .utf8)
        var runs: [String] = [], previous = false
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {   // the file has CRLF line ends
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let anomalous = f[7].trimmingCharacters(in: .whitespaces) == "-1"
            if anomalous && !previous { runs.append(String(f[0])) }
            previous = anomalous
        }
        #expect(runs.count == 506)
        let command = #"cat >> "$OUT/alerts.ndjson"; printf '%s|%s|%s|%s\n' "$BNC_EVENT" "$BNC_EPISODE_ID" "$BNC_WINDOW_START" "$BNC_SCORE" >> "$OUT/env.txt""#
        let r = try ToolRunner.shell("OUT='\(dir.path)' bnc-stats watch --exec '\(command.replacingOccurrences(of: "'", with: "'\\''"))' '\(file.path)'")
        #expect(r.status == 0, "\(r.stderrText)")
        let alerts = try Self.jsonLines(try String(contentsOf: dir.appendingPathComponent("alerts.ndjson"), encoding: .utf8))
        #expect(alerts.count == runs.count)
        #expect(alerts.map { $0["window_start"] as? String } == runs.map { Optional($0) }, "one alert at the first window of each run, in order")
        #expect(alerts.allSatisfy { $0["event"] as? String == "alert" && $0["prediction"] as? Int == -1 && $0["time_basis"] as? String == "naive-local" })
        #expect(alerts.allSatisfy { $0["symbol"] is NSNull && $0["reason"] is NSNull && ($0["score"] as? Double ?? 0) < 0 })
        let env = try String(contentsOf: dir.appendingPathComponent("env.txt"), encoding: .utf8).split(separator: "\n")
        #expect(env.count == alerts.count)
        for (line, alert) in zip(env, alerts) {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            #expect(Array(f.prefix(3)) == ["alert", alert["episode_id"] as! String, alert["window_start"] as! String])
            // Foundation's JSON parser on Linux may round the last digit; the text is the same number.
            #expect(abs((Double(f[3]) ?? 0) - (alert["score"] as! Double)) <= 1e-15 * abs(alert["score"] as! Double))
        }
    }

    // MARK: - Commands that fail or hang

    @Test("--exec-timeout: a hanging command (even one that ignores SIGTERM) is stopped and reported; a failing one reported; later alerts still run; other symbols not held up")
    func execTimeout() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-timeout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.csv")
        // BTCUSDT: four episodes; ETHUSDT: one.
        try Self.csv([("BTCUSDT", "1010101"), ("ETHUSDT", "0100000")]).write(to: file, atomically: true, encoding: .utf8)
        let script = dir.appendingPathComponent("alert.sh")
        try """
            echo "start $BNC_SYMBOL $BNC_WINDOW_START $(date +%s.%N)" >> "$OUT/log"
            case "$BNC_SYMBOL $BNC_WINDOW_START" in
                "BTCUSDT 2026-03-01T00:00:00.000Z") sleep 60 ;;
                "BTCUSDT 2026-03-01T00:00:40.000Z") trap '' TERM; sleep 60 ;;
                "BTCUSDT 2026-03-01T00:01:20.000Z") exit 3 ;;
            esac
            cat > /dev/null
            echo "done $BNC_SYMBOL $BNC_WINDOW_START $(date +%s.%N)" >> "$OUT/log"
            """.write(to: script, atomically: true, encoding: .utf8)
        let started = Date()
        let r = try ToolRunner.shell("OUT='\(dir.path)' bnc-stats watch --exec-timeout 1s --exec 'sh \(script.path)' '\(file.path)'")
        let elapsed = Date().timeIntervalSince(started)
        #expect(r.status == 0, "\(r.stderrText)")
        let log = try String(contentsOf: dir.appendingPathComponent("log"), encoding: .utf8).split(separator: "\n")
        let starts = log.filter { $0.hasPrefix("start") }.map { $0.split(separator: " ")[1...2].joined(separator: " ") }
        #expect(starts.sorted() == ["BTCUSDT 2026-03-01T00:00:00.000Z", "BTCUSDT 2026-03-01T00:00:40.000Z", "BTCUSDT 2026-03-01T00:01:20.000Z",
                                    "BTCUSDT 2026-03-01T00:02:00.000Z", "ETHUSDT 2026-03-01T00:00:20.000Z"])
        #expect(log.contains { $0.hasPrefix("done BTCUSDT 2026-03-01T00:02:00.000Z") }, "the alert after the failures still ran")
        // One at a time per symbol: BTCUSDT's commands start in order; ETHUSDT's did not wait for them.
        #expect(log.filter { $0.contains("BTCUSDT") && $0.hasPrefix("start") }.map { $0.split(separator: " ")[2] } ==
                ["2026-03-01T00:00:00.000Z", "2026-03-01T00:00:40.000Z", "2026-03-01T00:01:20.000Z", "2026-03-01T00:02:00.000Z"])
        let ethDone = log.firstIndex { $0.hasPrefix("done ETHUSDT") }, secondBTC = log.firstIndex { $0.hasPrefix("start BTCUSDT 2026-03-01T00:00:40") }
        #expect(ethDone != nil && secondBTC != nil && ethDone! < secondBTC!, "ETHUSDT's alert ran while BTCUSDT's first command hung")
        let err = r.stderrText
        #expect(err.contains("bnc-stats: exec: alert BTCUSDT@2026-03-01T00:00:00.000Z: still running after 1s (--exec-timeout); stopping it"))
        #expect(err.contains("alert BTCUSDT@2026-03-01T00:00:40.000Z: still running after 1s"))
        #expect(err.contains("alert BTCUSDT@2026-03-01T00:01:20.000Z: exited with status 3"))
        // Bounds of the feature itself: 1 s + 1 s + the 2 s SIGKILL grace, far below the 60 s sleeps.
        #expect(elapsed < 30, "took \(elapsed) s")
    }

    // MARK: - The README's recipes against a recording HTTP server

    /// The `--exec` commands of the README's recipe table, by the row's first cell.
    static func readmeRecipes() throws -> [String: String] {
        let readme = try String(contentsOf: ToolRunner.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- watch-recipes -->")), end = try #require(readme.range(of: "<!-- /watch-recipes -->"))
        var recipes: [String: String] = [:]
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix("| ") && line.contains("`'") {
            let name = String(line.dropFirst(2).prefix { $0 != "|" }).trimmingCharacters(in: .whitespaces)
            let open = try #require(line.range(of: "`'")), close = try #require(line.range(of: "'`", options: .backwards))
            recipes[name] = String(line[open.upperBound..<close.lowerBound]).replacingOccurrences(of: "\\|", with: "|")
        }
        return recipes
    }

    @Test("the README's recipes: webhook, Slack, Telegram, desktop notification, ntfy — each request recorded by a local HTTP server")
    func recipes() throws {
        let recipes = try Self.readmeRecipes()
        #expect(recipes.count == 5, "\(recipes.keys)")
        let dir = try ToolRunner.temporaryDirectory("watch-recipes")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.csv")
        try Self.csv([("BTCUSDT", "0110001"), ("ETHUSDT", "0001000")]).write(to: file, atomically: true, encoding: .utf8)
        let expected = try Self.jsonLines(try ToolRunner.run("bnc-stats", ["watch", file.path]).stdoutText)
        #expect(expected.count == 3)
        // A stand-in notify-send (the real one needs a desktop session) that records its arguments,
        // a call's line in one write: symbols' commands run side by side, so separate writes of
        // two calls could interleave.
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\nline=$(printf '%s\\t' \"$@\")\nprintf '%s\\n' \"$line\" >> \"$NOTIFY_LOG\"\n"
            .write(to: bin.appendingPathComponent("notify-send"), atomically: true, encoding: .utf8)
        chmod(bin.appendingPathComponent("notify-send").path, 0o755)
        for (name, command) in recipes.sorted(by: { $0.key < $1.key }) {
            let log = dir.appendingPathComponent("requests-\(recipes.keys.sorted().firstIndex(of: name)!).ndjson")
            let q = { (s: String) in "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            let r = try ToolRunner.shell("""
                python3 scripts/testing/http_recorder.py --port-file \(q(dir.path))/port --log \(q(log.path)) &
                server=$!
                trap 'kill -KILL $server 2>/dev/null' EXIT
                for _ in $(seq 100); do [ -s \(q(dir.path))/port ] && break; sleep 0.1; done
                port=$(cat \(q(dir.path))/port); rm -f \(q(dir.path))/port
                base=http://127.0.0.1:$port
                export WEBHOOK_URL=$base/hook SLACK_WEBHOOK_URL=$base/services/T0/B0/x TELEGRAM_API=$base TELEGRAM_TOKEN=123:abc \\
                       TELEGRAM_CHAT_ID=42 NTFY_URL=$base/bnc-alerts NOTIFY_LOG=\(q(dir.path))/notify.log PATH=\(q(bin.path)):$PATH
                bnc-stats watch --exec \(q(command)) \(q(file.path))
                """)
            #expect(r.status == 0 && !r.stderrText.contains("exited with") && !r.stderrText.contains("still running"), "\(name): \(r.stderrText)")
            #expect(r.stdoutText.isEmpty, "\(name): the recipe writes nothing on stdout")
            if name.hasPrefix("desktop") {
                let calls = try String(contentsOf: dir.appendingPathComponent("notify.log"), encoding: .utf8).split(separator: "\n")
                #expect(calls.map(String.init).sorted() == expected.map { "bnc: \($0["symbol"]!) anomaly\t\($0["message"]!)\t" }.sorted())
                continue
            }
            let requests = try Self.jsonLines(try String(contentsOf: log, encoding: .utf8))
            #expect(requests.count == expected.count, "\(name)")
            // Symbols' commands run side by side, so requests are matched to alerts, not ordered.
            var got: [String] = []
            for request in requests {
                let body = request["body"] as? String ?? ""
                let headers = request["headers"] as? [String: String] ?? [:]
                #expect(request["method"] as? String == "POST", "\(name)")
                switch name {
                case let n where n.hasPrefix("any webhook"):
                    #expect(request["path"] as? String == "/hook" && headers["content-type"] == "application/json")
                    let sent = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
                    got.append(sent["message"] as? String ?? "")
                    let alert = expected.first { $0["episode_id"] as? String == sent["episode_id"] as? String }
                    #expect(alert != nil && NSDictionary(dictionary: alert!).isEqual(to: sent), "the body is the alert")
                case let n where n.hasPrefix("Slack"):
                    #expect(request["path"] as? String == "/services/T0/B0/x" && headers["content-type"] == "application/json")
                    let sent = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
                    #expect(sent.keys.sorted() == ["text"])
                    got.append(sent["text"] ?? "")
                case let n where n.hasPrefix("Telegram"):
                    #expect(request["path"] as? String == "/bot123:abc/sendMessage")
                    var form: [String: String] = [:]
                    for pair in body.split(separator: "&") {
                        let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
                        form[kv[0]] = kv.count > 1 ? kv[1] : ""
                    }
                    #expect(form.keys.sorted() == ["chat_id", "text"] && form["chat_id"] == "42")
                    got.append(form["text"] ?? "")
                case let n where n.contains("ntfy"):
                    #expect(request["path"] as? String == "/bnc-alerts")
                    #expect(headers["title"].map { $0.hasPrefix("bnc ") && $0.hasSuffix("USDT anomaly") } == true)
                    got.append(body)
                default:
                    Issue.record("a recipe this test does not know: \(name)")
                }
            }
            #expect(got.sorted() == expected.map { $0["message"] as! String }.sorted(), "\(name)")
        }
    }

    // MARK: - The live view in tmux

    final class Tmux {
        let socket = "bnc-watch-\(UUID().uuidString.prefix(8))"
        func run(_ args: [String]) throws -> ToolRunner.Result {
            try ToolRunner.spawn("/usr/bin/tmux", ["-L", socket] + args, stdin: nil, environment: ProcessInfo.processInfo.environment)
        }
        func capture() throws -> [String] {
            try run(["capture-pane", "-p", "-t", "w"]).stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        func display(_ format: String) throws -> String {
            try run(["display-message", "-p", "-t", "w", format]).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        /// Polls the screen every 50 ms until `condition` holds; returns the seconds it took, or nil.
        func wait(seconds: Double, _ condition: ([String]) -> Bool) throws -> Double? {
            let start = Date()
            while Date().timeIntervalSince(start) < seconds {
                if condition(try capture()) { return Date().timeIntervalSince(start) }
                usleep(50_000)
            }
            return nil
        }
        /// The screen as one string, for failure messages.
        func text() -> String { (try? capture().joined(separator: "\n")) ?? "" }
        deinit { _ = try? run(["kill-server"]) }
    }

    @Test("tmux: the live view shows sparklines and the newest window within a second of rows being appended, adapts to a resize, restores the terminal after SIGINT")
    func liveViewInTmux() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-tmux")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("window_results_2026-03-01.csv")
        let btc = "0000011000000011100000000110000000001", eth = "0001000000000000100000000000001000000"
        try Self.csv([("BTCUSDT", String(btc.prefix(30))), ("ETHUSDT", String(eth.prefix(30)))]).write(to: file, atomically: true, encoding: .utf8)
        let tmux = Tmux()
        let tool = ToolRunner.executable("bnc-stats").path
        // sh ignores nothing but survives the Ctrl-C (trap), so the pane shows what follows the exit.
        let command = "sh -c 'trap : INT; \(tool) watch --follow \(dir.path); echo EXITED $?; sleep 120'"
        #expect(try tmux.run(["new-session", "-d", "-x", "120", "-y", "40", "-s", "w", command]).status == 0)
        let first = try tmux.wait(seconds: 15) { $0.contains { $0.hasPrefix("ETHUSDT 2026-03-01 00:09:40Z") } }
        #expect(first != nil, "the view never showed the file's last window:\n\(tmux.text())")
        #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "1 0", "alternate screen, hidden cursor")
        var screen = try tmux.capture()
        #expect(screen[0].hasPrefix("bnc-stats watch · 2 symbol(s) · 5 alert(s)"))
        #expect(screen.contains { $0.contains("s(x)") && $0.contains("█") && $0.contains("▁") })
        #expect(screen.contains { $0.contains("trades") && $0.contains("▁") })
        #expect(screen.contains { $0.hasPrefix("── latest alerts") })
        // Append rows: the newest window shows up within a second (the follower looks every 200 ms).
        let more = Self.csv([("BTCUSDT", btc), ("ETHUSDT", eth)], from: 30, header: false)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(more.utf8))
        try handle.close()
        let latency = try tmux.wait(seconds: 5) { $0.contains { $0.hasPrefix("BTCUSDT 2026-03-01 00:12:00Z") } }
        #expect(latency != nil && latency! < 1.0, "newest window after \(latency.map { "\($0)" } ?? "never") s:\n\(tmux.text())")
        print("watch tmux: newest window on screen \(latency ?? -1) s after the append")
        screen = try tmux.capture()
        #expect(screen.contains { $0.hasPrefix("00:12:00Z ▲ BTCUSDT  score -0.05  s(x) 0.62  136 trades") }, "the new episode's alert is listed")
        #expect(screen.contains { $0.contains("episode since 00:12:00, 1 window(s)") })
        // SIGWINCH: narrower, and every line still fits.
        _ = try tmux.run(["resize-window", "-t", "w", "-x", "60", "-y", "20"])
        let narrow = try tmux.wait(seconds: 3) { lines in lines.count <= 21 && lines.allSatisfy { $0.count <= 60 } && lines.contains { $0.hasPrefix("bnc-stats watch") } && lines.contains { $0.hasPrefix("BTCUSDT") } }
        #expect(narrow != nil, "after the resize:\n\(tmux.text())")
        // Ctrl-C: the terminal is restored (main screen, cursor shown) and the watch exits 0.
        _ = try tmux.run(["send-keys", "-t", "w", "C-c"])
        let exited = try tmux.wait(seconds: 5) { $0.contains("EXITED 0") }
        #expect(exited != nil, "\(tmux.text())")
        #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "0 1")
        #expect(!(try tmux.capture()).contains { $0.contains("latest alerts") }, "no view left on the main screen")
    }

    @Test("tmux: SIGTERM restores the terminal too; without --follow a terminal gets one final frame, no escape garbage")
    func sigtermAndOneShot() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-tmux-term")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.csv")
        try Self.csv([("BTCUSDT", "0011000100")]).write(to: file, atomically: true, encoding: .utf8)
        let tmux = Tmux()
        let tool = ToolRunner.executable("bnc-stats").path
        // The follow part waits for the test's go (tmux wait-for), so the one-shot frame is captured first.
        let command = "sh -c '\(tool) watch \(file.path); echo ONESHOT $?; tmux -L \(tmux.socket) wait-for go; \(tool) watch --follow \(file.path) & echo $! > \(dir.path)/pid; wait; echo EXITED $?; sleep 120'"
        #expect(try tmux.run(["new-session", "-d", "-x", "100", "-y", "30", "-s", "w", command]).status == 0)
        #expect(try tmux.wait(seconds: 15) { $0.contains("ONESHOT 0") } != nil)
        let oneShot = try tmux.capture()
        #expect(oneShot.contains { $0.hasPrefix("BTCUSDT 2026-03-01 00:03:00Z") } && oneShot.contains { $0.contains("2 alert(s)") })
        _ = try tmux.run(["wait-for", "-S", "go"])
        #expect(try tmux.wait(seconds: 15) { _ in (try? tmux.display("#{alternate_on}")) == "1" } != nil)
        let pid = try #require(Int32(try String(contentsOf: dir.appendingPathComponent("pid"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        #expect(try tmux.wait(seconds: 5) { $0.contains("EXITED 0") } != nil)
        #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "0 1")
    }

    @Test("tmux: Ctrl-Z restores the terminal before the watch stops; fg brings the view back")
    func suspendAndResume() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-tmux-tstp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.csv")
        try Self.csv([("BTCUSDT", "0011000100")]).write(to: file, atomically: true, encoding: .utf8)
        let tmux = Tmux()
        #expect(try tmux.run(["new-session", "-d", "-x", "100", "-y", "30", "-s", "w", "bash --norc --noprofile -i"]).status == 0)
        _ = try tmux.run(["send-keys", "-t", "w", "\(ToolRunner.executable("bnc-stats").path) watch --follow \(file.path)", "Enter"])
        #expect(try tmux.wait(seconds: 15) { $0.contains { $0.hasPrefix("BTCUSDT 2026-03-01 00:03:00Z") } } != nil, "\(tmux.text())")
        _ = try tmux.run(["send-keys", "-t", "w", "C-z"])
        #expect(try tmux.wait(seconds: 5) { $0.contains { $0.contains("Stopped") } } != nil, "\(tmux.text())")
        #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "0 1")
        _ = try tmux.run(["send-keys", "-t", "w", "fg", "Enter"])
        #expect(try tmux.wait(seconds: 5) { $0.contains { $0.hasPrefix("BTCUSDT 2026-03-01 00:03:00Z") } } != nil, "\(tmux.text())")
        #expect(try tmux.display("#{alternate_on} #{cursor_flag}") == "1 0")
        _ = try tmux.run(["send-keys", "-t", "w", "C-c"])
        #expect(try tmux.wait(seconds: 5) { _ in (try? tmux.display("#{alternate_on} #{cursor_flag}")) == "0 1" } != nil)
    }

    // MARK: - collector.sh start --alert

    @Test("collector.sh start --alert CMD: one alert per anomalous run of the collected windows, across a restart; the watcher stops with the collector")
    func collectorAlert() throws {
        let dir = try ToolRunner.temporaryDirectory("watch-collector")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let captures = ["hftbacktest_spot_btcusdt_20240808.gz", "hftbacktest_spot_btcusdt_20240809.gz"].map { ToolRunner.sharedData.appendingPathComponent($0).path }
        let marker = UUID().uuidString
        let script = """
            set -u
            d='\(dir.path)'; data='\(data)'
            python3 scripts/testing/pipeline_ws_server.py --port-file "$d/port" --rate 1500 '\(captures[0])' '\(captures[1])' >"$d/server.log" 2>&1 &
            server=$!
            trap 'kill -KILL $server 2>/dev/null' EXIT
            for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
            port=$(cat "$d/port") || { echo "server did not start"; cat "$d/server.log"; exit 1; }
            c() { timeout 120 pipelines/collector.sh --data-dir "$data" "$@"; }
            rows() { cat "$data"/window_results_*.csv 2>/dev/null | grep -vc '^timestamp,'; }
            wait_rows() { for _ in $(seq 900); do [ "$(rows)" -ge "$1" ] && return 0; sleep 0.1; done; echo "timed out waiting for $1 rows"; return 1; }
            opts=(--endpoint "ws://127.0.0.1:$port" --stream-opt --no-backfill --window 5s --train-windows 8 --retrain-every 8
                  --contamination 0.25 --alert "cat >> '$d/alerts.ndjson'" btcusdt)
            export BNC_TEST_MARK=\(marker)
            watchers() {
                local e n=0
                for e in /proc/[0-9]*/environ; do
                    grep -qs "BNC_TEST_MARK=$BNC_TEST_MARK" "$e" || continue
                    tr '\\0' ' ' < "${e%/environ}/cmdline" 2>/dev/null | grep -q '^[^ ]*bnc-stats watch' && n=$((n + 1))
                done
                echo "$n"
            }
            echo "start1=$(c start "${opts[@]}" >/dev/null; echo $?)"
            wait_rows 30 || exit 1
            echo "watching=$(watchers)"
            echo "stop1=$(c stop >/dev/null; echo $?)"
            echo "left1=$(watchers)"
            echo "start2=$(c start "${opts[@]}" >/dev/null; echo $?)"
            wait_rows 60 || exit 1
            echo "stop2=$(c stop >/dev/null; echo $?)"
            echo "left2=$(watchers)"
            """
        let r = try ToolRunner.shell(script)
        let out = r.stdoutText
        #expect(r.status == 0, "\(out)\n\(r.stderrText)")
        for expected in ["start1=0", "watching=1", "stop1=0", "left1=0", "start2=0", "stop2=0", "left2=0"] {
            #expect(out.contains(expected + "\n"), "expected \(expected) in:\n\(out)")
        }
        // Runs of anomalous windows in everything collected, counted here.
        var runs: [String] = [], previous = false
        for name in try FileManager.default.contentsOfDirectory(atPath: data).filter({ $0.hasPrefix("window_results_") }).sorted() {
            for line in try String(contentsOfFile: data + "/" + name, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("timestamp,") {
                let f = line.split(separator: ",", omittingEmptySubsequences: false)
                let anomalous = f[7] == "-1"
                if anomalous && !previous { runs.append(String(f[0])) }
                previous = anomalous
            }
        }
        #expect(runs.count >= 2, "the collected windows should hold anomalous runs")
        let alerts = try Self.jsonLines((try? String(contentsOf: dir.appendingPathComponent("alerts.ndjson"), encoding: .utf8)) ?? "")
        #expect(alerts.map { $0["window_start"] as? String ?? "" } == runs, "exactly one alert per run, none repeated by the restart")
        #expect(FileManager.default.fileExists(atPath: data + "/watch.state"))
    }
}
