#!/usr/bin/env bash
# bnc-stream throughput and memory benchmark (not a test).
#
# A local sender (scripts/testing/ws_blast_server.py) writes pre-built frames of real BTCUSDT
# trades (ids renumbered to stay consecutive) as fast as the socket accepts them, over ws and wss
# (for the throughput rows all frames are built before the client connects, so Python's sendall
# runs at C speed and the sender is not the bottleneck);
# the release bnc-stream writes every trade line to /dev/null. Reports messages/s (wall clock,
# connect to close), CPU µs per message (user+sys of bnc-stream / messages) and peak RSS, then a
# soak run sampling RSS once a second.
#
# Usage: bench/stream.sh [messages] [soak-messages]   (defaults 1000000 and 18000000:
#        18 M trades ≈ one hour of Binance's busiest BTCUSDT bursts at 5 k/s)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
SOAK=${2:-18000000}
DATA=../shared/data/hftbacktest_spot_btcusdt_20240808.gz
swift build -c release --scratch-path .build-release --product bnc-stream >/dev/null
BIN=.build-release/release/bnc-stream
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=bench -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null

# run <scheme> <messages> [rss-log]: prints "wall user sys maxrss_kb lines"
run() {
  local scheme=$1 n=$2 rsslog=${3:-}
  local tls=() pre=(--prebuild)
  [ -n "$rsslog" ] && pre=()
  [ "$scheme" = wss ] && tls=(--tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem")
  python3 scripts/testing/ws_blast_server.py --data "$DATA" --messages "$n" "${tls[@]}" "${pre[@]}" > "$TMP/port" &
  local spid=$!
  while ! grep -q PORT "$TMP/port" 2>/dev/null; do sleep 0.2; done
  local port; port=$(awk '{print $2}' "$TMP/port")
  : > "$TMP/port"
  /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$BIN" --endpoint "$scheme://127.0.0.1:$port" --ca-file "$TMP/cert.pem" \
      --max-retries 0 --no-backfill 2>"$TMP/err" | wc -l > "$TMP/lines" &
  if [ -n "$rsslog" ]; then
    sleep 0.5
    local cpid; cpid=$(pgrep -n -f "$BIN --endpoint $scheme://127.0.0.1:$port" || true)
    : > "$rsslog"
    while [ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null; do
      awk '/VmRSS/{print $2}' "/proc/$cpid/status" 2>/dev/null >> "$rsslog" || true
      sleep 1
    done
  fi
  wait %2 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  echo "$(tail -n 1 "$TMP/time") $(cat "$TMP/lines")"
}

echo "| transport | messages | written | wall s | msg/s | CPU µs/msg (user+sys) | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for scheme in ws wss; do
  read -r wall user sys rss lines < <(run "$scheme" "$N")
  awk -v s="$scheme" -v n="$N" -v l="$lines" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" 'BEGIN {
    printf "| %s | %d | %d | %.2f | %.0f | %.2f | %.1f |\n", s, n, l, w, l / w, (u + y) * 1e6 / l, r / 1024 }'
done

if [ "$SOAK" -gt 0 ]; then
  read -r wall user sys rss lines < <(run ws "$SOAK" "$TMP/rss")
  echo
  echo "Soak: $lines of $SOAK messages over ws in ${wall} s; RSS sampled every second (KiB):"
  awk 'NR==1{first=$1; min=$1; max=$1} {if($1<min)min=$1; if($1>max)max=$1; last=$1; n++}
       END {printf "samples %d, first %d, min %d, max %d, last %d\n", n, first, min, max, last}' "$TMP/rss"
fi
