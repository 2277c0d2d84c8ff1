#!/usr/bin/env bash
# bnc-stats `summary` and `premove` on 1 M rows of bnc-score CSV, side by side with the pandas
# scripts that compute the same figures (interpreter start and imports included for pandas,
# process start included for ours). Prints a Markdown table of the median of RUNS runs: wall
# time and CPU time (user + sys; on a shared machine wall time also holds waiting for a core).
#
#   bench/stats.sh [ROWS] [RUNS]      (defaults: 1000000 3; STATS_SCRATCH=DIR builds in DIR)
#
# Needs python3 with pandas and scipy. Builds the release bnc-stats with its own scratch path.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
RUNS=${2:-3}
SEED=../shared/data/seed-run/window_results_2026-02-28.csv
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

SCRATCH=${STATS_SCRATCH:-.build-release}   # another scratch path keeps parallel builds apart
swift build -c release --scratch-path "$SCRATCH" --product bnc-stats >&2
BIN=$SCRATCH/release/bnc-stats
python3 bench/make_stats_input.py "$SEED" "$ROWS" "$WORK/results.csv"

cat > "$WORK/summary.py" <<'PY'
import sys
import numpy as np
import pandas as pd
df = pd.read_csv(sys.argv[1])
df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
scored = df[df["score"].notna()]
anomalies = int((scored["prediction"] == -1).sum())
print("windows", len(df), "scored", len(scored), "anomalies", anomalies, "rate", anomalies / len(scored))
print(scored["score"].describe())
features = ["trade_count", "volume", "avg_trade_size", "return", "volatility"]
means = scored.assign(abs_return=scored["return"].abs()).groupby("prediction")[features + ["abs_return"]].mean()
print(means, means.loc[-1] / means.loc[1])
print(np.histogram(scored["score"], bins=20))
PY

cat > "$WORK/premove.py" <<'PY'
import sys
import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu
df = pd.read_csv(sys.argv[1])
df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
df["window_end"] = pd.to_datetime(df["window_end"], utc=True)
window = (df["window_end"] - df["timestamp"]).dt.total_seconds().median()
scored = df["score"].notna()
vol = df.loc[scored, "volatility"]
threshold = vol.mean() + 2 * vol.std()
is_if = df["prediction"] == -1
is_vol = df["volatility"] > threshold
group = np.select([is_if & is_vol, is_if, is_vol], ["both", "if_only", "vol_only"], "normal")
group = pd.Series(np.where(scored, group, None), index=df.index)
abs_ret = df["return"].abs()
for horizon in [60, 300, 900, 1800]:
    h = max(1, round(horizon / window))
    future = abs_ret.rolling(h).sum().shift(-h)
    normal = future[(group == "normal") & future.notna()]
    for name in ["vol_only", "if_only", "both"]:
        x = future[(group == name) & future.notna()]
        if len(x):
            print(horizon, name, len(x), x.mean() / normal.mean(), mannwhitneyu(x, normal).pvalue)
PY

python3 - "$BIN" "$WORK" "$ROWS" "$RUNS" <<'PY'
import os, statistics, subprocess, sys, time
binary, work, rows, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = os.path.join(work, "results.csv")
subprocess.run(["cat", data], stdout=subprocess.DEVNULL, check=True)  # warm the page cache

def measure(cmd):
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if status != 0:
            sys.exit(f"{cmd} failed")
    return statistics.median(walls), statistics.median(cpus)

size = os.path.getsize(data) / 1e6
print(f"{rows:,} rows of bnc-score CSV ({size:.0f} MB), median of {runs} runs, 2-core machine shared with other work\n")
print("| analysis | bnc-stats wall | pandas wall | speed-up (wall) | bnc-stats CPU | pandas CPU | speed-up (CPU) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in ["summary", "premove"]:
    ours = measure([binary, name, "--json", data])
    theirs = measure(["python3", os.path.join(work, f"{name}.py"), data])
    print(f"| `{name}` | {ours[0]:.2f} s | {theirs[0]:.2f} s | {theirs[0] / ours[0]:.1f}× | {ours[1]:.2f} s | {theirs[1]:.2f} s | {theirs[1] / ours[1]:.1f}× |")
PY
