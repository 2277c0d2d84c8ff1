#!/usr/bin/env python3
"""Row latency after window end, for bench/latency.sh (issue 12).

  row_latency.py watch DATA_DIR ARRIVALS
      Polls DATA_DIR/window_results_*.csv every 20 ms and appends one line per new row to
      ARRIVALS: `arrival_ms symbol window_end_ms trade_count` (arrival = the wall clock when the
      row was first seen in the file). Runs until SIGTERM.

  row_latency.py report ARRIVALS EVENTS --window-ms MS --lateness-ms MS
      Sorts the rows into cases by the phases of scripts/testing/realtime_market_server.py
      (EVENTS): a row whose window overlaps a silence is "silence", a drop (until the feed is
      connected again) "reconnect", a stall "stall"; every other row after the first (partial) window of its symbol is "active".
      Prints a Markdown table: rows, median, p99 and max of arrival − window end (seconds), and
      how many rows arrived within lateness + 2 s.
"""
import argparse
import glob
import json
import os
import signal
import sys
import time
from datetime import datetime, timezone


def iso_ms(text):
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() * 1000)


def watch(data_dir, arrivals):
    offsets = {}
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    with open(arrivals, "a") as out:
        while not stop["now"]:
            for path in sorted(glob.glob(os.path.join(data_dir, "window_results_*.csv"))):
                with open(path, "rb") as f:
                    f.seek(offsets.get(path, 0))
                    data = f.read()
                end = data.rfind(b"\n")
                if end < 0:
                    continue
                now = int(time.time() * 1000)
                offsets[path] = offsets.get(path, 0) + end + 1
                for line in data[:end].decode().split("\n"):
                    cols = line.split(",")
                    if len(cols) < 10 or cols[0] == "timestamp":
                        continue
                    out.write(f"{now} {cols[8]} {iso_ms(cols[9])} {cols[1]}\n")
                out.flush()
            time.sleep(0.02)


def percentile(sorted_values, q):
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[k]


def report(arrivals, events, window_ms, lateness_ms):
    records = [json.loads(line) for line in open(events)] if os.path.exists(events) else []
    phases = [r for r in records if "phase" in r]
    connected = sorted(r["at"] for r in records if r.get("event") == "connected")
    for p in phases:
        if p["phase"] == "drop":
            # The outage lasts until the feed is connected again (its backoff may outlast the drop).
            p["end"] = next((at for at in connected if at >= p["end"]), p["end"])
    rows = {}
    for line in open(arrivals):
        arrival, symbol, end, count = line.split()
        rows.setdefault((symbol, int(end)), (int(arrival), int(count)))
    first_end = {}
    for symbol, end in rows:
        first_end[symbol] = min(first_end.get(symbol, end), end)
    names = {"silence": "silence", "drop": "reconnect", "stall": "stall"}
    cases = {}
    for (symbol, end), (arrival, count) in sorted(rows.items()):
        if end == first_end[symbol]:
            continue
        start = end - window_ms
        case = "active"
        for p in phases:
            if p["phase"] in names and start < p["end"] and end > p["start"]:
                case = names[p["phase"]]
        cases.setdefault(case, []).append((arrival - end) / 1000)
    bound = (lateness_ms + 2000) / 1000
    print(f"| case | rows | median s | p99 s | max s | within lateness + 2 s ({bound:g} s) |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in ["active", "silence", "stall", "reconnect"]:
        values = sorted(cases.get(case, []))
        if not values:
            continue
        within = sum(1 for v in values if v <= bound)
        print(f"| {case} | {len(values)} | {percentile(values, 0.5):.2f} | {percentile(values, 0.99):.2f} | "
              f"{values[-1]:.2f} | {within} of {len(values)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("watch")
    w.add_argument("data_dir")
    w.add_argument("arrivals")
    r = sub.add_parser("report")
    r.add_argument("arrivals")
    r.add_argument("events")
    r.add_argument("--window-ms", type=int, required=True)
    r.add_argument("--lateness-ms", type=int, required=True)
    args = ap.parse_args()
    if args.command == "watch":
        watch(args.data_dir, args.arrivals)
    else:
        report(args.arrivals, args.events, args.window_ms, args.lateness_ms)


if __name__ == "__main__":
    sys.exit(main())
