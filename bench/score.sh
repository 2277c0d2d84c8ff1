#!/usr/bin/env bash
# bnc-score against scikit-learn 1.7.2 on the same window rows, side by side in one run (issue 3,
# item 7). Prints a markdown table of medians. Usage: bench/score.sh [runs]   (default 5)
#
# Rows: the original project's real windows (../shared/data/seed-run/window_results_2026-02-28.csv)
# as DESIGN.md §2 rows, cycled to 1 M rows for the batch case (scripts/reference/seedrun_to_windows.py).
# bnc-score is timed as whole processes (release build) and per-operation costs are differences:
# - refit on 500 windows: (run with --retrain-every 1 − run with --retrain-every 0) on 2,500 rows,
#   divided by the 2,000 extra trainings (each on the last 500 complete windows, offset included);
# - one window end to end inside a running process (parse the row, scale, 100 trees, format the CSV
#   row, write(2) it): (run over 100,500 rows − run over 500 rows) / 100,000, model trained once;
# - batch of 1 M rows: `bnc-score --batch` reading the NDJSON and writing the CSV, whole process.
# scikit-learn (scripts/reference/bench_sklearn.py): fit of StandardScaler + IsolationForest on 500
# rows; transform + decision_function + predict of one window; the batch job in pandas (read NDJSON,
# fit on the complete windows, score all, write CSV).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
SCRATCH=${SCRATCH:-.build-release}
swift build -c release --scratch-path "$SCRATCH" --product bnc-score >&2
BIN="$SCRATCH/release/bnc-score"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 scripts/reference/seedrun_to_windows.py ../shared/data/seed-run/window_results_2026-02-28.csv 1000000 > "$WORK/rows1m.ndjson"
head -n 500 "$WORK/rows1m.ndjson" > "$WORK/rows500.ndjson"
head -n 2500 "$WORK/rows1m.ndjson" > "$WORK/rows2500.ndjson"
head -n 100500 "$WORK/rows1m.ndjson" > "$WORK/rows100k.ndjson"

# seconds for one run of "$@" < $1 > /dev/null
elapsed() {
    local input=$1; shift
    local t0 t1
    t0=$(date +%s.%N)
    "$@" < "$input" > /dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
runs() { local n=$1; shift; for _ in $(seq "$n"); do elapsed "$@"; done | median; }

echo "measuring bnc-score ($RUNS runs each)…" >&2
retrain=$(runs "$RUNS" "$WORK/rows2500.ndjson" "$BIN" --quiet --train-windows 500 --retrain-every 1)
once=$(runs "$RUNS" "$WORK/rows2500.ndjson" "$BIN" --quiet --train-windows 500 --retrain-every 0)
ours_refit=$(awk -v a="$retrain" -v b="$once" 'BEGIN { printf "%.9f", (a - b) / 2000 }')
long=$(runs "$RUNS" "$WORK/rows100k.ndjson" "$BIN" --quiet --train-windows 500 --retrain-every 0)
short=$(runs "$RUNS" "$WORK/rows500.ndjson" "$BIN" --quiet --train-windows 500 --retrain-every 0)
ours_window=$(awk -v a="$long" -v b="$short" 'BEGIN { printf "%.9f", (a - b) / 100000 }')
ours_batch=$(runs "$RUNS" "$WORK/rows1m.ndjson" "$BIN" --quiet --batch)

echo "measuring scikit-learn…" >&2
sk_refit=$(python3 scripts/reference/bench_sklearn.py refit "$WORK/rows2500.ndjson" $((RUNS * 3)))
sk_window=$(python3 scripts/reference/bench_sklearn.py window "$WORK/rows2500.ndjson" 200)
sk_batch=$(for _ in $(seq "$(( RUNS < 3 ? RUNS : 3 ))"); do python3 scripts/reference/bench_sklearn.py batch "$WORK/rows1m.ndjson"; done | median)

fmt() { awk -v s="$1" 'BEGIN { if (s < 1e-3) printf "%.2f µs", s * 1e6; else if (s < 1) printf "%.2f ms", s * 1e3; else printf "%.2f s", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f×", a / b }'; }
echo
echo "| operation (median) | scikit-learn 1.7.2 | bnc-score | speed-up | target |"
echo "|---|---|---|---|---|"
echo "| refit on 500 windows (scaler + 100 trees + offset) | $(fmt "$sk_refit") | $(fmt "$ours_refit") | $(ratio "$sk_refit" "$ours_refit") | ≥ 100× |"
echo "| one window end to end in a running process | $(fmt "$sk_window") | $(fmt "$ours_window") | $(ratio "$sk_window" "$ours_window") | ≥ 1000× |"
echo "| batch: 1 M rows, NDJSON in → CSV out | $(fmt "$sk_batch") | $(fmt "$ours_batch") | $(ratio "$sk_batch" "$ours_batch") | ≥ 10× |"
echo
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end of the run"
