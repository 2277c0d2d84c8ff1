#!/usr/bin/env python3
"""Compares what market_server.py served with what bnc-stream wrote (issue 15).

Reads the server's --stats JSON and bnc-stream's output (trade lines; heartbeat and other lines
are counted and skipped) and prints one JSON object:
  served            ids sent over WebSocket (all connections)
  written           trade lines written
  lost              served ids missing from the output (must be 0)
  duplicates        ids written more than once (must be 0)
  out_of_order      trade lines whose id is not above the previous one of their symbol (must be 0)
  holes             ids missing between a symbol's first and last written id (must be 0)
  backfilled        ids written that were never served over WebSocket (REST backfill)
  made_not_written  ids the market made (after the symbol's first written id) never written —
                    trades made while a connection was away whose symbol traded no more afterwards
                    and was not caught up; not a loss bnc-stream could see
  symbols_written, heartbeats, violations, connections_opened, max_streams_per_connection, rest
Exits 1 when lost, duplicates, out_of_order, holes or violations is not zero/empty.

Usage: market_check.py STATS_JSON OUTPUT_NDJSON
"""
import json
import sys


def main():
    stats_path, output_path = sys.argv[1], sys.argv[2]
    with open(stats_path) as f:
        stats = json.load(f)
    ids = {}
    heartbeats = 0
    other = 0
    with open(output_path, "rb") as f:
        for raw in f:
            try:
                line = json.loads(raw)
            except ValueError:
                other += 1
                continue
            if line.get("e") == "trade":
                ids.setdefault(line["s"], []).append(line["t"])
            elif line.get("e") == "bnc.heartbeat":
                heartbeats += 1
            else:
                other += 1
    written = sum(len(v) for v in ids.values())
    duplicates = out_of_order = holes = 0
    written_sets = {}
    for symbol, seq in ids.items():
        s = set(seq)
        written_sets[symbol] = s
        duplicates += len(seq) - len(s)
        out_of_order += sum(1 for a, b in zip(seq, seq[1:]) if b <= a)
        holes += (max(s) - min(s) + 1) - len(s)
    served = lost = backfilled = made_not_written = 0
    served_sets = {}
    for symbol, runs in stats["sent"].items():
        got = written_sets.get(symbol, set())
        ss = set()
        for first, last in runs:
            ss.update(range(first, last + 1))
        served_sets[symbol] = ss
        served += len(ss)
        lost += len(ss - got)
    for symbol, got in written_sets.items():
        backfilled += len(got - served_sets.get(symbol, set()))
        first, last = stats["made"].get(symbol, [0, -1])
        made_not_written += len(set(range(min(got), last + 1)) - got)
    report = {
        "served": served, "written": written, "lost": lost, "duplicates": duplicates,
        "out_of_order": out_of_order, "holes": holes, "backfilled": backfilled,
        "made_not_written": made_not_written, "symbols_written": len(ids), "symbols": stats["symbols"],
        "heartbeats": heartbeats, "other_lines": other, "violations": stats["violations"],
        "connections_opened": stats["connections_opened"],
        "max_streams_per_connection": stats["max_streams_per_connection"], "rest": stats["rest"],
    }
    print(json.dumps(report))
    bad = lost or duplicates or out_of_order or holes or stats["violations"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
