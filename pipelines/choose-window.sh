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
# Options:
#   --sizes LIST   candidate sizes, comma-separated durations (default 1s,5s,10s,20s,30s,60s)
#   --json         machine-readable output
#   --symbol SYM   symbol for public-data files whose name does not carry it
#   -h, --help     this text
#
# Examples:
#   pipelines/choose-window.sh ../shared/data/seed-run/trade_rate.csv
#   pipelines/choose-window.sh ../shared/data/hftbacktest_spot_btcusdt_2024080{8,9}.gz
set -euo pipefail
BNC_SCRIPT=choose-window.sh
# shellcheck source=pipelines/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stats_args=()
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
        --json) stats_args+=(--json); shift ;;
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
    [[ $f == - || -r $f ]] || bnc_usage_error "$f: cannot read"
    if [[ $f != - && $(bnc_first_line "$f") == event_time,trades_per_sec* ]]; then rates+=("$f"); else trades+=("$f"); fi
done
((${#rates[@]} == 0 || ${#trades[@]} == 0)) || bnc_usage_error "give either trade files or trade_rate CSVs, not both"
# --sizes takes several values, so it goes last, after the files.
((${#sizes[@]} == 0)) || stats_args+=(--sizes "${sizes[@]}")

if ((${#rates[@]})); then
    bnc_setup_tools bnc-stats
    bnc-stats cv "${rates[@]}" "${stats_args[@]}"
else
    bnc_setup_tools bnc-stream bnc-window bnc-stats
    bnc_trades_from_files "${trades[@]}" | bnc-window --window 1s --quiet | bnc-stats cv - "${stats_args[@]}"
fi
