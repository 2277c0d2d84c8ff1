#!/usr/bin/env python3
"""Writes N rows of bnc-score CSV (docs/formats.md §3) for the bnc-stats benchmark: the real rows of
the original's window_results_2026-02-28.csv, repeated with timestamps continuing 20 s apart, so
values and their text look exactly like real output. Usage: make_stats_input.py SEED.csv N OUT.csv"""
import csv
import sys
from datetime import datetime, timedelta, timezone

seed, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(seed, newline="") as f:
    rows = list(csv.DictReader(f))
start = datetime(2026, 1, 1, tzinfo=timezone.utc)
step = timedelta(seconds=20)
header = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"
with open(out, "w") as f:
    f.write(header)
    buf = []
    for i in range(n):
        r = rows[i % len(rows)]
        t = start + i * step
        ts = t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        te = (t + step).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        scored = r["score"] != "" and i >= 500
        score = r["score"] if scored else ""
        pred = r["prediction"] if scored else ""
        anomaly = repr(0.5 - float(r["score"]) / 2) if scored else ""
        tc = str(int(float(r["trade_count"])))
        buf.append(f'{ts},{tc},{r["volume"]},{r["avg_trade_size"]},{r["return"]},{r["volatility"]},{score},{pred},BTCUSDT,{te},true,{1 if scored else 0},{anomaly}\n')
        if len(buf) >= 10000:
            f.write("".join(buf)); buf = []
    f.write("".join(buf))
