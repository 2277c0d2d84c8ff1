#!/usr/bin/env bash
# Detection latency benchmark (issue 12; not a test): how long after a window ends its row reaches
# the results CSV, through the real pipelines/live.sh against a local market in real time
# (scripts/testing/realtime_market_server.py: trades stamped with the wall clock, REST backfill).
#
# One run plays: active market, a silence (no trades at all), active, a drop (connections cut and
# refused; the market trades on, so the feed must reconnect and backfill), active. A watcher
# (bench/row_latency.py) polls the CSV every 20 ms; each row's latency is its arrival − its
# window end (both wall clock). Rows are grouped by case (see row_latency.py) and printed as
# median, p99 and max, with how many arrived within lateness + 2 s.
#
# Usage: bench/latency.sh [--window 5s] [--lateness 1s] [--active S] [--silence S] [--drop S]
#                         [--symbols BTCUSDT:20,ETHUSDT:2,THINUSDT:0.05] [--no-heartbeat]
# --no-heartbeat runs bnc-stream with --heartbeat 0: windows close on trades only (as before issue 12).
# Tools: $BNC_BIN if set (e.g. BNC_BIN=.build/debug), else a release build in .build-release.
set -euo pipefail
cd "$(dirname "$0")/.."
window=5s
lateness=1s
active=40
silence=40
drop=5
symbols=BTCUSDT:20,ETHUSDT:2,THINUSDT:0.05
extra=()
while (($#)); do
    case $1 in
        --window) window=$2; shift 2 ;;
        --lateness) lateness=$2; shift 2 ;;
        --active) active=$2; shift 2 ;;
        --silence) silence=$2; shift 2 ;;
        --drop) drop=$2; shift 2 ;;
        --symbols) symbols=$2; shift 2 ;;
        --no-heartbeat) extra=(--stream-opt --heartbeat=0); shift ;;
        *) echo "usage: bench/latency.sh [--window D] [--lateness D] [--active S] [--silence S] [--drop S] [--symbols LIST] [--no-heartbeat]" >&2; exit 64 ;;
    esac
done
ms() { # 5s / 500ms / 1m → milliseconds
    case $1 in
        *ms) echo "${1%ms}" ;;
        *s) echo $((${1%s} * 1000)) ;;
        *m) echo $((${1%m} * 60000)) ;;
        *) echo "bench/latency.sh: durations are like 5s, 500ms or 1m: $1" >&2; exit 64 ;;
    esac
}
window_ms=$(ms "$window")
lateness_ms=$(ms "$lateness")
if [[ -z ${BNC_BIN:-} ]]; then
    swift build -c release --scratch-path .build-release >/dev/null
    BNC_BIN=$PWD/.build-release/release
fi
export BNC_BIN

TMP=$(mktemp -d)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

python3 scripts/testing/realtime_market_server.py --port-file "$TMP/port" --events "$TMP/events" \
    --symbols "$symbols" --script "active:$active,silence:$silence,active:$active,drop:$drop,active:$active" \
    >"$TMP/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -s $TMP/port ]] && break; sleep 0.1; done
read -r ws_port rest_port <"$TMP/port"

mkdir -p "$TMP/data"
python3 bench/row_latency.py watch "$TMP/data" "$TMP/arrivals" &
pids+=($!)
names=()
for s in ${symbols//,/ }; do names+=("${s%%:*}"); done
pipelines/live.sh --data-dir "$TMP/data" --endpoint "ws://127.0.0.1:$ws_port" \
    --stream-opt "--rest-endpoint=http://127.0.0.1:$rest_port" --window "$window" --lateness "$lateness" \
    --train-windows 10 --retrain-every 10 "${extra[@]}" "${names[@],,}" >"$TMP/live.log" 2>&1 &
live=$!
pids+=("$live")

total=$((3 * active + silence + drop + 10))
echo "bench/latency.sh: $window windows, lateness $lateness, ${symbols}; active ${active} s, silence ${silence} s, active, drop ${drop} s, active: about $total s" >&2
sleep "$total"
kill -TERM "$live"
wait "$live" || true
sleep 0.5

echo "row latency after window end (arrival in the CSV − window end, wall clock), $window windows, lateness $lateness:"
echo
python3 bench/row_latency.py report "$TMP/arrivals" "$TMP/events" --window-ms "$window_ms" --lateness-ms "$lateness_ms"
echo
echo "feed: $(grep -c 'connected to' "$TMP/live.log") connections, $(grep -c 'backfilled' "$TMP/live.log") backfills"
