#!/usr/bin/env python3
"""Independent pandas/SciPy computation of every figure `bnc-stats --json` prints.

Usage: stats_reference.py SUBCOMMAND [options] FILE...
  SUBCOMMAND: summary | hourly | baseline | premove | cv | all (an object keyed by subcommand)
  --symbol S  --bins N  --horizons 1m,5m,...  --window 20s  --sizes 1s,5s,...

Prints the same JSON document as `bnc-stats SUBCOMMAND --json` (NaN as null), so a test can
compare the two figure by figure. The computations are written the way the original project's
pandas scripts would have done them (describe(), .std() with ddof 1, rolling(h).sum().shift(-h),
scipy.stats.mannwhitneyu with its defaults), not by porting bnc-stats' code.

Readers: our CSV (ISO 8601 UTC), our NDJSON (same keys; price_return/price_volatility/start/end
accepted), the original's CSV (local wall-clock timestamps, kept naive), the original's
trade_rate*.csv (event_time,trades_per_sec). Several files are concatenated and sorted by time
(stable).
"""
import argparse
import json
import math
import re
import sys

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

ALIASES = {"price_return": "return", "price_volatility": "volatility", "start": "timestamp", "end": "window_end"}


def duration_ms(text):
    m = re.fullmatch(r"([0-9.]+)(ms|s|m|h)?", text.strip())
    if not m:
        raise SystemExit(f"bad duration {text!r}")
    factor = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, None: 1000}[m.group(2)]
    return int(round(float(m.group(1)) * factor))


def duration_text(ms):
    if ms and ms % 3_600_000 == 0:
        return f"{ms // 3_600_000}h"
    if ms and ms % 60_000 == 0:
        return f"{ms // 60_000}m"
    if ms % 1000 == 0:
        return f"{ms // 1000}s"
    return f"{ms}ms"


def detect(path):
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                first = line.strip()
                break
        else:
            return None
    if first.startswith("{"):
        return "bnc-ndjson"
    cols = [c.strip().strip('"').lower() for c in first.split(",")]
    if "event_time" in cols and "trades_per_sec" in cols:
        return "trade-rate-csv"
    if "symbol" in cols or "window_end" in cols or "model_version" in cols:
        return "bnc-csv"
    return "original-csv"


def to_ms(series, utc):
    if utc:
        ts = pd.to_datetime(series, utc=True, format="ISO8601").dt.tz_localize(None)
    else:
        ts = pd.to_datetime(series, format="%Y-%m-%d %H:%M:%S")
    return ts.astype("datetime64[ms]").astype("int64"), ts


def load(paths):
    frames, rates, basis = [], [], None
    for path in paths:
        kind = detect(path)
        if kind == "trade-rate-csv":
            rates.append(pd.read_csv(path, float_precision="round_trip"))
            continue
        if kind == "bnc-ndjson":
            with open(path) as f:
                df = pd.DataFrame([json.loads(l) for l in f if l.strip()])
        else:
            df = pd.read_csv(path, float_precision="round_trip", dtype={"symbol": str})
        df = df.rename(columns={k: v for k, v in ALIASES.items() if k in df.columns and v not in df.columns})
        utc = kind != "original-csv"
        basis = "utc" if utc else "naive-local"
        df["ts_ms"], df["ts"] = to_ms(df["timestamp"], utc)
        if "window_end" in df.columns:
            df["end_ms"] = to_ms(df["window_end"], utc)[0].where(df["window_end"].notna())
        else:
            df["end_ms"] = np.nan
        if "symbol" not in df.columns:
            df["symbol"] = ""
        df["symbol"] = df["symbol"].fillna("").astype(str).str.upper()
        for c in ["trade_count", "volume", "avg_trade_size", "return", "volatility", "score", "prediction"]:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
        frames.append(df)
    df = pd.concat(frames, ignore_index=True).sort_values("ts_ms", kind="stable").reset_index(drop=True) if frames else None
    tr = pd.concat(rates, ignore_index=True).sort_values("event_time", kind="stable").reset_index(drop=True) if rates else None
    return df, tr, basis


def num(v):
    if v is None:
        return None
    v = float(v)
    return None if (math.isnan(v) or math.isinf(v)) else v


def fmt_ts(ts, basis):
    if basis == "utc":
        return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def window_ms(df, override):
    if override:
        return float(duration_ms(override))
    spans = (df["end_ms"] - df["ts_ms"]).dropna()
    if len(spans):
        return float(spans.median())
    return float(df["ts_ms"].diff().median())


def scored_of(df):
    return df[df["score"].notna()]


def summary(df, basis, args):
    scored = scored_of(df)
    d = scored["score"].describe()
    normal = scored[scored["prediction"] == 1]
    anomalous = scored[scored["prediction"] == -1]
    feats = []
    for name in ["trade_count", "volume", "avg_trade_size", "return", "abs_return", "volatility"]:
        col = "return" if name == "abs_return" else name
        nm = normal[col].abs().mean() if name == "abs_return" else normal[col].mean()
        am = anomalous[col].abs().mean() if name == "abs_return" else anomalous[col].mean()
        ratio = am / nm if nm != 0 else (float("nan") if am == 0 or am != am else math.copysign(math.inf, am))
        feats.append({"feature": name, "normal_mean": num(nm), "anomalous_mean": num(am), "ratio": num(ratio)})
    counts, edges = np.histogram(scored["score"].to_numpy(), bins=args.bins)
    w = window_ms(df, None) if len(df) >= 2 or df["end_ms"].notna().any() else float("nan")
    n_scored = int(len(scored))
    n_anom = int((scored["prediction"] == -1).sum())
    return {
        "windows": int(len(df)), "scored": n_scored, "warmup": int(len(df) - n_scored), "anomalies": n_anom,
        "anomaly_rate": num(n_anom / n_scored) if n_scored else None,
        "time_basis": basis,
        "first": fmt_ts(df["ts"].iloc[0], basis) if len(df) else None,
        "last": fmt_ts(df["ts"].iloc[-1], basis) if len(df) else None,
        "window_seconds": num(w / 1000),
        "score": {"count": int(d["count"]), "mean": num(d["mean"]), "std": num(d["std"]), "min": num(d["min"]),
                  "25%": num(d["25%"]), "50%": num(d["50%"]), "75%": num(d["75%"]), "max": num(d["max"])},
        "features": feats,
        "histogram": {"edges": [num(e) for e in edges], "counts": [int(c) for c in counts]},
    }


def hourly(df, basis, args):
    hour = df["ts"].dt.hour
    g = df.assign(hour=hour, is_scored=df["score"].notna(), is_anom=df["prediction"] == -1).groupby("hour")
    out = []
    for h, part in g:
        s = int(part["is_scored"].sum())
        a = int((part["is_anom"] & part["is_scored"]).sum())
        out.append({"hour": int(h), "windows": int(len(part)), "scored": s, "anomalies": a,
                    "anomaly_rate": num(a / s) if s else None})
    return {"time_basis": basis, "hours": out}


def baseline_flags(df):
    scored = scored_of(df)
    vol = scored["volatility"]
    mean, std = vol.mean(), vol.std()  # pandas default ddof=1
    thr = mean + 2 * std
    return scored, mean, std, thr, scored["prediction"] == -1, scored["volatility"] > thr


def baseline(df, basis, args):
    scored, mean, std, thr, if_a, vol_a = baseline_flags(df)
    both = int((if_a & vol_a).sum())
    n_if, n_vol = int(if_a.sum()), int(vol_a.sum())
    union = int((if_a | vol_a).sum())
    only = scored[if_a & ~vol_a]
    return {
        "scored": int(len(scored)), "volatility_mean": num(mean), "volatility_std": num(std), "ddof": 1,
        "threshold": num(thr), "if_anomalies": n_if, "vol_anomalies": n_vol, "both": both,
        "if_only": int((if_a & ~vol_a).sum()), "vol_only": int((~if_a & vol_a).sum()),
        "neither": int((~if_a & ~vol_a).sum()),
        "jaccard": num(both / union) if union else None,
        "if_overlap": num(both / n_if) if n_if else None,
        "vol_overlap": num(both / n_vol) if n_vol else None,
        "if_only_windows": [{"timestamp": fmt_ts(row["ts"], basis), "score": num(row["score"]),
                             "volatility": num(row["volatility"]), "return": num(row["return"]),
                             "trade_count": num(row["trade_count"]), "volume": num(row["volume"])}
                            for _, row in only.iterrows()],
    }


def premove(df, basis, args):
    w = window_ms(df, args.window)
    scored, mean, std, thr, if_a, vol_a = baseline_flags(df)
    group = pd.Series(np.nan, index=df.index, dtype=object)
    group.loc[scored.index] = np.where(if_a & vol_a, "both", np.where(if_a, "if_only", np.where(vol_a, "vol_only", "normal")))
    abs_ret = df["return"].abs()
    out = []
    for text in args.horizons.split(","):
        hms = duration_ms(text)
        h = max(1, int(round(hms / w)))
        fm = abs_ret.rolling(h).sum().shift(-h)
        normal = fm[(group == "normal") & fm.notna()]
        groups = []
        for name in ["normal", "vol_only", "if_only", "both"]:
            x = fm[(group == name) & fm.notna()]
            entry = {"group": name, "count": int(len(x)), "mean_future_move": num(x.mean()),
                     "ratio_to_normal": num(x.mean() / normal.mean()) if len(x) and len(normal) and normal.mean() != 0 else None,
                     "u_statistic": None, "p_value": None, "method": None}
            if name != "normal" and len(x) and len(normal):
                res = mannwhitneyu(x.to_numpy(), normal.to_numpy())  # SciPy defaults: two-sided, auto, continuity
                pooled = np.concatenate([x.to_numpy(), normal.to_numpy()])
                ties = len(np.unique(pooled)) < len(pooled)
                method = "asymptotic" if (len(x) > 8 and len(normal) > 8) or ties else "exact"
                entry.update({"u_statistic": num(res.statistic), "p_value": num(res.pvalue), "method": method})
            groups.append(entry)
        out.append({"horizon": duration_text(hms), "horizon_seconds": hms / 1000, "windows": h, "groups": groups})
    return {"window_seconds": num(w / 1000), "volatility_threshold": num(thr), "horizons": out}


def cv(df, tr, basis, args):
    sizes = [duration_ms(s) for s in args.sizes.split(",")]
    out = []
    if tr is not None and (df is None or len(df) == 0):
        x = tr["trades_per_sec"].to_numpy(dtype=float)
        for W in sizes:
            entry = {"window_seconds": W / 1000}
            if W % 1000:
                entry.update({"windows": 0, "trades_mean": None, "trades_std": None, "trades_cv": None})
            else:
                k = len(x) // (W // 1000)
                sums = pd.Series(x[: k * (W // 1000)].reshape(k, W // 1000).sum(axis=1))
                entry.update({"windows": int(k), "trades_mean": num(sums.mean()), "trades_std": num(sums.std()),
                              "trades_cv": num(sums.std() / sums.mean())})
            entry.update({"volume_mean": None, "volume_std": None, "volume_cv": None})
            out.append(entry)
        return {"source": "trade-rate", "input_window_seconds": 1.0, "ddof": 1, "sizes": out}
    w0 = window_ms(df, args.window)
    for W in sizes:
        ratio = W / w0
        entry = {"window_seconds": W / 1000}
        if ratio < 1 or ratio != round(ratio):
            entry.update({k: None for k in ["trades_mean", "trades_std", "trades_cv", "volume_mean", "volume_std", "volume_cv"]})
            entry["windows"] = 0
        else:
            g = df.groupby(df["ts_ms"] // W).agg(n=("trade_count", "size"), t=("trade_count", "sum"), v=("volume", "sum"))
            g = g[g["n"] == int(round(ratio))]
            entry.update({"windows": int(len(g)), "trades_mean": num(g["t"].mean()), "trades_std": num(g["t"].std()),
                          "trades_cv": num(g["t"].std() / g["t"].mean()), "volume_mean": num(g["v"].mean()),
                          "volume_std": num(g["v"].std()), "volume_cv": num(g["v"].std() / g["v"].mean())})
        out.append({k: entry.get(k) for k in ["window_seconds", "windows", "trades_mean", "trades_std", "trades_cv", "volume_mean", "volume_std", "volume_cv"]})
    return {"source": "windows", "input_window_seconds": num(w0 / 1000), "ddof": 1, "sizes": out}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["summary", "hourly", "baseline", "premove", "cv", "all"])
    p.add_argument("files", nargs="+")
    p.add_argument("--symbol")
    p.add_argument("--bins", type=int, default=20)
    p.add_argument("--horizons", default="1m,5m,15m,30m", help="comma-separated durations")
    p.add_argument("--window")
    p.add_argument("--sizes", default="1s,5s,10s,20s,30s,60s", help="comma-separated durations")
    args = p.parse_args()
    df, tr, basis = load(args.files)
    if df is not None and args.symbol:
        df = df[df["symbol"] == args.symbol.upper()].reset_index(drop=True)
    analyses = {"summary": summary, "hourly": hourly, "baseline": baseline, "premove": premove}
    if args.command == "cv":
        result = cv(df, tr, basis, args)
    elif args.command == "all":
        # Every analysis the input allows, keyed by subcommand (one interpreter start for all).
        result = {} if df is None else {name: f(df, basis, args) for name, f in analyses.items()}
        result["cv"] = cv(df, tr, basis, args)
    else:
        result = analyses[args.command](df, basis, args)
    print(json.dumps(result, indent=1, allow_nan=False))


if __name__ == "__main__":
    main()
