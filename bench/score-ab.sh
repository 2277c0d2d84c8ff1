#!/usr/bin/env bash
# Two bnc-score binaries side by side on the same rows, runs interleaved (A, B, A, B, …) so a
# shared machine's load hits both alike: the per-window path and batch scoring, as bench/score.sh
# measures them (issue 14: the reason's cost against the binary before it).
#
# Usage: bench/score-ab.sh OLD_BIN NEW_BIN [runs] [-- extra bnc-score options for NEW_BIN]
#   e.g. build main's binary in its own scratch path first:
#   git worktree add /tmp/bnc-main main   (or git archive main | tar x -C /tmp/bnc-main)
#   swift build -c release --package-path /tmp/bnc-main --scratch-path /tmp/bnc-main/.build-release --product bnc-score
#   bench/score-ab.sh /tmp/bnc-main/.build-release/release/bnc-score .build-release/release/bnc-score 5
# Per window: (run over 100,500 rows − run over 500 rows) / 100,000, model trained once at row 500
# (parse, score, reason for NEW, format, write). Batch: `--batch` over 1 M rows, whole process.
# Medians of CPU time (user + system) and wall clock.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2
runs=${3:-5}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/reference/seedrun_to_windows.py ../shared/data/seed-run/window_results_2026-02-28.csv 1000000 > "$work/rows1m.ndjson"
head -n 500 "$work/rows1m.ndjson" > "$work/rows500.ndjson"
head -n 100500 "$work/rows1m.ndjson" > "$work/rows100k.ndjson"

# "wall cpu" seconds of one run: $1 = input, rest = command
elapsed() {
    local input=$1; shift
    local TIMEFORMAT='%R %U %S'
    { time "$@" < "$input" > /dev/null 2>&1; } 2>&1 | awk '{ printf "%.6f %.6f\n", $1, $2 + $3 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A results
for _ in $(seq "$runs"); do
    for side in old new; do
        bin=$old; opts=()
        if [ "$side" = new ]; then bin=$new; opts=("${extra[@]}"); fi
        results[$side-long]+="$(elapsed "$work/rows100k.ndjson" "$bin" --quiet --train-windows 500 --retrain-every 0 "${opts[@]}")"$'\n'
        results[$side-short]+="$(elapsed "$work/rows500.ndjson" "$bin" --quiet --train-windows 500 --retrain-every 0 "${opts[@]}")"$'\n'
        results[$side-batch]+="$(elapsed "$work/rows1m.ndjson" "$bin" --quiet --batch "${opts[@]}")"$'\n'
    done
done
stat() {  # side kind column → median
    awk -v c="$3" 'NF { print $c }' <<< "${results[$1-$2]}" | median
}
per_window() {  # side column → µs
    awk -v a="$(stat "$1" long "$2")" -v b="$(stat "$1" short "$2")" 'BEGIN { printf "%.2f", (a - b) / 100000 * 1e6 }'
}
echo "| operation (median of $runs; CPU / wall) | before ($old) | after ($new ${extra[*]}) | after ÷ before (CPU) |"
echo "|---|---|---|---|"
ow=$(per_window old 2); nw=$(per_window new 2)
echo "| one window end to end | $ow µs / $(per_window old 1) µs | $nw µs / $(per_window new 1) µs | $(awk -v a="$nw" -v b="$ow" 'BEGIN { printf "%.2f", a / b }') |"
ob=$(stat old batch 2); nb=$(stat new batch 2)
echo "| batch, 1 M rows | $ob s / $(stat old batch 1) s | $nb s / $(stat new batch 1) s | $(awk -v a="$nb" -v b="$ob" 'BEGIN { printf "%.2f", a / b }') |"
echo
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end of the run"
