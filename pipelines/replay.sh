#!/usr/bin/env bash
# Usage: replay.sh [options] FILE…
#
# Re-runs history through the detector: FILE… → bnc-window (any window size) → bnc-score → CSV.
# This is how to try another window size or other model settings on data you already have.
#
# FILE can be (mixed freely, read in the order given):
#   - recordings of trade lines (from record.sh / bnc-stream), plain, .gz or .zst;
#   - captures with a receive timestamp before each combined-stream message
#     (`<ts> {"stream":"btcusdt@trade","data":{…}}`, as in ../shared/data/hftbacktest_*.gz):
#     the timestamp is stripped and only @trade/@aggTrade messages are kept;
#   - Binance public-data dumps (`BTCUSDT-trades-2024-08-09.zip`, `…-aggTrades-….csv`), read
#     by `bnc-stream public-data` (give --symbol when the file name does not carry it);
#   - `-` for trade lines on stdin.
#
# Options:
#   --window DURATION      window size (default 20s)
#   --lateness DURATION    how long a window waits for late trades (default 1s)
#   --output FILE          append the CSV to FILE (a %Y-%m-%d in it rotates daily) instead of stdout
#   --batch                train on all complete windows of the input first, then score every
#                          row: the default, since files end (see below)
#   --life-cycle           score as live.sh would instead: no score until the model's buffer of
#                          --train-windows (500) complete windows is full, then rolling retrains
#                          (implied by --train-windows or --retrain-every)
#   --symbol SYMBOL        symbol for public-data files whose name does not carry it
#   --train-windows N, --retrain-every N, --contamination C, --trees N, --max-samples N,
#   --seed N, --features LIST, --format csv|ndjson, --model FILE   passed to bnc-score
#   --score-opt ARG, --window-opt ARG   any other option for bnc-score / bnc-window (repeat)
#   -h, --help             this text
#
# By default every row is scored (bnc-score --batch): a replay has the whole input at hand, so
# the model is trained on all of its complete windows first. The live life cycle would leave the
# first 500 windows unscored — with 10 s windows, the first 83 minutes, more than many files hold.
#
# Examples:
#   pipelines/replay.sh --window 10s ../shared/data/hftbacktest_spot_btcusdt_2024080{8,9}.gz
#   pipelines/replay.sh --window 1m --batch --output /tmp/btc-1m.csv data/trades/BTCUSDT-*.ndjson.zst
set -euo pipefail
BNC_SCRIPT=replay.sh
# shellcheck source=pipelines/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

window=20s
window_args=()
score_args=()
files=()
output=""
mode=""
BNC_PUBLIC_DATA_ARGS=""

while (($#)); do
    case $1 in
        --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
        -h | --help) bnc_print_help < <(sed -n '2,/^set -euo/p' "$0" | sed '$d'); exit 0 ;;
        --window) bnc_check_duration "$@"; window=$2; shift 2 ;;
        --lateness) bnc_check_duration "$@"; window_args+=(--lateness "$2"); shift 2 ;;
        --output) bnc_need_value "$@"; output=$2; shift 2 ;;
        --batch) mode="batch"; shift ;;
        --life-cycle) mode="life-cycle"; shift ;;
        --symbol) bnc_need_value "$@"; bnc_check_symbol "$1" "$2"; BNC_PUBLIC_DATA_ARGS="--symbol $2"; shift 2 ;;
        --train-windows | --retrain-every | --contamination | --trees | --max-samples | --seed | --features | --format | --model)
            bnc_need_value "$@"; score_args+=("$1" "$2"); shift 2 ;;
        --score-opt) bnc_need_word "$@"; score_args+=("$2"); shift 2 ;;
        --window-opt) bnc_need_word "$@"; window_args+=("$2"); shift 2 ;;
        --) shift; files+=("$@"); break ;;
        -) files+=(-); shift ;;
        -*) bnc_usage_error "unknown option $1" ;;
        *) files+=("$1"); shift ;;
    esac
done
((${#files[@]})) || bnc_usage_error "no input files (use - for stdin)"
bnc_check_inputs "${files[@]}"
# Training options belong to the life cycle; with --batch they are bnc-score's usage error.
for arg in "${score_args[@]}"; do
    case $arg in --train-windows | --train-windows=* | --retrain-every | --retrain-every=*) [[ -n $mode ]] || mode=life-cycle ;; esac
done
[[ $mode == life-cycle ]] || score_args=(--batch "${score_args[@]}")
export BNC_PUBLIC_DATA_ARGS

bnc_setup_tools bnc-stream bnc-window bnc-score
[[ -z $output ]] || score_args+=(--output "$output")
bnc_trades_from_files "${files[@]}" | bnc-window --window "$window" "${window_args[@]}" | bnc-score "${score_args[@]}"
