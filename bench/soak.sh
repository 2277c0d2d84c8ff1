#!/usr/bin/env bash
# Soak: simulated trades through the whole live path, fast, with forced drops, rollovers and REST
# backfill, checking that nothing is lost or repeated and that memory stays flat.
#   bnc-stream simulate → tape → ws_fixture_server.py (WebSocket + REST, drops, rollovers)
#   → bnc-stream live → tee → bnc-window → bnc-score --output CSV --model
# See docs/robustness.md for the figures measured here.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: bench/soak.sh [--hours H] [--rate TRADES_PER_S] [--drops N] [--rollovers N] [--seed S]
                     [--bin DIR] [--keep]

  --hours H       simulated hours of trades (default 24: about 1.6 M trades)
  --rate R        trades the server releases per second (default 10000)
  --drops N       connections the server cuts (abort/close/garbage frames, cycled); default one
                  per simulated hour (at least 4), spread evenly over the tape
  --rollovers N   client rollovers (bnc-stream --rollover-after 2s) to wait for (default 3)
  --seed S        simulator seed (default 7)
  --bin DIR       built tools (default: release build in .build-robust, made here)
  --keep          keep the work folder

Checks: every trade id of the tape reached bnc-window exactly once (the stream is tee'd), the
live windows are byte-identical to an offline bnc-window run over the tape, the live CSV equals an
offline bnc-score run over those windows; prints trades/s and RSS (start, peak, end) per process.
Exit status 0 when every check passed.
USAGE
}

hours=24
rate=10000
drops=""
rollovers=3
seed=7
keep=0
bin=""
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
while [ $# -gt 0 ]; do
  case "$1" in
    --hours) hours=${2:?}; shift 2 ;;
    --rate) rate=${2:?}; shift 2 ;;
    --drops) drops=${2:?}; shift 2 ;;
    --rollovers) rollovers=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --bin) bin=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "soak.sh: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
if [ -z "$bin" ]; then
  for product in bnc-stream bnc-window bnc-score; do
    (cd "$root" && swift build -c release --scratch-path .build-robust --product "$product" >&2)
  done
  bin=$root/.build-robust/release
fi
bin=$(cd "$bin" && pwd)
export PATH="$bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/bnc-soak.XXXXXX")
pids=()
cleanup() {
  local p
  # SIGKILL: a Python server may have inherited a blocked SIGTERM (seen under some parents).
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ "$keep" -eq 1 ]; then echo "soak.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# 1. The tape: simulated trades (consecutive ids), in the capture format the fixture server plays.
bnc-stream simulate --hours "$hours" --seed "$seed" > "$work/tape.ndjson"
trades=$(wc -l < "$work/tape.ndjson")
awk '{ printf "0 {\"stream\":\"btcusdt@trade\",\"data\":%s}\n", $0 }' "$work/tape.ndjson" | gzip -1 > "$work/tape.gz"
if [ -z "$drops" ]; then drops=$(awk -v h="$hours" 'BEGIN { d = int(h + 0.5); print (d < 4 ? 4 : d) }'); fi
drop_after=$((trades / (drops + 2)))
echo "soak.sh: $trades simulated trades ($hours h), $drops drops every $drop_after trades, $rollovers rollovers, $rate trades/s" >&2

# 2. The server.
python3 "$root/scripts/testing/ws_fixture_server.py" --data "$work/tape.gz" --stats "$work/server.json" \
  --rate "$rate" --drops "$drops" --drop-after "$drop_after" --drop-kinds abort,close,garbage \
  --rollovers "$rollovers" --tail "$trades" --linger 5 > "$work/ports" 2> "$work/server.log" &
pids+=("$!")
# Loading a day of trades into the Python server takes a while (about a minute per million).
for _ in $(seq 6000); do
  grep -q '^PORTS ' "$work/ports" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "soak.sh: the fixture server died:" >&2; tail -5 "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
grep -q '^PORTS ' "$work/ports" || { echo "soak.sh: the fixture server did not start in 10 minutes" >&2; exit 1; }
read -r _ ws_port rest_port < <(grep '^PORTS ' "$work/ports")
echo "soak.sh: server ready (ws $ws_port, rest $rest_port)" >&2

# 3. The live path, each stage with a pid we can sample.
mkfifo "$work/s1" "$work/s2" "$work/s3"
start=$(date +%s.%N)
bnc-stream live --endpoint "ws://127.0.0.1:$ws_port" --rest-endpoint "http://127.0.0.1:$rest_port" \
  --rollover-after 2s --backoff-initial 100ms --backoff-max 1s --max-retries 3 > "$work/s1" 2> "$work/stream.err" &
stream_pid=$!; pids+=("$stream_pid")
tee "$work/stream.ndjson" < "$work/s1" > "$work/s2" &
pids+=("$!")
bnc-window --window 20s < "$work/s2" > "$work/s3" 2> "$work/window.err" &
window_pid=$!; pids+=("$window_pid")
tee "$work/windows.ndjson" < "$work/s3" | bnc-score --output "$work/results.csv" --model "$work/model.bncmodel" > /dev/null 2> "$work/score.err" &
score_pid=$!; pids+=("$score_pid")
# $! of a pipeline is its last process: bnc-score.

sample() {  # every 0.5 s: seconds, then VmRSS (kB) of stream, window, score
  local t p line
  while kill -0 "$score_pid" 2>/dev/null; do
    t=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
    line=$t
    for p in "$stream_pid" "$window_pid" "$score_pid"; do
      line+=" $(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo -)"
    done
    echo "$line"
    sleep 0.5
  done
}
sample > "$work/rss.log" &
sampler=$!; pids+=("$sampler")

stream_status=0
wait "$stream_pid" || stream_status=$?
wait "$score_pid" || true
end=$(date +%s.%N)
wait "$sampler" 2>/dev/null || true

# 4. Offline reference over the same trades.
bnc-window --window 20s --quiet < "$work/tape.ndjson" > "$work/offline-windows.ndjson"
bnc-score --output "$work/offline.csv" < "$work/offline-windows.ndjson" > /dev/null 2>&1

python3 - "$work" "$trades" "$start" "$end" "$stream_status" <<'PY'
import json, sys
work, trades, start, end, stream_status = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
failures = 0
def check(ok, text):
    global failures
    print(f"| {text} | {'PASS' if ok else '**FAIL**'} |")
    failures += 0 if ok else 1

tape = [json.loads(l)["t"] for l in open(f"{work}/tape.ndjson")]
got = [json.loads(l)["t"] for l in open(f"{work}/stream.ndjson")]
seen, dup = set(), 0
for t in got:
    if t in seen: dup += 1
    seen.add(t)
lost = len(set(tape) - seen)
server = json.load(open(f"{work}/server.json"))
err = open(f"{work}/stream.err").read()
import re
backfilled = sum(int(m.group(1)) for m in re.finditer(r"\((\d+) trades\) missed; backfilling", err))
gaps = len(re.findall(r"missed; backfilling", err))
print("| check | result |")
print("|---|---|")
check(lost == 0 and dup == 0 and len(got) == trades, f"every one of {trades} trade ids reached bnc-window once: lost {lost}, duplicated {dup}")
check(got == sorted(got), "in id order")
live_w = open(f"{work}/windows.ndjson", "rb").read()
off_w = open(f"{work}/offline-windows.ndjson", "rb").read()
nl = b"\n"
check(live_w == off_w, f"live windows byte-identical to the offline run ({live_w.count(nl)} rows)")
live_csv = open(f"{work}/results.csv", "rb").read()
off_csv = open(f"{work}/offline.csv", "rb").read()
check(live_csv == off_csv, f"live CSV identical to offline bnc-score ({live_csv.count(nl)} lines)")
check(stream_status == 69, f"bnc-stream ended by --max-retries after the tape (exit {stream_status})")
print()
secs = end - start
print(f"| figure | value |")
print(f"|---|---|")
print(f"| trades | {trades} ({len(got)} delivered; {gaps} gaps after drops, {backfilled} trades backfilled from REST) |")
print(f"| wall time | {secs:.1f} s |")
print(f"| throughput | {trades / secs:,.0f} trades/s end to end |")
print(f"| server: connections, drops, rollovers, REST requests | {server.get('connections')}, {server.get('drops')}, {server.get('rollovers')}, {server.get('rest_requests')} |")
rows = [l.split() for l in open(f"{work}/rss.log")]
names = ["bnc-stream", "bnc-window", "bnc-score"]
for k, name in enumerate(names):
    vals = [(float(r[0]), int(r[k + 1])) for r in rows if len(r) > k + 1 and r[k + 1].isdigit()]
    if not vals:
        continue
    at = lambda f: vals[min(len(vals) - 1, int(len(vals) * f))][1] / 1024
    print(f"| {name} RSS at 10% → 50% → 90% of the run, peak | {at(0.1):.1f} → {at(0.5):.1f} → {at(0.9):.1f} MiB, "
          f"peak {max(v for _, v in vals) / 1024:.1f} MiB ({len(vals)} samples) |")
print()
print(f"soak: {5 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
PY
