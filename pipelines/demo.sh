#!/usr/bin/env bash
# Usage: demo.sh [options]
#
# The whole detector, fully offline, in well under a minute, on SYNTHETIC data:
#   bnc-stream simulate → bnc-window → bnc-score → bnc-stats summary + report
# The simulator makes a BTCUSDT-like market (clustered arrivals, heavy-tailed sizes, random-walk
# price with bid-ask bounce) with planted anomaly episodes, whose times it writes to labels.json.
# Nothing here is real market data; use replay.sh for the real captures.
#
# Options:
#   --data-dir DIR   base folder (default: <repo>/data); the demo writes to DIR/demo
#   --out DIR        write to DIR instead of DATA/demo
#   --force          replace the output of an earlier run (otherwise an existing
#                    window_results.csv there is an error, exit 73, and nothing is touched)
#   --hours N        simulated hours, more than 0 and at most 8784 (default 12: 2160 windows
#                    of 20 s, the first 500 warm up the model)
#   --seed N         simulator seed, a whole number (default 1); same seed, same market, same scores
#   --verbose        also show bnc-score's training notices (on stderr)
#   -h, --help       this text
#
# Writes: labels.json (planted episodes), window_results.csv (scores), summary.txt, report.html.
#
# Example:
#   pipelines/demo.sh --hours 24 --seed 7
set -euo pipefail
BNC_SCRIPT=demo.sh
# shellcheck source=pipelines/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data_dir=$BNC_ROOT/data
out=""
hours=12
seed=1
force=0
verbose=0
while (($#)); do
    case $1 in
        --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
        -h | --help) bnc_print_help < <(sed -n '2,/^set -euo/p' "$0" | sed '$d'); exit 0 ;;
        --data-dir) bnc_need_value "$@"; data_dir=$2; shift 2 ;;
        --out) bnc_need_value "$@"; out=$2; shift 2 ;;
        --hours) bnc_need_value "$@"; hours=$2; shift 2 ;;
        --seed) bnc_need_value "$@"; seed=$2; shift 2 ;;
        --force) force=1; shift ;;
        --verbose) verbose=1; shift ;;
        *) bnc_usage_error "unknown argument $1" ;;
    esac
done
# Every check before anything is created or removed.
bnc_check_decimal --hours "$hours" 0 8784
bnc_check_integer --seed "$seed" 0 18446744073709551615
[[ -n $out ]] || out=$data_dir/demo
outputs=(labels.json window_results.csv summary.txt report.html)
bnc_refuse_overwrite "$out/window_results.csv" "$force"
[[ ! -e $out || -d $out ]] || BNC_EXIT=73 bnc_die "$out exists and is not a folder"

bnc_setup_tools bnc-stream bnc-window bnc-score bnc-stats
mkdir -p "$out" || BNC_EXIT=73 bnc_die "cannot create $out"
# The run writes into a fresh folder beside the outputs and moves them into place only once
# everything has succeeded: a failed run leaves the previous output as it was.
work=$(mktemp -d "$out/.demo.XXXXXX") || BNC_EXIT=73 bnc_die "cannot write in $out"
trap 'rm -rf "$work"' EXIT
score_args=(--output "$work/window_results.csv")
((verbose)) || score_args+=(--quiet)

echo "bnc demo — SYNTHETIC market data from the simulator (seed $seed, $hours simulated hours), not real trades"
echo "  bnc-stream simulate | bnc-window --window 20s | bnc-score  →  $out/window_results.csv"
start=$(date +%s)
bnc-stream simulate --seed "$seed" --hours "$hours" --speed 0 --labels "$work/labels.json" |
    bnc-window --window 20s --quiet |
    bnc-score "${score_args[@]}"
# One account of the rows, the same one bnc-stats summary gives below: every window is written;
# those before the first model (its 500-window training buffer) carry no score.
read -r rows scored < <(awk -F, 'NR > 1 { rows++; if ($7 != "") scored++ } END { print rows + 0, scored + 0 }' "$work/window_results.csv")
episodes=$(grep -o '"kind"' "$work/labels.json" | wc -l || true)
thousands() { sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta' <<<"$1"; }
echo "  $(thousands "$rows") windows: $(thousands "$scored") scored, $(thousands $((rows - scored))) unscored (the model's warm-up: it trains once 500 complete windows are buffered)"
((scored > 0)) || echo "  nothing scored: the model needs 500 complete 20 s windows (2 h 47 min) before its first training; give --hours 3 or more"
echo "  $episodes anomaly episodes planted (labels: $out/labels.json)"
echo
# Run inside the staging folder, so the report names its input as it will be found: beside it.
(cd "$work" && bnc-stats summary window_results.csv | tee summary.txt && bnc-stats report --html report.html window_results.csv)
for f in "${outputs[@]}"; do mv -f "$work/$f" "$out/$f"; done
echo
echo "Took $(($(date +%s) - start)) s. The data above is SYNTHETIC (bnc-stream simulate, seed $seed)."
echo "HTML report: $out/report.html"
