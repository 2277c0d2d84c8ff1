#!/usr/bin/env bash
# Usage: live.sh [options] [SYMBOL…]
#
# The live detector: bnc-stream → bnc-window → bnc-score on Binance's trade stream.
# Scored windows are appended to DATA/window_results_YYYY-MM-DD.csv (one file per UTC day of
# the window, header once per file); the model of each symbol is saved to DATA/model-… after
# every training and loaded again at the next start, so a restart scores at once.
# SIGTERM or SIGINT stops the stream first; the later stages finish the rows they hold and exit.
#
# Options:
#   --data-dir DIR        where results, model and recordings go (default: <repo>/data)
#   --record              also keep the raw trades in DATA/trades/SYMBOL-YYYY-MM-DD.ndjson
#   --compress zstd|gzip  with --record: compress each closed day
#   --endpoint URL        WebSocket endpoint (bnc-stream --endpoint)
#   --ca-file FILE        extra CA certificate for TLS (bnc-stream --ca-file)
#   --stream trade|aggTrade
#   --window DURATION     window size (default 20s)
#   --lateness DURATION   how long a window waits for late trades (default 1s)
#   --model FILE          model file (default DATA/model-SYMBOLS-WINDOW.bncmodel)
#   --train-windows N, --retrain-every N, --contamination C   passed to bnc-score
#   --metrics-dir DIR     where the stages write their Prometheus metrics, bnc-stream.prom,
#                         bnc-window.prom and bnc-score.prom (default DATA/metrics; point
#                         node_exporter's --collector.textfile.directory at it); files of an
#                         earlier run are removed at start
#   --metrics-interval DURATION   how often the metrics files are rewritten (default 5s)
#   --no-metrics          write no metrics files (collector.sh status then knows less)
#   --stream-opt ARG, --window-opt ARG, --score-opt ARG       any other option for one stage
#                         (repeat; e.g. --stream-opt --idle-timeout --stream-opt 30s)
#   --alert CMD           run CMD (/bin/sh -c) once per anomaly episode: bnc-stats watch --follow
#                         --exec CMD on the day's results, the alert as JSON on stdin and BNC_*
#                         variables; state in DATA/watch.state (each episode alerted once, across
#                         restarts); stopped with the pipeline. Recipes: README, docs/stats.md
#   --watch-opt ARG       any other bnc-stats watch option with --alert (repeat; e.g.
#                         --watch-opt --merge-gap --watch-opt 2)
#   --dry-run             check the options and exit (0 if they are fine); starts nothing
#   -h, --help            this text
#
# Symbols default to btcusdt; case does not matter.
#
# Example:
#   pipelines/live.sh --record btcusdt ethusdt
set -euo pipefail
BNC_SCRIPT=live.sh
# shellcheck source=pipelines/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data_dir=$BNC_ROOT/data
record=0
dry_run=0
compress=""
window=20s
lateness=""
model=""
metrics_dir=""
metrics=1
metrics_interval=""
symbols=()
stream_args=()
window_args=()
score_args=()
alert=""
watch_args=()

while (($#)); do
    case $1 in
        --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
        -h | --help) bnc_print_help < <(sed -n '2,/^set -euo/p' "$0" | sed '$d'); exit 0 ;;
        --data-dir) bnc_need_value "$@"; data_dir=$2; shift 2 ;;
        --record) record=1; shift ;;
        --dry-run) dry_run=1; shift ;;
        --compress) bnc_need_value "$@"; compress=$2; shift 2 ;;
        --endpoint | --ca-file | --stream) bnc_need_value "$@"; stream_args+=("$1" "$2"); shift 2 ;;
        --window) bnc_check_duration "$@"; window=$2; shift 2 ;;
        --lateness) bnc_check_duration "$@"; lateness=$2; shift 2 ;;
        --model) bnc_need_value "$@"; model=$2; shift 2 ;;
        --metrics-dir) bnc_need_value "$@"; metrics_dir=$2; shift 2 ;;
        --metrics-interval) bnc_check_duration "$@"; metrics_interval=$2; shift 2 ;;
        --no-metrics) metrics=0; shift ;;
        --train-windows | --retrain-every | --contamination) bnc_need_value "$@"; score_args+=("$1" "$2"); shift 2 ;;
        --stream-opt) bnc_need_word "$@"; stream_args+=("$2"); shift 2 ;;
        --window-opt) bnc_need_word "$@"; window_args+=("$2"); shift 2 ;;
        --score-opt) bnc_need_word "$@"; score_args+=("$2"); shift 2 ;;
        --alert) bnc_need_value "$@"; alert=$2; shift 2 ;;
        --watch-opt) bnc_need_word "$@"; watch_args+=("$2"); shift 2 ;;
        --) shift; symbols+=("$@"); break ;;
        -*) bnc_usage_error "unknown option $1" ;;
        *) symbols+=("$1"); shift ;;
    esac
done
((${#symbols[@]})) || symbols=(btcusdt)
for s in "${symbols[@]}"; do bnc_check_symbol symbol "$s"; done
case $compress in "" | zstd | gzip) ;; *) bnc_usage_error "--compress must be zstd or gzip" ;; esac
[[ -z $compress || $record == 1 ]] || bnc_usage_error "--compress needs --record"
[[ -n $alert || ${#watch_args[@]} == 0 ]] || bnc_usage_error "--watch-opt needs --alert"
[[ -z $alert || $alert =~ [^[:space:]] ]] || bnc_usage_error "--alert needs a command"
if ((dry_run)); then
    echo "live.sh: options are fine: ${symbols[*]} → $data_dir/window_results_YYYY-MM-DD.csv"
    exit 0
fi

tools=(bnc-stream bnc-window bnc-score)
[[ -z $alert ]] || tools+=(bnc-stats)
bnc_setup_tools "${tools[@]}"
mkdir -p "$data_dir" || BNC_EXIT=73 bnc_die "cannot create $data_dir"
if [[ -z $model ]]; then
    joined=$(IFS=-; echo "${symbols[*]}")
    model=$data_dir/model-${joined^^}-$window.bncmodel
fi
window_args+=(--window "$window" --quiet)
[[ -z $lateness ]] || window_args+=(--lateness "$lateness")
score_args+=(--output "$data_dir/window_results_%Y-%m-%d.csv" --model "$model")
record_args=(--dir "$data_dir/trades" --tee)
if ((metrics)); then
    metrics_dir=${metrics_dir:-$data_dir/metrics}
    mkdir -p "$metrics_dir" || BNC_EXIT=73 bnc_die "cannot create $metrics_dir"
fi
[[ -z $compress ]] || record_args+=(--compress "$compress")

# One live.sh per data folder: two would append the same windows to the same results files and
# race on the model file. The lock is held by this script and inherited by its stages (fd 8), so
# it is free again only when the whole pipeline is gone, and the kernel frees it after a crash.
exec 8>"$data_dir/.live-lock" || BNC_EXIT=73 bnc_die "cannot create $data_dir/.live-lock"
if ! flock -n 8; then
    BNC_EXIT=73 bnc_die "another live.sh is already writing to $data_dir (stop it first, or give another --data-dir)"
fi

# The FIFO between the stream and the rest lives under the data folder, so a run that was
# SIGKILLed (its EXIT trap cannot run) leaves nothing in /tmp; the next start removes such
# leftovers (unlinking a FIFO that is still open does not disturb the processes using it) —
# safe now that no other live.sh can be using this folder.
rm -rf "$data_dir"/.live.*
if ((metrics)); then
    # The files of an earlier run would be read as this run's (by collector.sh status, or by a
    # scrape as values that never change): each stage writes its own again at its start.
    rm -f "$metrics_dir"/bnc-stream.prom "$metrics_dir"/bnc-window.prom "$metrics_dir"/bnc-score.prom
    # A stage killed mid-write (kill -9) leaves its temporary file (.NAME.PID.tmp, never read).
    rm -f "$metrics_dir"/.bnc-stream.prom.*.tmp "$metrics_dir"/.bnc-window.prom.*.tmp "$metrics_dir"/.bnc-score.prom.*.tmp
    stream_args+=(--metrics-file "$metrics_dir/bnc-stream.prom")
    window_args+=(--metrics-file "$metrics_dir/bnc-window.prom")
    score_args+=(--metrics-file "$metrics_dir/bnc-score.prom")
    if [[ -n $metrics_interval ]]; then
        stream_args+=(--metrics-interval "$metrics_interval")
        window_args+=(--metrics-interval "$metrics_interval")
        score_args+=(--metrics-interval "$metrics_interval")
    fi
fi
work=$(mktemp -d "$data_dir/.live.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkfifo "$work/trades"

# Each stage group gets its own process group (job control), so a Ctrl-C on the terminal
# reaches only this script, which then stops the stream in order.
set -m
bnc-stream live "${stream_args[@]}" "${symbols[@]}" >"$work/trades" &
stream_pid=$!
stopping=0
stop_stream() {
    stopping=1
    kill -TERM "$stream_pid" 2>/dev/null || true
}
trap stop_stream TERM INT HUP

if ((record)); then
    bnc-stream record "${record_args[@]}" <"$work/trades" | bnc-window "${window_args[@]}" | bnc-score "${score_args[@]}" &
else
    bnc-window "${window_args[@]}" <"$work/trades" | bnc-score "${score_args[@]}" &
fi
rest_pid=$!
watch_pid=""
if [[ -n $alert ]]; then
    # Follows the daily files as bnc-score writes them; its --state makes a restart alert each
    # episode once. It never ends by itself: it is stopped below, after the last rows are written.
    bnc-stats watch --follow --exec "$alert" --state "$data_dir/watch.state" --metrics-dir "$data_dir/metrics" \
        "${watch_args[@]}" "$data_dir/window_results_%Y-%m-%d.csv" </dev/null &
    watch_pid=$!
fi
bnc_warn "running: ${symbols[*]} → $data_dir/window_results_YYYY-MM-DD.csv${alert:+, alerts through --alert} (pid $$)"

rest_status=0
bnc_wait_for "$rest_pid" || rest_status=$?
# The analysis side ended by itself (error): stop the stream too.
((stopping)) || kill -TERM "$stream_pid" 2>/dev/null || true
stream_status=0
bnc_wait_for "$stream_pid" || stream_status=$?
watch_status=0
if [[ -n $watch_pid ]]; then
    # A moment to read the rows written last (the watch looks every 200 ms), then stop it; it
    # lets a running alert command finish (within --exec-timeout) and saves its state.
    sleep 0.5
    kill -TERM "$watch_pid" 2>/dev/null || true
    bnc_wait_for "$watch_pid" || watch_status=$?
    ((watch_status == 0)) || bnc_warn "bnc-stats watch (--alert) exited with status $watch_status"
fi
trap - TERM INT HUP
if ((stream_status != 0)); then bnc_warn "bnc-stream exited with status $stream_status"; exit "$stream_status"; fi
if ((rest_status != 0)); then bnc_warn "the window/score stages exited with status $rest_status"; exit "$rest_status"; fi
bnc_warn "stopped"
