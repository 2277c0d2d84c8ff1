import Foundation
import Testing
import TestSupport

/// Issue 12, bounded detection latency, through the real tools against a real-time local market
/// (scripts/testing/realtime_market_server.py: Python `websockets` peer, trades stamped with the
/// wall clock, REST backfill). Arrival times are taken by polling the output every 20 ms
/// (bench/row_latency.py watch for the CSV; a timestamping loop for window rows).
///
/// The bound asserted is the feature itself, `lateness + 2 s` after the window's end (3 s with
/// the 1 s lateness used here); the design's own figure is about 1.5 s (heartbeats every 0.5 s,
/// a ping after 0.5 s of quiet), so the margin is about 1.5 s of scheduling noise on a loaded
/// machine. The silence lasts 20 s here (bench/latency.sh plays 40 s): four 5 s windows with no
/// trade at all, enough to show they are written during the silence, not when it ends.
@Suite("detection latency: heartbeats through live.sh in real time", .integration, .serialized)
struct DetectionLatencyTests {
    static let windowMilliseconds: Int64 = 5_000
    static let boundMilliseconds: Int64 = 1_000 + 2_000

    struct Arrival {
        var at: Int64
        var symbol: String
        var end: Int64
        var tradeCount: Int
    }

    struct Phase {
        var name: String
        var start: Int64
        var end: Int64
    }

    /// Phases and connection times the server logged.
    static func events(_ path: URL) throws -> (phases: [Phase], connected: [Int64]) {
        var phases: [Phase] = [], connected: [Int64] = []
        for line in try String(contentsOf: path, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let name = object["phase"] as? String {
                phases.append(Phase(name: name, start: (object["start"] as! NSNumber).int64Value, end: (object["end"] as! NSNumber).int64Value))
            } else if let at = object["at"] as? NSNumber {
                connected.append(at.int64Value)
            }
        }
        return (phases, connected)
    }

    static func arrivals(_ path: URL) throws -> [Arrival] {
        let text = (try? String(contentsOf: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: " ")
            return Arrival(at: Int64(f[0])!, symbol: String(f[1]), end: Int64(f[2])!, tradeCount: Int(f[3])!)
        }
    }

    /// Starts the market (`symbols`, `script`) and runs `pipeline` (bash, with `$ws` and `$rest`
    /// the ports and `$d` the directory) for `seconds`, then SIGTERMs it (`$pipeline_pid`).
    static func run(symbols: String, script: String, seconds: Int, in dir: URL, pipeline: String) throws -> ToolRunner.Result {
        let shell = """
            set -u
            d='\(dir.path)'
            python3 scripts/testing/realtime_market_server.py --port-file "$d/port" --events "$d/events" \
                --symbols '\(symbols)' --script '\(script)' >"$d/server.log" 2>&1 &
            server=$!
            trap 'kill -KILL $server 2>/dev/null' EXIT
            for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
            read -r ws rest < "$d/port" || { echo "server did not start"; cat "$d/server.log"; exit 1; }
            \(pipeline)
            sleep \(seconds)
            kill -TERM "$pipeline_pid"
            for _ in $(seq 200); do kill -0 "$pipeline_pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pipeline_pid" 2>/dev/null && { echo "pipeline did not stop"; kill -KILL "$pipeline_pid"; }
            [ -n "${watcher:-}" ] && kill -TERM "$watcher" && wait "$watcher"
            kill -KILL "$server"
            wait
            exit 0
            """
        return try ToolRunner.shell(shell, environment: ["BNC_BIN": ToolRunner.productsDirectory.path])
    }

    /// live.sh with 5 s windows, 1 s lateness, against the market; the CSV watched.
    static func livePipeline(streamOptions: String = "") -> String { """
        mkdir -p "$d/data"
        python3 bench/row_latency.py watch "$d/data" "$d/arrivals" &
        watcher=$!
        pipelines/live.sh --data-dir "$d/data" --endpoint "ws://127.0.0.1:$ws" --stream-opt "--rest-endpoint=http://127.0.0.1:$rest" \(streamOptions) \
            --window 5s --lateness 1s --train-windows 4 --retrain-every 4 btcusdt thinusdt >"$d/live.log" 2>&1 &
        pipeline_pid=$!
        """
    }

    @Test("a market silent for 20 s: every row, the silent windows included, reaches the CSV within lateness + 2 s of its window's end")
    func silentMarketRowsAreOnTime() throws {
        let dir = try ToolRunner.temporaryDirectory("latency-silence")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.run(symbols: "BTCUSDT:20,THINUSDT:0.3", script: "active:14,silence:20,active:11", seconds: 48,
                             in: dir, pipeline: Self.livePipeline())
        let log = (try? String(contentsOf: dir.appendingPathComponent("live.log"), encoding: .utf8)) ?? ""
        #expect(r.status == 0, "\(r.stdoutText)\(r.stderrText)\n\(log)")
        let (phases, _) = try Self.events(dir.appendingPathComponent("events"))
        let silence = try #require(phases.first { $0.name == "silence" })
        let rows = try Self.arrivals(dir.appendingPathComponent("arrivals"))
        let firstEnd = Dictionary(rows.map { ($0.symbol, $0.end) }, uniquingKeysWith: min)
        // The first window of a symbol is partial; the last ones may be flushed by the stop.
        let stopAt = (rows.map(\.at).max() ?? 0) - 2_000
        let judged = rows.filter { $0.end != firstEnd[$0.symbol] && $0.end < stopAt }
        #expect(judged.count >= 12, "\(rows.count) rows")
        for row in judged {
            #expect(row.at - row.end <= Self.boundMilliseconds,
                    "\(row.symbol) window ending \(row.end) arrived \(row.at - row.end) ms after its end\n\(log)")
        }
        // The windows wholly inside the silence are written empty, during the silence, for both
        // symbols: not when trading resumes.
        for symbol in ["BTCUSDT", "THINUSDT"] {
            let silent = judged.filter { $0.symbol == symbol && $0.end - Self.windowMilliseconds >= silence.start && $0.end <= silence.end }
            #expect(silent.count >= 3, "\(symbol): \(silent.count) silent windows")
            #expect(silent.allSatisfy { $0.tradeCount == 0 })
            #expect(silent.filter { $0.end + 3_000 <= silence.end }.allSatisfy { $0.at < silence.end },
                    "\(symbol): a silent window's row waited for trading to resume")
        }
    }

    @Test("an endpoint that refuses connections: no row is written")
    func refusedEndpointWritesNoRow() throws {
        let dir = try ToolRunner.temporaryDirectory("latency-refused")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A port nobody listens on: bind one, then close it.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        close(probe)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let pipeline = """
            mkdir -p "$d/data"
            pipelines/live.sh --data-dir "$d/data" --endpoint "ws://127.0.0.1:\(port)" --stream-opt --backoff-max=1s \
                --window 1s --lateness 0s btcusdt >"$d/live.log" 2>&1 &
            pipeline_pid=$!
            """
        let r = try Self.run(symbols: "BTCUSDT:20", script: "", seconds: 8, in: dir, pipeline: pipeline)
        let log = (try? String(contentsOf: dir.appendingPathComponent("live.log"), encoding: .utf8)) ?? ""
        #expect(r.status == 0, "\(r.stdoutText)\(r.stderrText)")
        #expect(log.contains("connect failed") || log.contains("refused"), "\(log)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("data").path)) ?? []
        var rows = 0
        for name in files where name.hasPrefix("window_results_") {
            let text = try String(contentsOf: dir.appendingPathComponent("data").appendingPathComponent(name), encoding: .utf8)
            rows += text.split(separator: "\n").filter { !$0.hasPrefix("timestamp,") }.count
        }
        #expect(rows == 0, "\(files)")
    }

    @Test("a feed that is down for 8 s fabricates no window: the outage's rows wait for the reconnection and carry the backfilled trades; after it, a thin symbol's rows are on time again")
    func outageWaitsForBackfill() throws {
        let dir = try ToolRunner.temporaryDirectory("latency-drop")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Reconnect attempts at most 2 s apart, so the feed is back within the run.
        let r = try Self.run(symbols: "BTCUSDT:20,THINUSDT:0.3", script: "active:12,drop:8,active:14", seconds: 36,
                             in: dir, pipeline: Self.livePipeline(streamOptions: "--stream-opt --backoff-max=2s"))
        let log = (try? String(contentsOf: dir.appendingPathComponent("live.log"), encoding: .utf8)) ?? ""
        #expect(r.status == 0, "\(r.stdoutText)\(r.stderrText)\n\(log)")
        #expect(log.contains("backfilled") && log.contains("trades made while the feed was away"), "\(log)")
        let (phases, connected) = try Self.events(dir.appendingPathComponent("events"))
        let drop = try #require(phases.first { $0.name == "drop" })
        let back = try #require(connected.first { $0 >= drop.end })
        let all = try Self.arrivals(dir.appendingPathComponent("arrivals"))
        let rows = all.filter { $0.symbol == "BTCUSDT" }
        // Windows ending during the outage (after the cut, plus the lateness and the in-flight
        // margin) could only be closed by a fabricated clock.
        let outage = rows.filter { $0.end >= drop.start + 1_500 && $0.end < back }
        #expect(outage.count >= 1)
        for row in outage {
            #expect(row.at >= back, "window ending \(row.end) was written at \(row.at), before the feed was back at \(back)")
            #expect(row.tradeCount > 0, "window ending \(row.end) is empty: the outage was reported as a silence")
        }
        // Once the feed is back (and has caught every symbol up over REST), every row is on time
        // again, the thin symbol's included: it does not wait for its next trade.
        let stopAt = (all.map(\.at).max() ?? 0) - 2_000
        let after = all.filter { $0.end - Self.windowMilliseconds >= back + 1_000 && $0.end < stopAt }
        #expect(after.contains { $0.symbol == "THINUSDT" })
        for row in after {
            #expect(row.at - row.end <= Self.boundMilliseconds,
                    "\(row.symbol) window ending \(row.end) arrived \(row.at - row.end) ms after its end\n\(log)")
        }
    }

    @Test("a stall the feed cannot see (connected, pongs fine, no data), then backfilled: silent rows on time, the stalled trades as late_trades in a later row")
    func stallThenBackfill() throws {
        let dir = try ToolRunner.temporaryDirectory("latency-stall")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = """
            mkfifo "$d/trades"
            bnc-stream live --endpoint "ws://127.0.0.1:$ws" --rest-endpoint "http://127.0.0.1:$rest" btcusdt 2>"$d/stream.log" >"$d/trades" &
            pipeline_pid=$!
            tee "$d/trades.ndjson" <"$d/trades" | bnc-window --window 5s --lateness 1s --quiet \
                | while IFS= read -r line; do printf '%s %s\\n' "$(date +%s%3N)" "$line"; done > "$d/rows.txt" &
            """
        let r = try Self.run(symbols: "BTCUSDT:20", script: "active:12,stall:15,active:10", seconds: 40, in: dir, pipeline: pipeline)
        let streamLog = (try? String(contentsOf: dir.appendingPathComponent("stream.log"), encoding: .utf8)) ?? ""
        #expect(r.status == 0, "\(r.stdoutText)\(r.stderrText)\n\(streamLog)")
        #expect(streamLog.contains("gap: backfilled"), "\(streamLog)")
        #expect(streamLog.components(separatedBy: "connected to").count == 2, "one connection throughout:\n\(streamLog)")
        let (phases, _) = try Self.events(dir.appendingPathComponent("events"))
        let stall = try #require(phases.first { $0.name == "stall" })

        var rows: [(at: Int64, row: [String: Any])] = []
        for line in try String(contentsOf: dir.appendingPathComponent("rows.txt"), encoding: .utf8).split(separator: "\n") {
            let space = try #require(line.firstIndex(of: " "))
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line[line.index(after: space)...].utf8)) as? [String: Any])
            rows.append((Int64(line[..<space])!, row))
        }
        func int(_ row: [String: Any], _ key: String) -> Int64 { (row[key] as? NSNumber)?.int64Value ?? -1 }
        // Windows of the stall written during it (the feed believed the market silent): empty.
        // (Which windows those are depends on the clock estimate's margin, larger on a loaded
        // machine; with a 15 s stall at least one 5 s window closes before the stall ends.)
        let closedInStall = rows.filter { int($0.row, "start") >= stall.start && $0.at < stall.end }
        #expect(closedInStall.count >= 1, "no window of the stall was written during it")
        for (at, row) in closedInStall {
            #expect(int(row, "trade_count") == 0, "\(row)")
            #expect(at - int(row, "end") <= Self.boundMilliseconds)
        }
        // Their trades, backfilled when the stall ended, are late in a later row; nothing is
        // lost: every trade line is in a window or counted late.
        let late = rows.reduce(Int64(0)) { $0 + int($1.row, "late_trades") }
        #expect(late > 0)
        let lateRow = try #require(rows.first { int($0.row, "late_trades") > 0 })
        #expect(lateRow.at >= stall.end)
        #expect(int(lateRow.row, "start") >= (closedInStall.map { int($0.row, "end") }.max() ?? .max))
        let counted = rows.reduce(Int64(0)) { $0 + int($1.row, "trade_count") }
        let tradeLines = try String(contentsOf: dir.appendingPathComponent("trades.ndjson"), encoding: .utf8)
            .split(separator: "\n").filter { $0.contains("\"e\":\"trade\"") }.count
        #expect(counted + late == Int64(tradeLines))
        #expect(rows.allSatisfy { int($0.row, "missing_trades") == 0 })
    }
}
