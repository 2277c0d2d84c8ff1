#!/usr/bin/env python3
"""Window rows (docs/formats.md §2) for many symbols, interleaved by window start as bnc-window
writes them, for bench/score-symbols.sh. Deterministic (seeded); no third-party packages.

Usage: make_symbol_rows.py SYMBOLS WINDOWS [SEED] > rows.ndjson

Each symbol gets its own activity level (a few busy, most quiet: log-normal rates), trade counts
drawn around it, heavy-tailed trade sizes and returns, so the forests look like real ones.
"""
import math
import random
import sys


def main() -> None:
    symbols = int(sys.argv[1])
    windows = int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    names = [f"S{i:04d}USDT" for i in range(symbols)]
    rate = [math.exp(rng.gauss(1.5, 1.5)) for _ in names]
    size = [math.exp(rng.gauss(0, 2)) for _ in names]
    price = [math.exp(rng.gauss(2, 3)) for _ in names]
    start = 1_772_315_080_000
    out = sys.stdout
    for w in range(windows):
        s = start + w * 20_000
        for k, name in enumerate(names):
            burst = 8.0 if rng.random() < 0.01 else 1.0
            count = max(1, int(rng.expovariate(1.0 / (rate[k] * burst))) + 1)
            volume = size[k] * count * math.exp(rng.gauss(0, 0.8))
            ret = rng.gauss(0, 0.0005) * (1 + 4 * (burst > 1)) * (1 + rng.paretovariate(3) - 1)
            vol = price[k] * abs(rng.gauss(0, 0.0004)) * math.sqrt(count)
            out.write(f'{{"symbol":"{name}","start":{s},"end":{s + 20_000},"trade_count":{count},'
                      f'"volume":{volume!r},"avg_trade_size":{volume / count!r},"price_return":{ret!r},'
                      f'"price_volatility":{vol!r},"complete":true}}\n')


if __name__ == "__main__":
    main()
