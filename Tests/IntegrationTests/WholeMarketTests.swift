import Foundation
import Testing
import TestSupport

/// Issue 15, the whole market live: `bnc-stream live --quote USDT` against
/// scripts/testing/market_server.py (2,000 symbols at skewed rates, Binance's connection, stream,
/// message-rate and REST-weight limits enforced and recorded), with one connection cut mid-run.
/// scripts/testing/market_check.py compares the ids the server sent with the lines written.
@Suite("whole market: 2,000 symbols over two connections", .integration, .serialized)
struct WholeMarketTests {
    /// Starts the server with `serverOptions`, runs `commands` (with `$ws`, `$rest`, `$d`), stops
    /// the server. The stats file is rewritten every second, so it is read after a pause.
    static func withServer(_ serverOptions: String, in dir: URL, _ commands: String) throws -> ToolRunner.Result {
        let shell = """
            set -u
            d='\(dir.path)'
            python3 scripts/testing/market_server.py --port-file "$d/port" --stats "$d/stats.json" \(serverOptions) >"$d/server.log" 2>&1 &
            server=$!
            trap 'kill -KILL $server 2>/dev/null' EXIT
            for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
            read -r ws rest < "$d/port" || { echo "server did not start"; cat "$d/server.log"; exit 1; }
            \(commands)
            kill -KILL "$server"
            wait
            """
        return try ToolRunner.shell(shell, environment: ["BNC_BIN": ToolRunner.productsDirectory.path])
    }

    @Test("every id served arrives exactly once and in order per symbol; a cut connection recovers with backfill; no limit exceeded")
    func wholeMarketWithADroppedConnection() throws {
        let dir = try ToolRunner.temporaryDirectory("whole-market")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Trading stops at 22 s, so the last trades are delivered before the stop at 27 s; the
        // second connection opened (number 1) is cut 10 s in.
        let r = try Self.withServer("--symbols 2000 --drop 1:10 --trade-seconds 22", in: dir, """
            "$BNC_BIN/bnc-stream" live --quote USDT --endpoint "ws://127.0.0.1:$ws" --rest-endpoint "http://127.0.0.1:$rest" \
                --metrics-file "$d/stream.prom" >"$d/out.ndjson" 2>"$d/stream.log" &
            stream=$!
            sleep 27
            kill -TERM "$stream"
            wait "$stream"; echo "stream exit $?"
            sleep 1.5
            python3 scripts/testing/market_check.py "$d/stats.json" "$d/out.ndjson" >"$d/check.json"; echo "check exit $?"
            """)
        let log = (try? String(contentsOf: dir.appendingPathComponent("stream.log"), encoding: .utf8)) ?? ""
        let serverLog = (try? String(contentsOf: dir.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
        #expect(r.stdoutText.contains("stream exit 0"), "\(r.stdoutText)\(r.stderrText)\n\(log)")
        let data = try Data(contentsOf: dir.appendingPathComponent("check.json"))
        let check = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(r.stdoutText)")
        func int(_ key: String) -> Int { (check[key] as? Int) ?? -1 }
        #expect(int("lost") == 0, "served ids missing from the output: \(check)")
        #expect(int("duplicates") == 0 && int("out_of_order") == 0 && int("holes") == 0, "\(check)")
        #expect((check["violations"] as? [Any])?.isEmpty == true, "limits exceeded: \(check["violations"] ?? "")\n\(serverLog)")
        #expect(int("served") > 3000, "the market traded: \(check)")
        #expect(int("symbols_written") > 1000, "thin symbols too: \(check)")
        #expect(int("backfilled") > 0, "the cut connection's gap came over REST: \(check)")
        #expect(int("heartbeats") > 0)
        // Two connections of 1,000 streams each (249 in the URL, the rest by paced SUBSCRIBE), the cut one reopened.
        #expect(int("connections_opened") == 3, "\(check)\n\(log)")
        #expect(int("max_streams_per_connection") == 1000)
        #expect(log.contains("exchangeInfo: 2000 symbols TRADING with quote asset USDT"), "\(log)")
        #expect(log.contains("2 connections for 2000 symbols"), "\(log)")
        #expect(log.contains("subscribed 751 more streams in 4 SUBSCRIBE messages"), "\(log)")
        #expect(log.contains("/2 #2: connected to"), "the cut connection reconnected:\n\(log)")
        // The metrics file: one set of values over both connections, both up at the end.
        let metrics = (try? String(contentsOf: dir.appendingPathComponent("stream.prom"), encoding: .utf8)) ?? ""
        #expect(metrics.contains("bnc_stream_connections_total 3"), "\(metrics)")
        #expect(metrics.contains("bnc_stream_reconnects_total 1"), "\(metrics)")
        #expect(metrics.contains(#"bnc_stream_trades_total{symbol="M1999USDT"}"#))
    }

    @Test("the test server refuses what Binance refuses: 1,025 streams, a sixth message in a second, weight past the limit")
    func serverEnforcesTheLimits() throws {
        let dir = try ToolRunner.temporaryDirectory("market-limits")
        defer { try? FileManager.default.removeItem(at: dir) }
        let probe = #"""
            import asyncio, json, sys, urllib.request, urllib.error
            from websockets.asyncio.client import connect
            ws, rest = sys.argv[1], sys.argv[2]
            async def main():
                streams = "/".join(f"m{i:04d}usdt@trade" for i in range(1025))
                try:
                    async with connect(f"ws://127.0.0.1:{ws}/stream?streams=" + streams, max_size=None):
                        print("1025 accepted")
                except Exception as e:
                    print("1025 refused", type(e).__name__)
                # Within the URL limit, then SUBSCRIBE (paced) past 1,024 streams.
                async with connect(f"ws://127.0.0.1:{ws}/stream?streams=" + "/".join(f"m{i:04d}usdt@trade" for i in range(200))) as c:
                    try:
                        for k in range(1, 6):
                            await c.send(json.dumps({"method": "SUBSCRIBE", "params": [f"x{k}y{i}usdt@trade" for i in range(200)], "id": k}))
                            await asyncio.sleep(0.3)
                        while True:  # trades, answers, then the close
                            await asyncio.wait_for(c.recv(), 2)
                    except Exception as e:
                        print("1200 closed", type(e).__name__)
                async with connect(f"ws://127.0.0.1:{ws}/stream?streams=m0000usdt@trade") as c:
                    try:
                        for i in range(6):
                            await c.send(json.dumps({"method": "SUBSCRIBE", "params": [f"m{i + 1:04d}usdt@trade"], "id": i}))
                        for _ in range(50):
                            await asyncio.wait_for(c.recv(), 2)
                        print("6 messages accepted")
                    except Exception as e:
                        print("6 messages closed", type(e).__name__)
            asyncio.run(main())
            codes = []
            for _ in range(4):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{rest}/api/v3/historicalTrades?symbol=M0000USDT&fromId=1000000&limit=10")
                    codes.append(200)
                except urllib.error.HTTPError as e:
                    codes.append(e.code)
            print("weight", codes)
            """#
        try probe.write(to: dir.appendingPathComponent("probe.py"), atomically: true, encoding: .utf8)
        let r = try Self.withServer("--symbols 50 --weight-limit 60", in: dir, """
            python3 "$d/probe.py" "$ws" "$rest"
            sleep 1.2
            python3 -c 'import json,sys; print("violations", len(json.load(open(sys.argv[1]))["violations"]))' "$d/stats.json"
            """)
        // A URL of 1,025 streams is past the request-line limit (Binance's is about 8,000 characters).
        #expect(r.stdoutText.contains("1025 refused"), "\(r.stdoutText)\(r.stderrText)")
        #expect(r.stdoutText.contains("1200 closed ConnectionClosed"), "\(r.stdoutText)\(r.stderrText)")
        #expect(r.stdoutText.contains("6 messages closed"), "\(r.stdoutText)\(r.stderrText)")
        #expect(r.stdoutText.contains("weight [200, 200, 429, 429]"), "\(r.stdoutText)\(r.stderrText)")
        #expect(r.stdoutText.contains("violations 4"), "\(r.stdoutText)\(r.stderrText)")
    }
}
