#!/usr/bin/env python3
"""Independent reference for bnc-window (docs/formats.md §2), Python standard library only.

Reads trade lines (bnc-stream's NDJSON; the combined-stream envelope is unwrapped) from the
files named as arguments or stdin and prints one JSON row per symbol per window, with the same
rules bnc-window documents:

* windows [k*size, (k+1)*size) in epoch ms, per symbol, from the window of the symbol's first
  trade; a window closes when an accepted trade of its symbol has time >= end + lateness, or at
  end of input (then complete is false);
* trade ids above the highest seen are new; skipping k ids adds k to missing_trades of the
  window the trade lands in (the newest open window if the trade is late), remembered as a gap
  (64 most recent gaps); ids below the lowest seen are not repeats; an id inside a remembered gap is a reordered delivery and, while the
  gap's window is open, is no longer counted missing there; any other id at or below the
  highest is a duplicate, counted in the newest open window;
* a trade whose window has closed is late, counted in the newest open window;
* features are computed from the accepted trades of a window sorted by trade id, with
  statistics.stdev for price_volatility and math.fsum for sums.

Options: --window-ms N (20000), --lateness-ms N (1000), --time-field trade|event.
Bad lines are skipped (counted on stderr).
"""
import json
import math
import statistics
import sys


def to_ms(value):
    return value // 1000 if value >= 10**14 else value


class Window:
    def __init__(self):
        self.trades = []  # (first_id, last_id, price, qty, taker_buy)
        self.missing = 0
        self.duplicates = 0
        self.late = 0


class SymbolState:
    def __init__(self, symbol, first_index, first_id):
        self.symbol = symbol
        self.first_index = first_index
        self.next_close = first_index
        self.windows = {first_index: Window()}
        self.highest = first_id - 1
        self.lowest = first_id
        self.gaps = []  # [lower, upper, window index]
        self.watermark = None

    def newest(self):
        return max(self.windows) if self.windows else self.next_close


def row(symbol, index, size, window, complete):
    trades = sorted(window.trades)
    n = sum(t[1] - t[0] + 1 for t in trades)
    out = {"symbol": symbol, "start": index * size, "end": (index + 1) * size, "trade_count": n}
    if n == 0:
        out.update(volume=0.0, avg_trade_size=0.0, price_return=0.0, price_volatility=0.0,
                   open=None, high=None, low=None, close=None, vwap=None, quote_volume=0.0,
                   buy_volume=0.0, max_trade_size=0.0, first_trade_id=None, last_trade_id=None)
    else:
        prices = []
        for t in trades:
            prices.extend([t[2]] * (t[1] - t[0] + 1))
        volume = math.fsum(t[3] for t in trades)
        quote = math.fsum(t[2] * t[3] for t in trades)
        out.update(
            volume=volume,
            avg_trade_size=volume / n,
            price_return=(trades[-1][2] - trades[0][2]) / trades[0][2] if n >= 2 else 0.0,
            price_volatility=statistics.stdev(prices) if n >= 2 else 0.0,
            open=trades[0][2], high=max(t[2] for t in trades), low=min(t[2] for t in trades),
            close=trades[-1][2], vwap=quote / volume if volume > 0 else None, quote_volume=quote,
            buy_volume=math.fsum(t[3] for t in trades if t[4]),
            max_trade_size=max(t[3] for t in trades),
            first_trade_id=trades[0][0], last_trade_id=max(t[1] for t in trades))
    missing = max(0, window.missing)
    out.update(missing_trades=missing, duplicates=window.duplicates, late_trades=window.late,
               complete=bool(complete and missing == 0), outlier_trades=0)
    return out


def main(argv):
    size, lateness, field, files = 20000, 1000, "trade", []
    i = 0
    while i < len(argv):
        if argv[i] == "--window-ms":
            size = int(argv[i + 1]); i += 2
        elif argv[i] == "--lateness-ms":
            lateness = int(argv[i + 1]); i += 2
        elif argv[i] == "--time-field":
            field = argv[i + 1]; i += 2
        else:
            files.append(argv[i]); i += 1
    states = {}
    bad = 0
    emit = lambda r: sys.stdout.write(json.dumps(r, separators=(",", ":")) + "\n")

    def lines():
        if not files or files == ["-"]:
            yield from sys.stdin.buffer
        for name in files:
            if name != "-":
                with open(name, "rb") as f:
                    yield from f

    for raw in lines():
        try:
            obj = json.loads(raw)
            if isinstance(obj.get("data"), dict):
                obj = obj["data"]
            kind = obj["e"]
            if kind == "trade":
                first = last = obj["t"]
            elif kind == "aggTrade":
                first, last = obj["f"], obj["l"]
            else:
                raise ValueError(kind)
            price, qty = float(obj["p"]), float(obj["q"])
            if not price > 0 or qty < 0:
                raise ValueError("range")
            time = to_ms(obj["T"] if field == "trade" else obj["E"])
            symbol = obj["s"].upper()
            taker_buy = obj["m"] is False
        except Exception:
            bad += 1
            continue
        index = time // size
        st = states.get(symbol)
        if st is None:
            st = states[symbol] = SymbolState(symbol, index, first)
            st.watermark = time
        count = last - first + 1
        gap = 0
        if first > st.highest:
            gap = first - st.highest - 1
            st.highest = last
        elif last > st.highest:
            st.highest = last
        elif last < st.lowest:
            st.lowest = first
        else:
            hit = None
            for g in st.gaps:
                if g[0] <= first and last <= g[1]:
                    hit = g
                    break
            if hit is None:
                st.windows[st.newest()].duplicates += 1
                continue
            st.gaps.remove(hit)
            if hit[0] < first:
                st.gaps.append([hit[0], first - 1, hit[2]])
            if last < hit[1]:
                st.gaps.append([last + 1, hit[1], hit[2]])
            if hit[2] in st.windows:
                st.windows[hit[2]].missing -= count
        if index < st.next_close:
            if gap:
                st.windows[st.newest()].missing += gap
                st.gaps.append([first - gap, first - 1, st.newest()])
                st.gaps = st.gaps[-64:]
            st.windows[st.newest()].late += 1
            continue
        if time > st.watermark:
            st.watermark = time
            while (st.next_close + 1) * size + lateness <= st.watermark:
                w = st.windows.pop(st.next_close, Window())
                emit(row(symbol, st.next_close, size, w, st.next_close != st.first_index))
                st.next_close += 1
            if not st.windows:
                st.windows[st.next_close] = Window()
        for k in range(st.newest() + 1, index + 1):
            st.windows[k] = Window()
        if gap:
            st.windows[index].missing += gap
            st.gaps.append([first - gap, first - 1, index])
            st.gaps = st.gaps[-64:]
        st.windows[index].trades.append((first, last, price, qty, taker_buy))
    for symbol, st in states.items():
        for k in sorted(st.windows):
            emit(row(symbol, k, size, st.windows[k], False))
    print(f"window_reference: {bad} bad lines", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
