#!/usr/bin/env python3
"""Agreement with the original project's live run (issue item 6), with scikit-learn as the yardstick.

The original (window_results_2026-02-28.csv) trained StandardScaler + IsolationForest(100 trees,
contamination 0.05, random_state 42) once on its first 100 windows and predicted every later window.
This script compares, on the rows the original predicted:
- `ours`: bnc-score's CSV (--ours) `prediction` column, rows matched by position;
- `sklearn`: scikit-learn itself, same recipe, with other seeds (--seeds), which is how much two
  faithful runs of the same algorithm disagree by chance alone.
For each it prints the anomaly rate, percent agreement and Cohen's kappa with the original, as JSON.
"""
import argparse
import json

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.preprocessing import StandardScaler

FEATURES = ["trade_count", "volume", "avg_trade_size", "return", "volatility"]


def kappa(a, b):
    a = np.asarray(a); b = np.asarray(b)
    po = float((a == b).mean())
    pe = sum(float((a == v).mean()) * float((b == v).mean()) for v in (-1, 1))
    return po, (po - pe) / (1 - pe) if pe < 1 else 1.0


def summary(pred, theirs):
    po, k = kappa(pred, theirs)
    return {"anomaly_rate": float((np.asarray(pred) == -1).mean()), "agreement": po, "kappa": k}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--original", required=True)
    p.add_argument("--ours")
    p.add_argument("--seeds", default="0,1,2,3,4")
    p.add_argument("--train", type=int, default=100)
    a = p.parse_args()

    orig = pd.read_csv(a.original)
    scored = orig["prediction"].notna().to_numpy()
    theirs = orig.loc[scored, "prediction"].astype(int).to_numpy()
    X = orig[FEATURES].to_numpy(dtype=np.float64)
    out = {"rows": int(len(orig)), "predicted_rows": int(scored.sum()),
           "original": {"anomaly_rate": float((theirs == -1).mean())}}

    if a.ours:
        ours = pd.read_csv(a.ours)
        assert len(ours) == len(orig), "bnc-score output must have one row per original row"
        ours_pred = ours["prediction"].to_numpy()
        assert not np.isnan(ours_pred[scored]).any(), "bnc-score left a row unscored that the original scored"
        out["ours"] = summary(ours_pred[scored].astype(int), theirs)
        out["ours"]["unscored_rows"] = int(np.isnan(ours_pred).sum())

    sk = []
    for seed in [int(s) for s in a.seeds.split(",")]:
        scaler = StandardScaler().fit(X[: a.train])
        model = IsolationForest(n_estimators=100, contamination=0.05, random_state=seed).fit(scaler.transform(X[: a.train]))
        pred = model.predict(scaler.transform(X[scored]))
        s = summary(pred, theirs)
        s["seed"] = seed
        sk.append(s)
    out["sklearn"] = sk
    print(json.dumps(out))


if __name__ == "__main__":
    main()
