#!/usr/bin/env python3
"""scikit-learn's side of bench/score.sh: the original project's model (StandardScaler +
IsolationForest(100 trees, contamination 0.05)) timed on the same window rows bnc-score gets.

  bench_sklearn.py refit ROWS.ndjson RUNS   median seconds to fit scaler + forest on the first 500 rows
  bench_sklearn.py window ROWS.ndjson RUNS  median seconds to score one window as the original did
                                            (transform + decision_function + predict on a 1-row frame)
  bench_sklearn.py batch ROWS.ndjson        seconds for the whole offline job: read the NDJSON, fit on
                                            every complete window, score every row, write the CSV
Prints two numbers: wall-clock seconds and CPU seconds (user + system) of this process.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.preprocessing import StandardScaler

FEATURES = ["trade_count", "volume", "avg_trade_size", "price_return", "price_volatility"]


def load(path, n=None):
    rows = []
    with open(path) as f:
        for line in f:
            rows.append(json.loads(line))
            if n is not None and len(rows) >= n:
                break
    return np.array([[r[k] for k in FEATURES] for r in rows], dtype=np.float64)


def fit(X, seed=42):
    scaler = StandardScaler().fit(X)
    model = IsolationForest(n_estimators=100, contamination=0.05, random_state=seed).fit(scaler.transform(X))
    return scaler, model


def main():
    mode, path = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    if mode == "refit":
        X = load(path, 500)
        times, cpu = [], []
        for i in range(runs):
            t, c = time.perf_counter(), time.process_time()
            fit(X, seed=i)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(float(np.median(times)), float(np.median(cpu)))
    elif mode == "window":
        X = load(path, 700)
        scaler, model = fit(X[:500])
        times, cpu = [], []
        for i in range(runs):
            row = pd.DataFrame([X[500 + i % 200]], columns=FEATURES)
            t, c = time.perf_counter(), time.process_time()
            xs = scaler.transform(row.values)
            model.decision_function(xs)
            model.predict(xs)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(float(np.median(times)), float(np.median(cpu)))
    elif mode == "batch":
        t, c = time.perf_counter(), time.process_time()
        df = pd.read_json(path, lines=True)
        X = df[FEATURES].to_numpy(dtype=np.float64)
        scaler, model = fit(X[df["complete"].to_numpy()])
        xs = scaler.transform(X)
        df["score"] = model.decision_function(xs)
        df["prediction"] = np.where(df["score"] < 0, -1, 1)
        df.to_csv("/dev/null", index=False)
        print(time.perf_counter() - t, time.process_time() - c)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
