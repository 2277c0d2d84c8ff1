#!/usr/bin/env bash
# bnc-score against scikit-learn 1.7.2 on the same window rows, side by side in one run (issue 3,
# item 7). Prints a markdown table of medians. Usage: bench/score.sh [runs]   (default 5)
#
# Rows: the original project's real windows (../shared/data/seed-run/window_results_2026-02-28.csv)
# as docs/formats.md §2 rows, cycled to 1 M rows for the batch case (scripts/reference/seedrun_to_windows.py).
# bnc-score is timed as whole processes (release build) and per-operation costs are differences:
# - refit on 500 windows: (run with --retrain-every 1 − run with --retrain-every 0) on 2,500 rows,
#   divided by the 2,000 extra trainings (each on the last 500 complete windows, offset included);
# - one window end to end inside a running process (parse the row, scale, 100 trees, format the CSV
#   row, write(2) it): (run over 100,500 rows − run over 500 rows) / 100,000, model trained once;
# - batch of 1 M rows: `bnc-score --batch` reading the NDJSON and writing the CSV, whole process.
# scikit-learn (scripts/reference/bench_sklearn.py): fit of StandardScaler + IsolationForest on 500
# rows; transform + decision_function + predict of one window; the batch job in pandas (read NDJSON,
# fit on the complete windows, score all, write CSV).
# Both wall-clock and CPU time (user + system) are reported: on a shared, loaded machine the wall
# clock mostly measures the neighbours, CPU time is what each side actually spent.
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

# "wall cpu" seconds for one run of "$@" < $1 > /dev/null
elapsed() {
    local input=$1; shift
    local TIMEFORMAT='%R %U %S'
    { time "$@" < "$input" > /dev/null 2>&1; } 2>&1 | awk '{ printf "%.6f %.6f\n", $1, $2 + $3 }'
}
# median of column $1 of the lines on stdin
median() { awk -v c="$1" '{ print $c }' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# "wall cpu" medians over n runs
runs() {
    local n=$1; shift
    local out
    out=$(for _ in $(seq "$n"); do elapsed "$@"; done)
    echo "$(median 1 <<< "$out") $(median 2 <<< "$out")"
}
col() { awk -v c="$1" '{ print $c }' <<< "$2"; }
diffper() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.9f", (a - b) / n }'; }

echo "measuring bnc-score ($RUNS runs each)…" >&2
retrain=$(runs "$RUNS" "$WORK/rows2500.ndjson" "$BIN" --quiet --train-windows 500 --retrain-every 1)
once=$(runs "$RUNS" "$WORK/rows2500.ndjson" "$BIN" --quiet --train-windows 500 --retrain-every 0)
long=$(runs "$RUNS" "$WORK/rows100k.ndjson" "$BIN" --quiet --train-windows 500 --retrain-every 0)
short=$(runs "$RUNS" "$WORK/rows500.ndjson" "$BIN" --quiet --train-windows 500 --retrain-every 0)
batch=$(runs "$RUNS" "$WORK/rows1m.ndjson" "$BIN" --quiet --batch)
ours_refit_wall=$(diffper "$(col 1 "$retrain")" "$(col 1 "$once")" 2000)
ours_refit_cpu=$(diffper "$(col 2 "$retrain")" "$(col 2 "$once")" 2000)
ours_window_wall=$(diffper "$(col 1 "$long")" "$(col 1 "$short")" 100000)
ours_window_cpu=$(diffper "$(col 2 "$long")" "$(col 2 "$short")" 100000)

echo "measuring scikit-learn…" >&2
sk_refit=$(python3 scripts/reference/bench_sklearn.py refit "$WORK/rows2500.ndjson" $((RUNS * 3)))
sk_window=$(python3 scripts/reference/bench_sklearn.py window "$WORK/rows2500.ndjson" 200)
sk_batch_runs=$(for _ in $(seq "$(( RUNS < 3 ? RUNS : 3 ))"); do python3 scripts/reference/bench_sklearn.py batch "$WORK/rows1m.ndjson"; done)
sk_batch="$(median 1 <<< "$sk_batch_runs") $(median 2 <<< "$sk_batch_runs")"

fmt() { awk -v s="$1" 'BEGIN { if (s < 1e-3) printf "%.2f µs", s * 1e6; else if (s < 1) printf "%.2f ms", s * 1e3; else printf "%.2f s", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f×", a / b }'; }
row() {  # name sklearn(wall cpu) ours-wall ours-cpu target
    echo "| $1 | $(fmt "$(col 1 "$2")") / $(fmt "$(col 2 "$2")") | $(fmt "$3") / $(fmt "$4") | $(ratio "$(col 1 "$2")" "$3") / $(ratio "$(col 2 "$2")" "$4") | $5 |"
}
echo
echo "| operation (median; wall clock / CPU time) | scikit-learn 1.7.2 | bnc-score | speed-up | target |"
echo "|---|---|---|---|---|"
row "refit on 500 windows (scaler + 100 trees + offset)" "$sk_refit" "$ours_refit_wall" "$ours_refit_cpu" "≥ 100×"
row "one window end to end in a running process" "$sk_window" "$ours_window_wall" "$ours_window_cpu" "≥ 1000×"
row "batch: 1 M rows, NDJSON in → CSV out" "$sk_batch" "$(col 1 "$batch")" "$(col 2 "$batch")" "≥ 10×"
echo
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end of the run"
