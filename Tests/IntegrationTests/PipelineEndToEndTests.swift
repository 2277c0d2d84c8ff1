import Foundation
import Testing
import TestSupport

/// The `pipelines/*.sh` scripts, run end to end with the built tools (found through `BNC_BIN`,
/// the folder this test run built) on the real captures in `../shared/data`.
@Suite("pipelines/*.sh end to end", .integration, .serialized)
struct PipelineEndToEndTests {
    static let scripts = ["lib.sh", "live.sh", "record.sh", "replay.sh", "collector.sh", "demo.sh", "choose-window.sh", "shard.sh"]
    static let runnable = scripts.filter { $0 != "lib.sh" }
    static let captures = ["hftbacktest_spot_btcusdt_20240808.gz", "hftbacktest_spot_btcusdt_20240809.gz"]
    static let resultHeader = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score,reason"

    var environment: [String: String] { ["BNC_BIN": ToolRunner.productsDirectory.path] }

    static func capturePaths() -> [String] { captures.map { ToolRunner.sharedData.appendingPathComponent($0).path } }

    /// The trade payloads of the two 2024 captures, extracted here independently of the tools:
    /// the `data` object of every `@trade` message, byte for byte, in file order.
    static func capturedTradePayloads() throws -> [Substring] { try #require(cachedPayloads) }

    /// Extracted once per test run (the tests share it).
    static let cachedPayloads: [Substring]? = try? extractTradePayloads()

    static func extractTradePayloads() throws -> [Substring] {
        let dump = try ToolRunner.shell("gzip -dc \(capturePaths().map { "'\($0)'" }.joined(separator: " "))")
        guard dump.status == 0 else { throw CocoaError(.fileReadCorruptFile) }
        var payloads: [Substring] = []
        let text = dump.stdoutText
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let json = line[line.index(after: space)...]
            guard json.hasPrefix("{\"stream\":\"btcusdt@trade\",\"data\":"), json.hasSuffix("}") else { continue }
            payloads.append(json.dropFirst("{\"stream\":\"btcusdt@trade\",\"data\":".count).dropLast())
        }
        return payloads
    }

    /// The integer value of `"key":` in a flat JSON line.
    static func integerField(_ key: String, in line: Substring) -> Int64? {
        guard let r = line.range(of: "\"\(key)\":") else { return nil }
        return Int64(line[r.upperBound...].prefix { $0.isNumber })
    }

    // MARK: Static checks

    @Test("shellcheck finds nothing in any script")
    func shellcheckIsClean() throws {
        let r = try ToolRunner.shell("shellcheck -x -s bash pipelines/*.sh")
        #expect(r.status == 0, "shellcheck (installed by .ci/run) reported:\n\(r.stdoutText)\(r.stderrText)")
        #expect(r.stdoutText.isEmpty)
        let listed = try ToolRunner.shell("ls pipelines/*.sh")
        #expect(Set(listed.stdoutLines.map { String($0.dropFirst("pipelines/".count)) }) == Set(Self.scripts))
    }

    @Test("every script answers --help with its usage and exits 0", arguments: runnable)
    func help(script: String) throws {
        let r = try ToolRunner.shell("pipelines/\(script) --help", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        #expect(r.stdoutText.hasPrefix("Usage: \(script)"))
        #expect(r.stdoutText.contains("Example"))
        #expect(!r.stdoutText.contains("# "), "comment markers leaked into the help")
        let strict = try ToolRunner.shell("head -n 60 pipelines/\(script) | grep -c '^set -euo pipefail$'")
        #expect(strict.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test("an unknown option is a usage error (64)", arguments: ["live.sh", "record.sh", "replay.sh", "demo.sh", "choose-window.sh", "shard.sh"])
    func unknownOption(script: String) throws {
        let r = try ToolRunner.shell("pipelines/\(script) --no-such-option x", environment: environment)
        #expect(r.status == 64)
        #expect(r.stderrText.contains("\(script): unknown"))
    }

    // MARK: record.sh

    @Test("record.sh splits the capture across midnight UTC into two daily files, losing and splitting nothing")
    func recordRotationAtMidnight() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-record")
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = Self.capturePaths()
        let r = try ToolRunner.shell(
            "pipelines/record.sh --data-dir '\(dir.path)' --from '\(paths[0])' --from '\(paths[1])'",
            environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        let trades = dir.appendingPathComponent("trades")
        // `.lock` is the recorder's lock file (one recorder per folder), not a recording.
        let names = try FileManager.default.contentsOfDirectory(atPath: trades.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == ["BTCUSDT-2024-08-08.ndjson", "BTCUSDT-2024-08-09.ndjson"])
        guard names.count == 2 else { return }

        let expected = try Self.capturedTradePayloads()
        #expect(expected.count == 19_904)
        var concatenated = Data()
        var total = 0
        for (name, day) in zip(names, ["2024-08-08", "2024-08-09"]) {
            let data = try Data(contentsOf: trades.appendingPathComponent(name))
            concatenated.append(data)
            #expect(data.last == UInt8(ascii: "\n"), "\(name) ends in a split line")
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            total += lines.count
            let dayStart = Int64(day == "2024-08-08" ? 1_723_075_200_000 : 1_723_161_600_000)
            for line in lines {
                #expect(line.hasPrefix("{\"e\":\"trade\"") && line.hasSuffix("}"), "split or foreign line in \(name): \(line.prefix(80))")
                let t = Self.integerField("T", in: line) ?? -1
                #expect(t >= dayStart && t < dayStart + 86_400_000, "trade at \(t) filed under \(day)")
            }
        }
        #expect(total == 19_904)
        let reference = Data((expected.joined(separator: "\n") + "\n").utf8)
        #expect(concatenated == reference, "the two files together are not the captured payloads, byte for byte")
    }

    @Test("record.sh --compress zstd and gzip: closed days archived, content identical", arguments: ["zstd", "gzip"])
    func recordCompressed(method: String) throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-record-\(method)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = Self.capturePaths()
        let ext = method == "zstd" ? "zst" : "gz"
        // Fed through stdin in two parts, as two runs of the recorder would see them.
        let r = try ToolRunner.shell("""
            set -e
            zcat '\(paths[0])' | pipelines/record.sh --data-dir '\(dir.path)' --compress \(method) --close-after 1m --from -
            zcat '\(paths[1])' | pipelines/record.sh --data-dir '\(dir.path)' --compress \(method) --close-after 1m --from -
            ls '\(dir.path)/trades'
            for f in '\(dir.path)'/trades/*.\(ext); do \(method == "zstd" ? "zstd -qdc" : "gzip -dc") "$f"; done > '\(dir.path)/all.ndjson'
            """, environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        #expect(r.stdoutLines == ["BTCUSDT-2024-08-08.ndjson.\(ext)", "BTCUSDT-2024-08-09.ndjson.\(ext)"])
        let all = try Data(contentsOf: dir.appendingPathComponent("all.ndjson"))
        let expected = try Self.capturedTradePayloads()
        #expect(all == Data((expected.joined(separator: "\n") + "\n").utf8))
    }

    // MARK: replay.sh

    @Test("replay.sh --window 10s on the real captures gives every 10 s window once, all trades counted")
    func replayTenSecondWindows() throws {
        let paths = Self.capturePaths()
        let r = try ToolRunner.shell("pipelines/replay.sh --window 10s '\(paths[0])' '\(paths[1])'", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        let lines = r.stdoutLines
        try #require(lines.count > 1)
        #expect(lines[0] == Substring(Self.resultHeader))
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        for row in rows { #expect(row.count == 14, "row with \(row.count) fields") }

        let payloads = try Self.capturedTradePayloads()
        let times = payloads.compactMap { Self.integerField("T", in: $0) }
        let first = times.min()! / 10_000 * 10_000, last = times.max()! / 10_000 * 10_000
        #expect(rows.count == Int((last - first) / 10_000) + 1, "one row per 10 s window from first to last trade")
        #expect(rows.reduce(0) { $0 + (Int($1[1]) ?? 0) } == 19_904)
        #expect(Set(rows.map { $0[8] }) == ["BTCUSDT"])
        #expect(rows.first?[0] == Substring(isoTime(first)))
        #expect(rows.last?[9] == Substring(isoTime(last + 10_000)))
        // Only the partial first and last windows are incomplete.
        #expect(rows.dropFirst().dropLast().allSatisfy { $0[10] == "true" })
    }

    @Test("the README's quick start, replay.sh --window 10s on the two captures, scores every one of its 66 rows")
    func replayQuickStartScoresEveryRow() throws {
        let readme = try String(contentsOf: ToolRunner.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let command = "pipelines/replay.sh --window 10s ../shared/data/hftbacktest_spot_btcusdt_2024080{8,9}.gz"
        #expect(readme.contains(command), "the README's quick-start command changed; update this test")
        let r = try ToolRunner.shell(command, environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        let rows = r.stdoutLines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 66)
        let scored = rows.filter { $0.count == 14 && !$0[6].isEmpty && ($0[7] == "1" || $0[7] == "-1") }
        #expect(scored.count == rows.count, "\(scored.count) of \(rows.count) rows scored")
        #expect(scored.contains { $0[7] == "-1" } && scored.contains { $0[7] == "1" })
    }

    @Test("replay.sh reads a recording as well as a capture, with --batch scores on every row")
    func replayRecordingBatch() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-replay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = Self.capturePaths()
        let r = try ToolRunner.shell("""
            set -e
            pipelines/record.sh --data-dir '\(dir.path)' --compress zstd --from '\(paths[0])' --from '\(paths[1])' 2>/dev/null
            pipelines/replay.sh --window 1s --batch --output '\(dir.path)/out.csv' '\(dir.path)'/trades/*.zst
            pipelines/replay.sh --window 1s --batch '\(paths[0])' '\(paths[1])' > '\(dir.path)/direct.csv'
            """, environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        let out = try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
        let direct = try String(contentsOf: dir.appendingPathComponent("direct.csv"), encoding: .utf8)
        #expect(out == direct, "a recording replays exactly like the capture it was made from")
        let rows = out.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count > 600)
        #expect(rows.allSatisfy { $0.count == 14 && !$0[6].isEmpty && ($0[7] == "1" || $0[7] == "-1") })
    }

    @Test("replay.sh on a Binance public-data zip gives the same CSV as on the capture it was made from")
    func replayPublicDataZip() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-zip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = Self.capturePaths()
        // The captured trades written as Binance's public-data trades dump (no header, ms times).
        let r = try ToolRunner.shell("""
            set -e
            python3 - '\(dir.path)' '\(paths[0])' '\(paths[1])' <<'EOF'
            import gzip, json, sys, zipfile
            out, files = sys.argv[1], sys.argv[2:]
            rows = []
            for f in files:
                for line in gzip.open(f, "rt"):
                    _, _, text = line.partition(" ")
                    if text.startswith('{"stream":"btcusdt@trade"'):
                        d = json.loads(text)["data"]
                        rows.append(f"{d['t']},{d['p']},{d['q']},{float(d['p']) * float(d['q']):.8f},{d['T']},{d['m']},True")
            with zipfile.ZipFile(out + "/BTCUSDT-trades-2024-08-09.zip", "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("BTCUSDT-trades-2024-08-09.csv", "\\n".join(rows) + "\\n")
            EOF
            pipelines/replay.sh --window 10s --batch '\(dir.path)/BTCUSDT-trades-2024-08-09.zip' > '\(dir.path)/zip.csv'
            pipelines/replay.sh --window 10s --batch '\(paths[0])' '\(paths[1])' > '\(dir.path)/capture.csv'
            """, environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        let zip = try String(contentsOf: dir.appendingPathComponent("zip.csv"), encoding: .utf8)
        let capture = try String(contentsOf: dir.appendingPathComponent("capture.csv"), encoding: .utf8)
        #expect(zip.split(separator: "\n").count > 60)
        #expect(zip == capture)
    }

    // MARK: demo.sh and choose-window.sh

    @Test("demo.sh runs offline end to end: synthetic data, summary, HTML report")
    func demo() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-demo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ToolRunner.shell("pipelines/demo.sh --out '\(dir.path)' --hours 4 --seed 3", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        #expect(r.stdoutText.contains("SYNTHETIC"))
        #expect(r.stdoutText.contains("HTML report: \(dir.path)/report.html"))
        let csv = try String(contentsOf: dir.appendingPathComponent("window_results.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == Substring(Self.resultHeader))
        // 4 simulated hours are 720 windows of 20 s (a silent stretch at either end may trim a few).
        #expect((700...721).contains(lines.count - 1), "\(lines.count - 1) windows for 4 simulated hours")
        #expect(lines.dropFirst().contains { $0.split(separator: ",", omittingEmptySubsequences: false)[7] == "-1" })
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg"))
        let labels = try Data(contentsOf: dir.appendingPathComponent("labels.json"))
        #expect((try? JSONSerialization.jsonObject(with: labels)) != nil, "labels.json is not JSON")
        let summary = try String(contentsOf: dir.appendingPathComponent("summary.txt"), encoding: .utf8)
        #expect(!summary.isEmpty && r.stdoutText.contains(summary.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("choose-window.sh on the original's trade_rate.csv prints the CV table for 1–60 s")
    func chooseWindowTradeRate() throws {
        let file = ToolRunner.sharedData.appendingPathComponent("seed-run/trade_rate.csv").path
        let r = try ToolRunner.shell("pipelines/choose-window.sh '\(file)'", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        for size in ["1s", "5s", "10s", "20s", "30s", "1m"] {
            #expect(r.stdoutText.contains(size), "no row for \(size)")
        }
        // The same through --json, compared with the direct bnc-stats call.
        let viaScript = try ToolRunner.shell("pipelines/choose-window.sh --json '\(file)'", environment: environment)
        let direct = try ToolRunner.shell("bnc-stats cv --json '\(file)'")
        #expect(viaScript.status == 0 && direct.status == 0)
        #expect(viaScript.stdout == direct.stdout)
    }

    @Test("choose-window.sh recommends 20 s on the original's trade_rate.csv, the size the original chose, and says why")
    func chooseWindowRecommendsTheOriginalsChoice() throws {
        let file = ToolRunner.sharedData.appendingPathComponent("seed-run/trade_rate.csv").path
        let r = try ToolRunner.shell("pipelines/choose-window.sh '\(file)'", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        #expect(r.stdoutLines.last == "recommended window: 20s (trade-count CV 0.524 over 12 windows); rule: the shortest size whose trade-count CV is at most 0.6, among sizes with at least 10 whole windows")
    }

    @Test("choose-window.sh on the real captures goes through 1 s windows")
    func chooseWindowTrades() throws {
        let paths = Self.capturePaths()
        let r = try ToolRunner.shell("pipelines/choose-window.sh --json '\(paths[0])' '\(paths[1])'", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        let manual = try ToolRunner.shell(
            "for f in '\(paths[0])' '\(paths[1])'; do zcat \"$f\" | grep '@trade' | cut -d' ' -f2-; done | bnc-window --window 1s --quiet | bnc-stats cv --json -")
        #expect(manual.status == 0, "\(manual.stderrText)")
        #expect(r.stdout == manual.stdout)
    }

    // MARK: collector.sh and live.sh

    @Test("collector.sh start → status → stop → start → stop against a local WebSocket server: no torn row, one header")
    func collectorLifeCycle() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-collector")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let paths = Self.capturePaths()
        let marker = UUID().uuidString
        // Every step under `timeout` so a hang fails the test instead of stalling the suite.
        let script = """
            set -u
            d='\(dir.path)'; data='\(data)'
            python3 scripts/testing/pipeline_ws_server.py --port-file "$d/port" --rate 800 --drop-first-after 1500 '\(paths[0])' '\(paths[1])' >"$d/server.log" 2>&1 &
            server=$!
            # SIGKILL: the test runner may hand its children a mask that blocks SIGTERM.
            trap 'kill -KILL $server 2>/dev/null' EXIT
            for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
            port=$(cat "$d/port") || { echo "server did not start"; cat "$d/server.log"; exit 1; }
            c() { timeout 120 pipelines/collector.sh --data-dir "$data" "$@"; }
            rows() { cat "$data"/window_results_*.csv 2>/dev/null | wc -l; }
            wait_rows() { for _ in $(seq 600); do [ "$(rows)" -ge "$1" ] && return 0; sleep 0.1; done; echo "timed out waiting for $1 rows"; return 1; }
            opts=(--endpoint "ws://127.0.0.1:$port" --stream-opt --no-backfill --record --train-windows 4 --retrain-every 4 btcusdt)
            export BNC_TEST_MARK=\(marker)
            # Processes of this test's pipeline still alive: marked environment, and argv[0] a
            # pipeline tool or argv[1] the live script.
            leftovers() {
                local e p n=0 args
                for e in /proc/[0-9]*/environ; do
                    p=${e#/proc/}; p=${p%/environ}
                    grep -qs "BNC_TEST_MARK=$BNC_TEST_MARK" "$e" || continue
                    args=$(tr '\\0' '\\n' < "/proc/$p/cmdline" 2>/dev/null | head -n 2 | tr '\\n' ' ')
                    [[ $args =~ ^[^\\ ]*bnc-(stream|window|score)\\  || $args =~ ^[^\\ ]+\\ [^\\ ]*/live\\.sh\\  ]] && n=$((n + 1))
                done
                echo "$n"
            }
            echo "start1=$(c start "${opts[@]}" >/dev/null; echo $?)"
            echo "again=$(c start "${opts[@]}" 2>"$d/again.err" >/dev/null; echo $?)"
            wait_rows 9 || exit 1
            c status > "$d/status-running.txt"; echo "status1=$?"
            echo "stop1=$(c stop >/dev/null; echo $?)"
            c status > "$d/status-stopped.txt"; echo "status2=$?"
            cat "$data"/window_results_*.csv > "$d/first-run.csv"
            echo "left1=$(leftovers)"
            echo stale > "$data/collector.pid"
            echo "start2=$(c start "${opts[@]}" >/dev/null 2>"$d/start2.err"; echo $?)"
            wait_rows $(( $(wc -l < "$d/first-run.csv") + 6 )) || exit 1
            echo "stop2=$(c stop >/dev/null; echo $?)"
            echo "left2=$(leftovers)"
            c logs -n 200 > "$d/log.txt"; echo "logs=$?"
            """
        let r = try ToolRunner.shell(script, environment: environment)
        let out = r.stdoutText
        #expect(r.status == 0, "\(out)\n\(r.stderrText)")
        for expected in ["start1=0", "again=1", "status1=0", "stop1=0", "status2=1", "left1=0", "start2=0", "stop2=0", "left2=0", "logs=0"] {
            #expect(out.contains(expected + "\n"), "expected \(expected) in:\n\(out)\n\(r.stderrText)")
        }
        let again = (try? String(contentsOf: dir.appendingPathComponent("again.err"), encoding: .utf8)) ?? ""
        #expect(again.contains("already running"))
        let start2 = (try? String(contentsOf: dir.appendingPathComponent("start2.err"), encoding: .utf8)) ?? ""
        #expect(start2.contains("stale pid file"))
        let running = (try? String(contentsOf: dir.appendingPathComponent("status-running.txt"), encoding: .utf8)) ?? ""
        #expect(running.contains("running (pid"))
        #expect(running.contains("last window:  2024-08-0"), "status should show the last window time:\n\(running)")
        #expect(running.contains("rows today:   0"), "the capture's windows are from 2024, none from today")
        #expect(running.contains("reconnects:   1 this run"), "the server cut the first connection once:\n\(running)")
        let stopped = (try? String(contentsOf: dir.appendingPathComponent("status-stopped.txt"), encoding: .utf8)) ?? ""
        #expect(stopped.contains("not running"))
        #expect(!FileManager.default.fileExists(atPath: data + "/collector.pid"))

        // The results: one header per daily file, every row whole.
        let files = try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.hasPrefix("window_results_") }.sorted()
        #expect(!files.isEmpty)
        let firstRun = (try? String(contentsOf: dir.appendingPathComponent("first-run.csv"), encoding: .utf8)) ?? ""
        let firstRunRows = firstRun.split(separator: "\n").filter { !$0.hasPrefix("timestamp,") }.count
        var allRows: [[Substring]] = []
        for name in files {
            let content = try Data(contentsOf: URL(fileURLWithPath: data).appendingPathComponent(name))
            #expect(content.last == UInt8(ascii: "\n"), "\(name) ends in a torn row")
            let lines = String(decoding: content, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.first == Substring(Self.resultHeader))
            #expect(lines.filter { $0.hasPrefix("timestamp,") }.count == 1, "\(name): header repeated after the restart")
            for line in lines.dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                #expect(fields.count == 14, "\(name): torn row \(line)")
                allRows.append(fields)
            }
        }
        #expect(files.allSatisfy { $0.range(of: #"^window_results_\d{4}-\d{2}-\d{2}\.csv$"#, options: .regularExpression) != nil })
        // --record kept the raw trades: whole lines, trade ids strictly increasing across the restart.
        let recorded = try FileManager.default.contentsOfDirectory(atPath: data + "/trades").filter { !$0.hasPrefix(".") }.sorted()
        #expect(recorded.first == "BTCUSDT-2024-08-08.ndjson")
        var lastID: Int64 = 0, recordedLines = 0
        for name in recorded {
            let content = try Data(contentsOf: URL(fileURLWithPath: data + "/trades/" + name))
            #expect(content.last == UInt8(ascii: "\n"))
            for line in String(decoding: content, as: UTF8.self).split(separator: "\n") {
                let id = Self.integerField("t", in: line) ?? -1
                #expect(id > lastID && line.hasPrefix("{") && line.hasSuffix("}"), "bad or repeated line: \(line.prefix(100))")
                lastID = id
                recordedLines += 1
            }
        }
        #expect(recordedLines > 3000)

        // The model trained in the first run was saved and loaded by the second: its first row is scored at once.
        #expect(FileManager.default.fileExists(atPath: data + "/model-BTCUSDT-20s.bncmodel"))
        // Rows only ever append and time only moves on, so the second run's rows follow the first run's.
        try #require(allRows.count > firstRunRows && firstRunRows > 0)
        #expect(!allRows[firstRunRows][6].isEmpty, "the restarted collector should score its first window with the saved model")
    }
}

private func isoTime(_ ms: Int64) -> String {
    let date = Date(timeIntervalSince1970: Double(ms) / 1000)
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: date)
}
