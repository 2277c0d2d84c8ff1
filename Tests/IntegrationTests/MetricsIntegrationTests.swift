import Foundation
import Testing
import TestSupport

/// The metrics files of a live run against the real outside world: Debian's node_exporter serves
/// them over HTTP through its textfile collector, promtool accepts them, and `collector.sh status`
/// reads them to tell never-connected, healthy and disconnected apart (issue 12). The live feed is
/// the local WebSocket peer (scripts/testing/pipeline_ws_server.py) serving a real capture.
@Suite("metrics: node_exporter, promtool, collector.sh status", .integration, .serialized)
struct MetricsIntegrationTests {
    var environment: [String: String] { ["BNC_BIN": ToolRunner.productsDirectory.path] }
    static let capture = ToolRunner.sharedData.appendingPathComponent("hftbacktest_spot_btcusdt_20240808.gz").path

    /// Shell helpers every script here uses: a free loopback port, and the collector under `timeout`.
    static let helpers = #"""
        free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
        c() { timeout 120 pipelines/collector.sh --data-dir "$data" "$@"; }
        wait_port() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "server did not start"; return 1; }
        """#

    /// The value of the sample line starting with `prefix` (name and labels).
    static func value(_ prefix: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.map { String($0.dropFirst(prefix.count + 1)) }
    }

    /// The value of a `name=value` line the test script printed.
    static func field(_ name: String, in out: String) -> String? {
        out.split(separator: "\n").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    static func read(_ dir: URL, _ name: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    @Test("node_exporter's textfile collector serves a live run's metrics with the right values; promtool accepts every file")
    func nodeExporterScrape() throws {
        let dir = try ToolRunner.temporaryDirectory("metrics-node-exporter")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Self.helpers + "\n" + """
            set -u
            d='\(dir.path)'; data="$d/data"; capture='\(Self.capture)'
            server=""; node=""
            # SIGKILL: the test runner may hand its children a mask that blocks SIGTERM.
            trap 'kill -KILL $server $node 2>/dev/null; c stop >/dev/null 2>&1' EXIT
            # The trades the server will serve, counted here without the tools.
            served=$(gzip -dc "$capture" | grep -c '"stream":"btcusdt@trade"')
            echo "served=$served"
            python3 scripts/testing/pipeline_ws_server.py --port-file "$d/port" --rate 2000 "$capture" >"$d/server.log" 2>&1 &
            server=$!
            mkdir -p "$data/metrics"
            http=$(free_port)
            prometheus-node-exporter --collector.disable-defaults --collector.textfile \\
                --collector.textfile.directory="$data/metrics" --web.listen-address="127.0.0.1:$http" >"$d/node.log" 2>&1 &
            node=$!
            scrape() { curl -sf --max-time 5 "http://127.0.0.1:$http/metrics"; }
            for _ in $(seq 100); do scrape >/dev/null && break; sleep 0.1; done
            wait_port "$d/port" || exit 1
            port=$(cat "$d/port")
            c start --endpoint "ws://127.0.0.1:$port" --window 5s --metrics-interval 500ms --stream-opt --no-backfill \\
                --train-windows 20 btcusdt >/dev/null
            echo "start=$?"
            # Scrape while it runs, until every served trade shows (then the feed idles, connected).
            for _ in $(seq 600); do
                scrape >"$d/during.txt" 2>/dev/null
                grep -q "^bnc_stream_trades_total{symbol=\\"BTCUSDT\\"} $served\\$" "$d/during.txt" && break
                sleep 0.1
            done
            c status >"$d/status.txt"; echo "status=$?"
            c stop >/dev/null; echo "stop=$?"
            scrape >"$d/after.txt"; echo "scrape=$?"
            for f in bnc-stream bnc-window bnc-score; do
                promtool check metrics <"$data/metrics/$f.prom" >"$d/promtool-$f.txt" 2>&1; echo "promtool-$f=$?"
            done
            echo "rows=$(cat "$data"/window_results_*.csv | grep -vc '^timestamp,')"
            """
        let r = try ToolRunner.shell(script, environment: environment)
        let out = r.stdoutText
        let served = try #require(Self.field("served", in: out).flatMap { Int($0) })
        #expect(served == 9757)
        for expected in ["start=0", "status=0", "stop=0", "scrape=0", "promtool-bnc-stream=0", "promtool-bnc-window=0", "promtool-bnc-score=0"] {
            #expect(out.contains(expected + "\n"), "expected \(expected) in:\n\(out)\n\(r.stderrText)\n\(Self.read(dir, "data/collector.log"))")
        }
        for name in ["bnc-stream", "bnc-window", "bnc-score"] {
            #expect(Self.read(dir, "promtool-\(name).txt").isEmpty, "promtool on \(name).prom:\n\(Self.read(dir, "promtool-\(name).txt"))")
        }
        let during = Self.read(dir, "during.txt")
        let after = Self.read(dir, "after.txt")
        let rows = try #require(Self.field("rows", in: out))
        // While running: connected, every served trade counted once, none lost.
        #expect(Self.value(#"bnc_stream_trades_total{symbol="BTCUSDT"}"#, in: during) == "\(served)", "\(during)")
        #expect(Self.value("bnc_stream_connected", in: during) == "1")
        #expect(Self.value("bnc_stream_reconnects_total", in: during) == "0")
        #expect(Self.value(#"bnc_stream_unrecovered_trades_total{symbol="BTCUSDT"}"#, in: during) == "0")
        #expect(Self.value("bnc_stream_lag_seconds_count", in: during) == "\(served)")
        // node_exporter writes floats its own way (1.723161601271e+09): compared as numbers.
        #expect(Self.value(#"bnc_stream_last_trade_timestamp_seconds{symbol="BTCUSDT"}"#, in: during).flatMap(Double.init) == 1723161601.271,
                "the capture's last trade time T")
        // node_exporter read the folder without complaint.
        #expect(Self.value("node_textfile_scrape_error", in: after) == "0", "\(Self.read(dir, "node.log"))")
        // After the stop: the final values, every trade windowed and every row scored.
        #expect(Self.value("bnc_stream_connected", in: after) == "0")
        #expect(Self.value(#"bnc_window_trades_total{symbol="BTCUSDT"}"#, in: after) == "\(served)")
        #expect(Self.value(#"bnc_window_rows_total{symbol="BTCUSDT"}"#, in: after) == rows)
        #expect(Self.value(#"bnc_score_rows_total{symbol="BTCUSDT"}"#, in: after) == rows)
        #expect(Self.value(#"bnc_window_missing_trades_total{symbol="BTCUSDT"}"#, in: after) == "0")
        #expect(Self.value("bnc_window_window_seconds", in: after) == "5")
        #expect(Self.value(#"bnc_score_model_version{symbol="BTCUSDT"}"#, in: after).map { Int($0) ?? 0 } ?? 0 >= 1)
        #expect(Self.value(#"bnc_score_warmup_windows{symbol="BTCUSDT"}"#, in: after) == "0")
        let status = Self.read(dir, "status.txt")
        #expect(status.contains("connection:   connected since"), "\(status)")
        #expect(status.contains("health:       ok"), "\(status)")
    }

    @Test("collector.sh status: never connected (refused), healthy, then disconnected (the server goes away): exit 2, 0, 2; stopped: 1")
    func statusStates() throws {
        let dir = try ToolRunner.temporaryDirectory("metrics-status")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Self.helpers + "\n" + """
            set -u
            d='\(dir.path)'; data="$d/data"; capture='\(Self.capture)'
            server=""
            trap 'kill -KILL $server 2>/dev/null; c stop >/dev/null 2>&1' EXIT
            # Polls `c status` until its exit status is $1 and its output holds $4 (if given), at most
            # $2 seconds; keeps the last output in $3.
            status_until() {
                local want=$1 seconds=$2 out=$3 text=${4:-} got
                for _ in $(seq $((seconds * 5))); do
                    c status >"$out"; got=$?
                    [ "$got" = "$want" ] && grep -qF -- "$text" "$out" && { echo "$got"; return; }
                    sleep 0.2
                done
                echo "$got"
            }
            opts=(--window 1s --metrics-interval 300ms --stream-opt --no-backfill --stream-opt --backoff-max --stream-opt 1s --train-windows 5)

            # 1. Nothing listens on the port: connection refused, again and again.
            refused=$(free_port)
            c start "${opts[@]}" --endpoint "ws://127.0.0.1:$refused" btcusdt >/dev/null; echo "start1=$?"
            c status >"$d/early.txt"; echo "early=$?"
            echo "never=$(status_until 2 20 "$d/never.txt" "never connected in")"
            c stop >/dev/null; echo "stop1=$?"
            c status >"$d/stopped.txt"; echo "stopped=$?"
            rows=$(cat "$data"/window_results_*.csv 2>/dev/null | wc -l); echo "rows-refused=$rows"

            # 2. A server that serves trades: healthy.
            python3 scripts/testing/pipeline_ws_server.py --port-file "$d/port" --rate 100 "$capture" >"$d/server.log" 2>&1 &
            server=$!
            wait_port "$d/port" || exit 1
            c start "${opts[@]}" --endpoint "ws://127.0.0.1:$(cat "$d/port")" btcusdt >/dev/null; echo "start2=$?"
            echo "healthy=$(status_until 0 30 "$d/healthy.txt")"
            # Rows keep coming: still healthy a few windows later.
            sleep 4
            c status >"$d/healthy2.txt"; echo "healthy2=$?"

            # 3. The server goes away (killed: its connections close, new ones are refused).
            kill -KILL "$server"; server=""
            # Rows stop at once; the disconnection itself is unhealthy three windows after it began.
            echo "gone=$(status_until 2 30 "$d/gone.txt" "disconnected for")"
            c stop >/dev/null; echo "stop2=$?"
            """
        let r = try ToolRunner.shell(script, environment: environment)
        let out = r.stdoutText
        let log = Self.read(dir, "data/collector.log")
        for expected in ["start1=0", "early=0", "never=2", "stop1=0", "stopped=1", "rows-refused=0",
                         "start2=0", "healthy=0", "healthy2=0", "gone=2", "stop2=0"] {
            #expect(out.contains(expected + "\n"), "expected \(expected) in:\n\(out)\n\(r.stderrText)\n\(log)")
        }
        let early = Self.read(dir, "early.txt")
        #expect(early.contains("never connected") && early.contains("health:       ok"),
                "within three windows of the start a missing connection is not yet a failure:\n\(early)")
        let never = Self.read(dir, "never.txt")
        #expect(never.contains("connection:   never connected"), "\(never)")
        #expect(never.contains("last error: connect failed"), "\(never)")
        #expect(never.contains("health:       UNHEALTHY: never connected"), "\(never)")
        #expect(never.contains("last window:  none this run"), "\(never)")
        #expect(Self.read(dir, "stopped.txt").hasPrefix("state:        not running"))

        for name in ["healthy.txt", "healthy2.txt"] {
            let healthy = Self.read(dir, name)
            #expect(healthy.contains("connection:   connected since"), "\(healthy)")
            #expect(healthy.contains("reconnects:   0 this run"), "\(healthy)")
            #expect(healthy.contains("last window:  2024-08-0"), "\(healthy)")
            #expect(healthy.contains("lag p50"), "\(healthy)")
            #expect(healthy.contains("health:       ok"), "\(healthy)")
            #expect(!healthy.contains("trades:       0 in the last minute"), "\(healthy)")
        }
        #expect(Self.read(dir, "healthy2.txt").contains("model:        BTCUSDT model v") || Self.read(dir, "healthy2.txt").contains("warm-up"))

        let gone = Self.read(dir, "gone.txt")
        #expect(gone.contains("connection:   disconnected since"), "\(gone)")
        #expect(gone.contains("last error:"), "\(gone)")
        #expect(gone.contains("health:       UNHEALTHY: disconnected for"), "\(gone)")
    }

    @Test("pipelines/bnc-collector.service passes systemd-analyze verify; restart, stop signal and data folder as documented",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "no systemd-analyze here"))
    func systemdUnit() throws {
        let dir = try ToolRunner.temporaryDirectory("metrics-systemd")
        defer { try? FileManager.default.removeItem(at: dir) }
        let unit = try String(contentsOf: ToolRunner.packageRoot.appendingPathComponent("pipelines/bnc-collector.service"), encoding: .utf8)
        let directives = Set(unit.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init))
        for line in ["Restart=on-failure", "KillSignal=SIGTERM", "KillMode=mixed", "TimeoutStopSec=90s", "StateDirectory=bnc",
                     "ExecStart=/opt/bnc/pipelines/live.sh --data-dir /var/lib/bnc btcusdt"] {
            #expect(directives.contains(line), "the unit should say \(line)")
        }
        // The unit names /opt/bnc; verified with this checkout in its place (verify checks that
        // ExecStart exists and is executable). A bad directive is only a warning on stderr.
        let local = unit.replacingOccurrences(of: "/opt/bnc", with: ToolRunner.packageRoot.path)
        let path = dir.appendingPathComponent("bnc-collector.service")
        try local.write(to: path, atomically: true, encoding: .utf8)
        let r = try ToolRunner.shell("systemd-analyze verify '\(path.path)'")
        #expect(r.status == 0, "\(r.stderrText)")
        #expect(r.stderrText.isEmpty, "systemd-analyze verify warned:\n\(r.stderrText)")
        // verify does see mistakes (so the check above can fail).
        try local.replacingOccurrences(of: "KillMode=mixed", with: "KillMode=mixd").write(to: path, atomically: true, encoding: .utf8)
        let broken = try ToolRunner.shell("systemd-analyze verify '\(path.path)'")
        #expect(broken.stderrText.contains("mixd"))
    }
}
