#!/usr/bin/env bash
# What --metrics-file costs bnc-stream (not a test): the release binary against the local blast
# sender (scripts/testing/ws_blast_server.py, real BTCUSDT trades, frames built before the client
# connects), with and without --metrics-file, alternating, ROUNDS times each. Prints messages
# written, wall seconds, messages/s and CPU µs per message (user+sys / messages) and peak RSS.
# On a shared machine compare CPU µs/msg, not wall time.
#
# Usage: bench/metrics.sh [messages] [rounds]   (defaults 1000000 and 4)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
ROUNDS=${2:-4}
DATA=../shared/data/hftbacktest_spot_btcusdt_20240808.gz
swift build -c release --scratch-path .build-release --product bnc-stream >/dev/null
BIN=.build-release/release/bnc-stream
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# run <messages> [bnc-stream options…]: prints one table row
run() {
    local n=$1 spid port wall user sys rss
    shift
    python3 scripts/testing/ws_blast_server.py --data "$DATA" --messages "$n" --prebuild >"$TMP/port" &
    spid=$!
    while ! grep -q PORT "$TMP/port" 2>/dev/null; do sleep 0.2; done
    port=$(awk '{print $2}' "$TMP/port")
    : >"$TMP/port"
    # --max-retries 0: the run ends (status 69) when the sender closes after the last message.
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$BIN" --endpoint "ws://127.0.0.1:$port" --max-retries 0 \
        --no-backfill "$@" 2>"$TMP/err" | wc -l >"$TMP/lines" || true
    wait "$spid" 2>/dev/null || true
    read -r wall user sys rss < <(tail -n 1 "$TMP/time")
    awk -v l="$(cat "$TMP/lines")" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" -v m="$#" 'BEGIN {
        printf "| %s | %d | %.2f | %.0f | %.2f | %.1f |\n", (m == 0 ? "off" : "--metrics-file"), l, w, l / w, (u + y) * 1e6 / l, r / 1024 }'
}

echo "| metrics | written | wall s | msg/s | CPU µs/msg | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|"
for _ in $(seq "$ROUNDS"); do
    run "$N"
    run "$N" --metrics-file "$TMP/bnc-stream.prom" --metrics-interval 1s
done
