#!/usr/bin/env bash
# Usage: choose-window.sh [options] FILE…
#
# The study the original project used to pick its 20 s window: the coefficient of variation
# (std / mean) of the trade count per window for candidate window sizes — a steadier count
# (lower CV) makes a calmer baseline, while a shorter window reacts faster.
#
# FILE can be trades (recordings, captures, public data: anything replay.sh reads), which are
# cut into 1-second windows by `bnc-window --window 1s` first, or the original's per-second
# `trade_rate*.csv` (`event_time,trades_per_sec`), which go to `bnc-stats cv` as they are.
#
# After the table it recommends one size, with the rule: the shortest candidate whose trade-count
# CV is at most --max-cv, among those with at least --min-windows whole windows (on the original's
# trade_rate.csv that is 20 s, the size it chose). If none is that steady, the steadiest one, and
# it says so. The line goes to stdout after the table; with --json to stderr (stdout stays JSON).
#
# Options:
#   --sizes LIST       candidate sizes, comma-separated durations (default 1s,5s,10s,20s,30s,60s)
#   --max-cv X         the steadiness asked for (default 0.6: the count varies by at most 60 %
#                      of its mean)
#   --min-windows N    whole windows a size needs to be considered (default 10)
#   --json             machine-readable output
#   --symbol SYM       symbol for public-data files whose name does not carry it
#   -h, --help         this text
#
# Examples:
#   pipelines/choose-window.sh ../shared/data/seed-run/trade_rate.csv
#   pipelines/choose-window.sh ../shared/data/hftbacktest_spot_btcusdt_2024080{8,9}.gz
set -euo pipefail
BNC_SCRIPT=choose-window.sh
# shellcheck source=pipelines/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stats_args=()
json=0
max_cv=0.6
min_windows=10
sizes=()
files=()
BNC_PUBLIC_DATA_ARGS=""
while (($#)); do
    case $1 in
        --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
        -h | --help) bnc_print_help < <(sed -n '2,/^set -euo/p' "$0" | sed '$d'); exit 0 ;;
        --sizes)
            bnc_need_value "$@"
            IFS=, read -r -a sizes <<<"$2"
            for size in "${sizes[@]}"; do bnc_check_duration --sizes "$size"; done
            shift 2 ;;
        --json) json=1; shift ;;
        --max-cv) bnc_need_value "$@"; bnc_check_decimal "$1" "$2" 0 1000; max_cv=$2; shift 2 ;;
        --min-windows) bnc_need_value "$@"; bnc_check_integer "$1" "$2" 2 1000000000; min_windows=$2; shift 2 ;;
        --symbol) bnc_need_value "$@"; bnc_check_symbol "$1" "$2"; BNC_PUBLIC_DATA_ARGS="--symbol $2"; shift 2 ;;
        --) shift; files+=("$@"); break ;;
        -) files+=(-); shift ;;
        -*) bnc_usage_error "unknown option $1" ;;
        *) files+=("$1"); shift ;;
    esac
done
((${#files[@]})) || bnc_usage_error "no input files"
export BNC_PUBLIC_DATA_ARGS

rates=()
trades=()
for f in "${files[@]}"; do
    bnc_check_inputs "$f"
    if [[ $f != - && $(bnc_first_line "$f") == event_time,trades_per_sec* ]]; then rates+=("$f"); else trades+=("$f"); fi
done
((${#rates[@]} == 0 || ${#trades[@]} == 0)) || bnc_usage_error "give either trade files or trade_rate CSVs, not both"
# bnc-stats takes the list as one comma-separated word.
((${#sizes[@]} == 0)) || stats_args+=(--sizes "$(IFS=,; echo "${sizes[*]}")")

# The recommendation from `bnc-stats cv --json` (one key per line): see the rule at the top.
recommend() {
    awk -v max="$max_cv" -v min="$min_windows" '
        function label(s) {
            if (s >= 3600 && s % 3600 == 0) return (s / 3600) "h"
            if (s >= 60 && s % 60 == 0) return (s / 60) "m"
            if (s == int(s)) return s "s"
            return int(s * 1000 + 0.5) "ms"
        }
        /"window_seconds":/ { w = $2 + 0 }
        /"windows":/ { n = $2 + 0 }
        /"trades_cv":/ {
            v = $2; sub(/,$/, "", v)
            if (v == "null" || n < min) next
            v += 0; eligible++
            if (pick == "" && v <= max) { pick = label(w); pickcv = v; pickn = n }
            if (best == "" || v < bestcv) { best = label(w); bestcv = v; bestn = n }
        }
        END {
            rule = sprintf("rule: the shortest size whose trade-count CV is at most %s, among sizes with at least %d whole windows", max, min)
            if (pick != "") printf "recommended window: %s (trade-count CV %.3g over %d windows); %s\n", pick, pickcv, pickn, rule
            else if (eligible) printf "recommended window: %s, the steadiest size (trade-count CV %.3g over %d windows): none reaches CV %s, longer --sizes may; %s\n", best, bestcv, bestn, max, rule
            else printf "no recommendation: no candidate size has %d whole windows in this input (give more data, shorter --sizes or --min-windows)\n", min
        }'
}

work=$(mktemp -d "${TMPDIR:-/tmp}/bnc-choose-window.XXXXXX")
trap 'rm -rf "$work"' EXIT
if ((${#rates[@]})); then
    bnc_setup_tools bnc-stats
    inputs=("${rates[@]}")
else
    bnc_setup_tools bnc-stream bnc-window bnc-stats
    bnc_trades_from_files "${trades[@]}" | bnc-window --window 1s --quiet >"$work/rows.ndjson"
    inputs=("$work/rows.ndjson")
fi
bnc-stats cv "${inputs[@]}" --json "${stats_args[@]}" >"$work/cv.json"
if ((json)); then
    cat "$work/cv.json"
    bnc_warn "$(recommend <"$work/cv.json")"
else
    bnc-stats cv "${inputs[@]}" "${stats_args[@]}"
    recommend <"$work/cv.json"
fi
