#!/usr/bin/env bash
# Usage: record.sh [options] [SYMBOL…]
#        record.sh [options] --from FILE [--from FILE…]
#
# Keeps raw Binance trades in daily files by exchange (UTC) date:
# DATA/trades/SYMBOL-YYYY-MM-DD.ndjson, one trade line (docs/formats.md §1) per line, exactly the
# payload Binance sent. Every line is appended whole with one write; at midnight the next
# day's file starts and the old one is fsynced (and compressed with --compress once its grace
# period is over), so no line is lost or split at rotation. Built on `bnc-stream record`.
#
# Live by default (bnc-stream SYMBOL…); with --from it files recordings or captures instead:
# plain/.gz/.zst trade lines, hftbacktest-style captures (`<ts> {"stream":…,"data":…}`, only
# @trade lines kept), or Binance public-data trade CSVs/zips; `--from -` reads stdin.
# SIGTERM/SIGINT: the stream stops, the recorder writes what it holds, fsyncs and exits.
#
# Options:
#   --data-dir DIR          base folder (default: <repo>/data); files go to DIR/trades
#   --dir DIR               the trades folder itself (default: DATA/trades)
#   --compress zstd|gzip    compress each day once it is closed
#   --close-after DURATION  grace after midnight for late trades (default 5m)
#   --from FILE             read this file instead of the live stream (repeat for several)
#   --endpoint URL, --ca-file FILE, --stream trade|aggTrade   passed to bnc-stream
#   --stream-opt ARG        any other bnc-stream option (repeat)
#   -h, --help              this text
#
# Examples:
#   pipelines/record.sh --compress zstd btcusdt ethusdt
#   pipelines/record.sh --data-dir /tmp/x --from ../shared/data/hftbacktest_spot_btcusdt_20240808.gz
set -euo pipefail
BNC_SCRIPT=record.sh
# shellcheck source=pipelines/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data_dir=$BNC_ROOT/data
dir=""
symbols=()
inputs=()
stream_args=()
record_args=()

while (($#)); do
    case $1 in
        --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
        -h | --help) bnc_print_help < <(sed -n '2,/^set -euo/p' "$0" | sed '$d'); exit 0 ;;
        --data-dir) bnc_need_value "$@"; data_dir=$2; shift 2 ;;
        --dir) bnc_need_value "$@"; dir=$2; shift 2 ;;
        --compress)
            bnc_need_value "$@"
            case $2 in zstd | gzip) ;; *) bnc_usage_error "--compress must be zstd or gzip" ;; esac
            record_args+=(--compress "$2"); shift 2 ;;
        --close-after) bnc_check_duration "$@"; record_args+=(--close-after "$2"); shift 2 ;;
        --from) bnc_need_word "$@"; inputs+=("$2"); shift 2 ;;
        --endpoint | --ca-file | --stream) bnc_need_value "$@"; stream_args+=("$1" "$2"); shift 2 ;;
        --stream-opt) bnc_need_word "$@"; stream_args+=("$2"); shift 2 ;;
        --) shift; symbols+=("$@"); break ;;
        -*) bnc_usage_error "unknown option $1" ;;
        *) symbols+=("$1"); shift ;;
    esac
done
((${#inputs[@]} == 0 || ${#symbols[@]} == 0)) || bnc_usage_error "give symbols (live) or --from files, not both"
((${#inputs[@]} == 0 || ${#stream_args[@]} == 0)) || bnc_usage_error "--endpoint, --ca-file, --stream and --stream-opt are for the live stream, not --from files"
for s in "${symbols[@]}"; do bnc_check_symbol symbol "$s"; done
bnc_check_inputs "${inputs[@]}"
[[ -n $dir ]] || dir=$data_dir/trades

bnc_setup_tools bnc-stream
mkdir -p "$dir" || BNC_EXIT=73 bnc_die "cannot create $dir"

if ((${#inputs[@]})); then
    bnc_trades_from_files "${inputs[@]}" | bnc-stream record --dir "$dir" "${record_args[@]}"
    exit 0
fi

((${#symbols[@]})) || symbols=(btcusdt)
work=$(mktemp -d "${TMPDIR:-/tmp}/bnc-record.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkfifo "$work/trades"
set -m
bnc-stream live "${stream_args[@]}" "${symbols[@]}" >"$work/trades" &
stream_pid=$!
stopping=0
stop_stream() { stopping=1; kill -TERM "$stream_pid" 2>/dev/null || true; }
trap stop_stream TERM INT HUP
bnc-stream record --dir "$dir" "${record_args[@]}" <"$work/trades" &
record_pid=$!
bnc_warn "recording ${symbols[*]} → $dir (pid $$)"

record_status=0
bnc_wait_for "$record_pid" || record_status=$?
((stopping)) || kill -TERM "$stream_pid" 2>/dev/null || true
stream_status=0
bnc_wait_for "$stream_pid" || stream_status=$?
trap - TERM INT HUP
((record_status == 0)) || bnc_die "bnc-stream record exited with status $record_status"
((stream_status == 0)) || bnc_die "bnc-stream exited with status $stream_status"
