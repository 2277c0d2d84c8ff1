#!/usr/bin/env python3
"""The naive windowing a user would write with json.loads: the benchmark baseline for bnc-window.

Reads trade lines (stdin or files), groups trades into 20 s windows of trade time per symbol
(no gap/duplicate/late bookkeeping), and prints the five model features plus OHLC per window.
"""
import json
import statistics
import sys

WINDOW_MS = int(sys.argv[sys.argv.index("--window-ms") + 1]) if "--window-ms" in sys.argv else 20000
files = [a for a in sys.argv[1:] if not a.startswith("--") and a != str(WINDOW_MS)]


def emit(symbol, start, trades):
    prices = [p for p, _ in trades]
    volume = sum(q for _, q in trades)
    n = len(trades)
    print(json.dumps({
        "symbol": symbol, "start": start, "end": start + WINDOW_MS, "trade_count": n,
        "volume": volume, "avg_trade_size": volume / n if n else 0.0,
        "price_return": (prices[-1] - prices[0]) / prices[0] if n >= 2 else 0.0,
        "price_volatility": statistics.stdev(prices) if n >= 2 else 0.0,
        "open": prices[0], "high": max(prices), "low": min(prices), "close": prices[-1],
    }))


def main():
    windows = {}
    streams = [open(f, "rb") for f in files] or [sys.stdin.buffer]
    for stream in streams:
        for line in stream:
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if "data" in d:
                d = d["data"]
            symbol = d["s"]
            start = d["T"] // WINDOW_MS * WINDOW_MS
            current = windows.get(symbol)
            if current is not None and current[0] != start:
                emit(symbol, current[0], current[1])
                current = None
            if current is None:
                current = windows[symbol] = (start, [])
            current[1].append((float(d["p"]), float(d["q"])))
    for symbol, (start, trades) in windows.items():
        emit(symbol, start, trades)


main()
