#!/usr/bin/env python3
"""Writes the original project's window_results CSV in bnc-score's formats (docs/formats.md §3), for
tests of bnc-stats on "our" files: CSV and NDJSON with the same rows.

Usage: make_our_format.py IN.csv OUT_DIR [--symbol BTCUSDT] [--window 20]

The original's naive wall-clock timestamps are taken as UTC (the conversion only needs a
consistent clock); window_end = timestamp + window; complete = true; model_version 1 once scored,
0 during warm-up; anomaly_score = 2^(-(score+0.5))/… stand-in in (0, 1] (bnc-stats does not
analyse it). Numbers are written with Python's repr (shortest round-trip), as bnc-score writes
Swift's shortest round-trip form.
"""
import csv
import json
import math
import sys
from datetime import datetime, timedelta
from pathlib import Path


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    symbol = "BTCUSDT"
    window = 20
    args = sys.argv[3:]
    for i, a in enumerate(args):
        if a == "--symbol":
            symbol = args[i + 1]
        if a == "--window":
            window = int(args[i + 1])
    out.mkdir(parents=True, exist_ok=True)
    header = ["timestamp", "trade_count", "volume", "avg_trade_size", "return", "volatility", "score", "prediction",
              "symbol", "window_end", "complete", "model_version", "anomaly_score"]
    rows = []
    with open(src, newline="") as f:
        for r in csv.DictReader(f):
            start = datetime.strptime(r["timestamp"], "%Y-%m-%d %H:%M:%S")
            end = start + timedelta(seconds=window)
            scored = r["score"] != ""
            score = float(r["score"]) if scored else None
            rows.append({
                "timestamp": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "trade_count": int(float(r["trade_count"])),
                "volume": float(r["volume"]), "avg_trade_size": float(r["avg_trade_size"]),
                "return": float(r["return"]), "volatility": float(r["volatility"]),
                "score": score, "prediction": int(float(r["prediction"])) if scored else None,
                "symbol": symbol, "window_end": end.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "complete": True, "model_version": 1 if scored else 0,
                "anomaly_score": (0.5 - score) if scored else None,
            })

    def cell(v):
        if v is None:
            return ""
        if isinstance(v, str):
            return v
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v == math.floor(v) and abs(v) < 1e15:
            return str(int(v))
        return repr(v)

    stem = src.stem
    with open(out / f"{stem}.bnc.csv", "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(cell(r[k]) for k in header) + "\n")
    with open(out / f"{stem}.bnc.ndjson", "w") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
