#!/usr/bin/env bash
# The whole market live (issue 15; a benchmark, not a test): bnc-stream live --quote USDT →
# bnc-window → bnc-score against scripts/testing/market_server.py (2,000 symbols at skewed
# rates with bursts, Binance's limits enforced) for --seconds of trading, then a few seconds to
# drain. Prints trades/s served and written, bnc-stream's receive lag (its --metrics-file), CPU
# time and peak RSS of each process (/proc: utime+stime, VmHWM, sampled every second), rows
# written, and the id check of scripts/testing/market_check.py: every id served over WebSocket
# written exactly once, in order per symbol (lost must be 0), and the limits the server recorded
# as exceeded (none).
#
# Usage: bench/market.sh [--seconds 180] [--symbols 2000] [--top-rate 40] [--drop I:S]
#                        [--streams-per-connection 1024] [--keep DIR]
# --keep DIR copies the logs, the stream's output and the server's stats there at the end.
# --drop 1:60 cuts the second connection 60 s in (reconnect and REST backfill under load).
# Tools: $BNC_BIN if set (e.g. BNC_BIN=.build/debug), else a release build in .build-release.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=180
symbols=2000
top_rate=40
drop=""
per_connection=1024
keep=""
while (($#)); do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --symbols) symbols=$2; shift 2 ;;
        --top-rate) top_rate=$2; shift 2 ;;
        --drop) drop=$2; shift 2 ;;
        --streams-per-connection) per_connection=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        *) echo "usage: bench/market.sh [--seconds S] [--symbols N] [--top-rate R] [--drop I:S] [--streams-per-connection N] [--keep DIR]" >&2; exit 64 ;;
    esac
done
if [[ -z ${BNC_BIN:-} ]]; then
    swift build -c release --scratch-path .build-release >/dev/null
    BNC_BIN=$PWD/.build-release/release
fi

TMP=$(mktemp -d)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ -n $keep ]]; then
        mkdir -p "$keep"
        cp "$TMP"/*.log "$TMP"/*.json "$TMP"/*.ndjson "$TMP"/*.prom "$keep"/ 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

server_args=(--port-file "$TMP/port" --stats "$TMP/stats.json" --symbols "$symbols" --top-rate "$top_rate"
             --trade-seconds "$seconds")
[[ -z $drop ]] || server_args+=(--drop "$drop")
python3 scripts/testing/market_server.py "${server_args[@]}" >"$TMP/server.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 100); do [[ -s $TMP/port ]] && break; sleep 0.1; done
read -r ws_port rest_port <"$TMP/port"

mkfifo "$TMP/trades" "$TMP/tee" "$TMP/rows"
"$BNC_BIN/bnc-stream" live --quote USDT --streams-per-connection "$per_connection" \
    --endpoint "ws://127.0.0.1:$ws_port" --rest-endpoint "http://127.0.0.1:$rest_port" \
    --metrics-file "$TMP/stream.prom" >"$TMP/trades" 2>"$TMP/stream.log" &
stream=$!
pids+=("$stream")
tee "$TMP/stream.ndjson" <"$TMP/trades" >"$TMP/tee" &
pids+=($!)
"$BNC_BIN/bnc-window" --window 5s --lateness 1s --quiet <"$TMP/tee" >"$TMP/rows" 2>"$TMP/window.log" &
window=$!
pids+=("$window")
"$BNC_BIN/bnc-score" --train-windows 10 --retrain-every 100 --model "$TMP/model.bncmodel" \
    --output "$TMP/scores-%Y-%m-%d.csv" <"$TMP/rows" 2>"$TMP/score.log" &
score=$!
pids+=("$score")

# CPU ticks and peak RSS per process, kept from the last sample where the process was alive.
declare -A cpu hwm
sample() {
    local name pid stat
    for name in stream window score; do
        pid=${!name}
        [[ -r /proc/$pid/stat ]] || continue
        stat=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null) || continue
        cpu[$name]=$(( ${stat% *} + ${stat#* } ))
        hwm[$name]=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo "${hwm[$name]:-0}")
    done
}
start=$(date +%s.%N)
load_start=$(cut -d" " -f1-3 /proc/loadavg)
end=$(( $(date +%s) + seconds + 5 ))
while (( $(date +%s) < end )); do
    sample
    kill -0 "$stream" 2>/dev/null || { echo "bench/market.sh: bnc-stream ended early:" >&2; tail -5 "$TMP/stream.log" >&2; exit 1; }
    sleep 1
done
sample
cp "$TMP/stream.prom" "$TMP/stream-final.prom" 2>/dev/null || true
kill -TERM "$stream"
wait "$stream" || true
wait "$window" "$score" || true
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
sleep 1.2   # the server rewrites its stats every second
check=$(python3 scripts/testing/market_check.py "$TMP/stats.json" "$TMP/stream.ndjson") || true

ticks=$(getconf CLK_TCK)
python3 - "$check" "$seconds" "$elapsed" "$ticks" "$TMP/stream-final.prom" \
    "${cpu[stream]:-0}" "${hwm[stream]:-0}" "${cpu[window]:-0}" "${hwm[window]:-0}" "${cpu[score]:-0}" "${hwm[score]:-0}" \
    "$(cat "$TMP"/scores-*.csv 2>/dev/null | grep -vc '^timestamp' || true)" "$(grep -c '' "$TMP/stream.log")" <<'PY'
import json, sys
check = json.loads(sys.argv[1])
seconds, elapsed, ticks = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
prom = {}
try:
    for line in open(sys.argv[5]):
        if not line.startswith("#") and " " in line:
            k, v = line.rsplit(" ", 1)
            prom[k] = float(v)
except OSError:
    pass
procs = [("bnc-stream", 6), ("bnc-window", 8), ("bnc-score", 10)]
print(f"market: {check['symbols']} symbols, {check['connections_opened']} connections opened "
      f"(at most {check['max_streams_per_connection']} streams on one), {seconds:.0f} s of trading, {elapsed:.0f} s run")
print(f"trades served over WebSocket: {check['served']} ({check['served'] / seconds:.0f}/s sustained); "
      f"written: {check['written']} ({check['backfilled']} backfilled over REST) from {check['symbols_written']} symbols; "
      f"heartbeat lines: {check['heartbeats']}")
print(f"ids lost: {check['lost']}, duplicates: {check['duplicates']}, out of order: {check['out_of_order']}, "
      f"holes: {check['holes']}; limits exceeded: {len(check['violations'])}; "
      f"REST: {check['rest']['requests']} requests, weight {check['rest']['weight']} (peak {check['rest']['max_weight_1m']}/min)")
p50 = prom.get('bnc_stream_lag_seconds{quantile="0.5"}', float("nan"))
p99 = prom.get('bnc_stream_lag_seconds{quantile="0.99"}', float("nan"))
print(f"bnc-stream receive lag (exchange E to line, last 60 s): p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
print(f"{'process':<11} {'CPU s':>7} {'CPU %':>6} {'peak RSS MiB':>13}")
for name, i in procs:
    cpu = int(sys.argv[i]) / ticks
    rss = int(sys.argv[i + 1]) / 1024
    print(f"{name:<11} {cpu:7.1f} {100 * cpu / elapsed:6.1f} {rss:13.1f}")
print(f"score rows written: {sys.argv[12]}; bnc-stream stderr lines: {sys.argv[13]}")
PY
echo "($(nproc) cores, load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, $(date -u +%Y-%m-%d))"
if [[ $(python3 -c 'import json,sys; c=json.loads(sys.argv[1]); print(c["lost"] + c["duplicates"] + c["out_of_order"] + c["holes"] + len(c["violations"]))' "$check") != 0 ]]; then
    echo "bench/market.sh: ids lost or limits exceeded (see above)" >&2
    exit 1
fi
