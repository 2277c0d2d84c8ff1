#!/usr/bin/env python3
"""Converts the original project's result CSV (../shared/data/seed-run/window_results_*.csv) back
into window rows (docs/formats.md §2 NDJSON) so bnc-score can replay the original's live run.

The original wrote `timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction`
with local-time timestamps of its 20 s windows. Each row becomes
{"symbol":"BTCUSDT","start":<timestamp as epoch ms, read as UTC>,"end":start+20000,
 "trade_count":…,"volume":…,"avg_trade_size":…,"price_return":return,"price_volatility":volatility,
 "complete":true}. The feature values are copied digit for digit (no float round trip).
Usage: seedrun_to_windows.py CSV [ROWS] > rows.ndjson
With ROWS (benchmarks), the file's rows are cycled until ROWS rows are written, each pass shifted
later in time by the file's span so windows stay in time order.
"""
import csv
import datetime
import sys


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.stdout
    with open(sys.argv[1], newline="") as f:
        records = list(csv.DictReader(f))
    starts = [int(datetime.datetime.strptime(r["timestamp"], "%Y-%m-%d %H:%M:%S")
                  .replace(tzinfo=datetime.timezone.utc).timestamp()) * 1000 for r in records]
    total = int(sys.argv[2]) if len(sys.argv) == 3 else len(records)
    span = starts[-1] - starts[0] + 20000
    for i in range(total):
        rec = records[i % len(records)]
        start = starts[i % len(records)] + (i // len(records)) * span
        out.write('{"symbol":"BTCUSDT","start":%d,"end":%d,"trade_count":%s,"volume":%s,'
                      '"avg_trade_size":%s,"price_return":%s,"price_volatility":%s,"complete":true}\n'
                      % (start, start + 20000, rec["trade_count"], rec["volume"], rec["avg_trade_size"],
                         rec["return"], rec["volatility"]))


if __name__ == "__main__":
    main()
