#!/usr/bin/env python3
"""scikit-learn's StandardScaler + IsolationForest on labelled ODDS CSVs, for the parity tests.

One process handles every --csv given (importing scikit-learn once); one JSON line per dataset.

Reads a CSV with feature columns f0..fN and a `label` column (1 = anomaly). If it has more than
--max-rows rows it is subsampled deterministically: every k-th row of each class
(k = ceil(rows / max_rows)), except that the anomaly stride shrinks so that at least 30 anomalies
stay (smtp has only 30 in all). The anomaly fraction is kept unless that floor applies. The rows actually used are written to --rows-out (same columns), so the Swift side scores
exactly the same rows (--rows-out is a directory; the file keeps the input's name).

For each seed it fits StandardScaler + IsolationForest(n_estimators=100, random_state=seed) on all
rows and prints, as one JSON object: per seed the ROC-AUC of -score_samples, the mean and the
standard deviation of score_samples; the Spearman correlation of every pair of seeds (the noise
floor); and with --scores-out the score_samples of every seed (one line per seed, comma separated).
"""
import argparse
import json
import math
import sys

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--csv", required=True, action="append")
    p.add_argument("--seeds", default="0,1,2,3,4,5")
    p.add_argument("--max-rows", type=int, default=6000)
    p.add_argument("--rows-out", required=True)
    p.add_argument("--scores-out", help="directory for <name>.scores")
    a = p.parse_args()
    for path in a.csv:
        run(path, a)


def run(path, a):
    import os
    name = os.path.basename(path)
    df = pd.read_csv(path)
    if len(df) > a.max_rows:
        anomalies = df.index[df["label"] == 1]
        normals = df.index[df["label"] != 1]
        k = math.ceil(len(df) / a.max_rows)
        ka = max(1, min(k, len(anomalies) // 30))
        keep = sorted(list(anomalies[::ka]) + list(normals[::k]))
        df = df.loc[keep]
    df.to_csv(os.path.join(a.rows_out, name), index=False, float_format="%.17g")
    y = df["label"].to_numpy()
    X = df.drop(columns=["label"]).to_numpy(dtype=np.float64)
    Xs = StandardScaler().fit_transform(X)

    seeds = [int(s) for s in a.seeds.split(",")]
    out = {"name": name, "rows": int(len(df)), "anomalies": int(y.sum()), "seeds": []}
    all_scores = []
    for s in seeds:
        m = IsolationForest(n_estimators=100, random_state=s).fit(Xs)
        sc = m.score_samples(Xs)
        all_scores.append(sc)
        out["seeds"].append({"seed": s, "auc": float(roc_auc_score(y, -sc)),
                             "mean": float(sc.mean()), "std": float(sc.std())})
    pairs = []
    for i in range(len(seeds)):
        for j in range(i + 1, len(seeds)):
            pairs.append(float(spearmanr(all_scores[i], all_scores[j]).statistic))
    out["spearman_pairs"] = pairs
    if a.scores_out:
        with open(os.path.join(a.scores_out, name + ".scores"), "w") as f:
            for sc in all_scores:
                f.write(",".join(repr(float(v)) for v in sc) + "\n")
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
