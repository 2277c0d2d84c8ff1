#!/usr/bin/env bash
# Puts the built tools into hostile environments and checks each one's contract: a clear message
# on stderr, the right exit status (or a retry), and nothing already written lost or torn.
# Run by Tests/EndToEndTests/RobustnessEndToEndTests.swift; see docs/robustness.md.
set -uo pipefail

# Whether bnc-score has --output. (Not `--help | grep -q`: under pipefail, grep leaving at the
# first match can make bnc-score's help fail with EPIPE, and so the test look false.)
score_has_output() {
  local help
  help=$(bnc-score --help 2>/dev/null) || return 1
  [[ $help == *--output* ]]
}

usage() {
  cat <<'USAGE'
Usage: scripts/faults.sh [--bin DIR] [--list] [SCENARIO...]

Runs every fault scenario (or the named ones) against the tools in DIR (default: $BNC_BIN, else
.build/debug) and prints one table row per check. Needs root for the tmpfs mounts and chattr
(a scenario that cannot mount says SKIP with the reason), python3 with `websockets`, and
faketime (Debian package `faketime`).

Exit status: 0 when every check passed, 1 when any failed.
USAGE
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${BNC_BIN:-$root/.build/debug}
list=0
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=${2:?--bin needs a folder}; shift 2 ;;
    --bin=*) bin=${1#*=}; shift ;;
    --list) list=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "faults.sh: unknown option $1" >&2; exit 64 ;;
    *) only+=("$1"); shift ;;
  esac
done
bin=$(cd "$bin" && pwd) || { echo "faults.sh: no folder $bin" >&2; exit 64; }
export PATH="$bin:$PATH"
data=$root/../shared/data

work=$(mktemp -d "${TMPDIR:-/tmp}/bnc-faults.XXXXXX")
mounts=()
children=()
cleanup() {
  local m p
  # SIGKILL: a Python server may have inherited a blocked SIGTERM (seen under some parents).
  for p in "${children[@]}"; do kill -9 "$p" 2>/dev/null; done
  for m in "${mounts[@]}"; do chattr -R -i "$m" 2>/dev/null; umount "$m" 2>/dev/null; done
  chattr -R -i "$work" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
rows=()
check() {   # check SCENARIO WHAT CONDITION-STATUS OBSERVED
  local scenario=$1 what=$2 ok=$3 observed=$4
  if [ "$ok" -eq 0 ]; then
    rows+=("| $scenario | $what | PASS | $observed |")
  else
    rows+=("| $scenario | $what | **FAIL** | $observed |")
    failures=$((failures + 1))
  fi
}
skip() { rows+=("| $1 | $2 | SKIP | $3 |"); }
ends_with_newline() { [ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }
first_line() {  # the error line if there is one, else the first line
  { grep -m1 -iE 'fail|error|space|permitted|denied|removed|refused|resolve|truncated' "$1" || head -n 1 "$1"; } | cut -c 1-150
}
wait_for_lines() {  # wait_for_lines FILE N: until FILE has N lines (at most 60 s)
  local _i
  for _i in $(seq 600); do
    [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
mount_tmpfs() {  # mount_tmpfs DIR SIZE -> 0 when mounted
  mkdir -p "$1"
  if mount -t tmpfs -o "size=$2" tmpfs "$1" 2>"$work/mount.err"; then mounts+=("$1"); return 0; fi
  return 1
}

# Inputs: the real BTCUSDT captures as trade lines (docs/formats.md §1).
zcat "$data"/hftbacktest_spot_btcusdt_20240808.gz "$data"/hftbacktest_spot_btcusdt_20240809.gz \
  | grep '@trade' | cut -d' ' -f2- | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.dumps(json.loads(line)["data"], separators=(",", ":")))' > "$work/trades.ndjson"
trade_count=$(wc -l < "$work/trades.ndjson")
bnc-window --window 1s --quiet < "$work/trades.ndjson" > "$work/windows.ndjson"

start_server() {  # start_server NAME ARGS... ; sets server_port (fault_server.py)
  local name=$1; shift
  python3 "$root/scripts/testing/fault_server.py" "$@" > "$work/$name.port" 2> "$work/$name.server.log" &
  children+=("$!")
  server_port=""
  for _ in $(seq 100); do
    server_port=$(sed -n 's/^PORT //p' "$work/$name.port")
    [ -n "$server_port" ] && return 0
    sleep 0.1
  done
  return 1
}
start_fixture() {  # start_fixture NAME ARGS... ; sets fixture_port (ws_fixture_server.py)
  local name=$1; shift
  python3 "$root/scripts/testing/ws_fixture_server.py" --stats "$work/$name.stats.json" "$@" \
    > "$work/$name.ports" 2> "$work/$name.server.log" &
  children+=("$!")
  fixture_port=""; fixture_rest=""
  for _ in $(seq 200); do
    read -r _ fixture_port fixture_rest < <(grep '^PORTS ' "$work/$name.ports") 2>/dev/null
    [ -n "$fixture_port" ] && return 0
    sleep 0.1
  done
  return 1
}
# The trade ids of a file of bnc-stream output; its heartbeat lines (formats.md §1) carry none.
ids_of() { python3 -c '
import json, sys
for line in open(sys.argv[1]):
    event = json.loads(line)
    if event.get("e") != "bnc.heartbeat":
        print(event["t"])' "$1"; }
# The trade lines of a file of bnc-stream output (heartbeats left out).
trades_in() { { grep -v '"e":"bnc.heartbeat"' "$1" || true; } | wc -l; }

# MARK: scenarios

scenario_disk_full() {
  local dir=$work/full rc
  if ! mount_tmpfs "$dir" 16k; then skip disk-full "tmpfs" "cannot mount: $(cat "$work/mount.err")"; return; fi
  # bnc-window writing its rows to a file on a full disk.
  bnc-window --window 1s --quiet < "$work/trades.ndjson" > "$dir/windows.ndjson" 2> "$work/full.err"; rc=$?
  check disk-full "bnc-window > file on a full 16 KiB tmpfs: exit 74" "$([ $rc -eq 74 ]; echo $?)" "exit $rc"
  check disk-full "… says so on stderr" "$(grep -q 'No space left on device' "$work/full.err"; echo $?)" "$(first_line "$work/full.err")"
  check disk-full "… rows written before are whole (no torn last row)" "$(ends_with_newline "$dir/windows.ndjson"; echo $?)" \
    "$(wc -l < "$dir/windows.ndjson") whole rows, last byte $(tail -c 1 "$dir/windows.ndjson" | od -An -c | tr -d ' ')"
  rm -f "$dir"/*
  # bnc-score --output on a full disk.
  if score_has_output; then
    bnc-score --train-windows 50 --output "$dir/results.csv" < "$work/windows.ndjson" > /dev/null 2> "$work/full-score.err"; rc=$?
    check disk-full "bnc-score --output on a full disk: exit 74" "$([ $rc -eq 74 ]; echo $?)" "exit $rc: $(first_line "$work/full-score.err")"
    check disk-full "… the CSV holds whole rows only" "$(ends_with_newline "$dir/results.csv"; echo $?)" "$(wc -l < "$dir/results.csv") lines"
    rm -f "$dir"/*
  fi
  # bnc-stream record into daily files on a full disk.
  bnc-stream record --dir "$dir/trades" < "$work/trades.ndjson" > /dev/null 2> "$work/full-record.err"; rc=$?
  local torn=0 f
  for f in "$dir"/trades/*; do [ -f "$f" ] && { ends_with_newline "$f" || torn=1; }; done
  check disk-full "bnc-stream record on a full disk: exit 74 with a message" \
    "$([ $rc -eq 74 ] && [ -s "$work/full-record.err" ]; echo $?)" "exit $rc: $(first_line "$work/full-record.err")"
  check disk-full "… daily files hold whole lines only" "$torn" "$(cat "$dir"/trades/* 2>/dev/null | wc -l) whole lines"
}

scenario_read_only() {
  local dir=$work/ro rc
  mkdir -p "$dir"
  if ! score_has_output; then skip read-only "bnc-score --output" "not built yet"; return; fi
  # An output file that is immutable from the start (root ignores mode bits; chattr +i binds root too).
  head -n 100 "$work/windows.ndjson" | bnc-score --train-windows 50 --output "$dir/results.csv" > /dev/null 2>&1
  cp "$dir/results.csv" "$dir/before.csv"
  chattr +i "$dir/results.csv"
  head -n 200 "$work/windows.ndjson" | tail -n 100 | bnc-score --train-windows 50 --output "$dir/results.csv" > /dev/null 2> "$work/ro.err"; rc=$?
  check read-only "bnc-score --output to an immutable file: non-zero exit" "$([ $rc -ne 0 ]; echo $?)" "exit $rc: $(first_line "$work/ro.err")"
  check read-only "… the rows already in it are untouched" "$(cmp -s "$dir/before.csv" "$dir/results.csv"; echo $?)" "$(wc -l < "$dir/results.csv") lines as before"
  chattr -i "$dir/results.csv"
  # Made immutable while bnc-score is writing.
  rm -f "$dir/live.csv"
  # The first 300 rows, then (once they are in the file) the rest: the file turns immutable between.
  { head -n 300 "$work/windows.ndjson"; wait_for_lines "$dir/live.csv" 301; sleep 0.5; tail -n +301 "$work/windows.ndjson"; } \
    | bnc-score --train-windows 50 --output "$dir/live.csv" > /dev/null 2> "$work/ro-live.err" &
  local pid=$!
  wait_for_lines "$dir/live.csv" 301
  chattr +i "$dir/live.csv"
  local lines_at_lock; lines_at_lock=$(wc -l < "$dir/live.csv")
  wait $pid; rc=$?
  chattr -i "$dir/live.csv"
  check read-only "file made immutable mid-run: exit 74 with a message" "$([ $rc -eq 74 ] && [ -s "$work/ro-live.err" ]; echo $?)" "exit $rc: $(first_line "$work/ro-live.err")"
  check read-only "… rows written before are all there and whole" \
    "$([ "$(wc -l < "$dir/live.csv")" -eq "$lines_at_lock" ] && ends_with_newline "$dir/live.csv"; echo $?)" "$lines_at_lock rows kept"
}

scenario_removed() {
  local dir=$work/removed rc
  mkdir -p "$dir"
  if ! score_has_output; then skip removed "bnc-score --output" "not built yet"; return; fi
  { head -n 300 "$work/windows.ndjson"; wait_for_lines "$dir/results.csv" 301; sleep 0.5; tail -n +301 "$work/windows.ndjson"; } \
    | bnc-score --train-windows 50 --output "$dir/results.csv" > /dev/null 2> "$work/removed.err" &
  local pid=$!
  wait_for_lines "$dir/results.csv" 301
  rm -f "$dir/results.csv"
  wait $pid; rc=$?
  local after=0
  [ -f "$dir/results.csv" ] && after=$(wc -l < "$dir/results.csv")
  # Either the tool notices and says so, or it recreates the file: rows must not vanish silently.
  check removed "output file deleted mid-run: later rows not silently lost" \
    "$([ "$after" -gt 0 ] || grep -qi 'removed\|deleted\|unlinked' "$work/removed.err"; echo $?)" \
    "exit $rc; file after: $after lines; stderr: $(first_line "$work/removed.err")"
}

scenario_sigpipe() {
  local rc
  bnc-window --window 1s < "$work/trades.ndjson" 2> "$work/pipe.err" | head -n 1 > /dev/null
  rc=${PIPESTATUS[0]}
  check sigpipe "bnc-window | head -1: exit 0, quiet" "$([ "$rc" -eq 0 ] && ! grep -qi 'error\|fail' "$work/pipe.err"; echo $?)" "exit $rc"
  bnc-stream simulate --hours 1 --seed 1 2> "$work/pipe-sim.err" | head -n 1 > /dev/null
  rc=${PIPESTATUS[0]}
  check sigpipe "bnc-stream simulate | head -1: exit 0" "$([ "$rc" -eq 0 ]; echo $?)" "exit $rc $(first_line "$work/pipe-sim.err")"
  if score_has_output; then
    bnc-score --train-windows 50 < "$work/windows.ndjson" 2> "$work/pipe-score.err" | head -n 1 > /dev/null
    rc=${PIPESTATUS[0]}
    check sigpipe "bnc-score | head -1: exit 0" "$([ "$rc" -eq 0 ]; echo $?)" "exit $rc $(first_line "$work/pipe-score.err")"
  fi
  if start_fixture pipe --data "$data/hftbacktest_spot_btcusdt_20240808.gz" --rate 2000 --tail 1000000 --linger 2; then
    timeout 60 bnc-stream live --endpoint "ws://127.0.0.1:$fixture_port" --rest-endpoint "http://127.0.0.1:$fixture_rest" \
      --max-retries 2 2> "$work/pipe-live.err" | head -n 5 > "$work/pipe-live.out"
    rc=${PIPESTATUS[0]}
    check sigpipe "bnc-stream live | head -5: exit 0 once head is gone" "$([ "$rc" -eq 0 ] && [ "$(wc -l < "$work/pipe-live.out")" -eq 5 ]; echo $?)" "exit $rc"
  fi
}

scenario_upstream_closes() {
  local rc
  # The producer dies in the middle of a line.
  head -c 1000000 "$work/trades.ndjson" | bnc-window --window 1s > "$work/up.out" 2> "$work/up.err"; rc=$?
  local whole; whole=$(head -c 1000000 "$work/trades.ndjson" | grep -c '}$')
  check upstream-closes "input cut mid-line: exit 0, open windows flushed" "$([ $rc -eq 0 ] && ends_with_newline "$work/up.out"; echo $?)" "exit $rc, $(wc -l < "$work/up.out") rows"
  check upstream-closes "… the torn last line is reported, not taken" "$(grep -q 'up.out\|<stdin>\|line\|truncated' "$work/up.err"; echo $?)" "$(grep -m1 -i 'stdin\|line' "$work/up.err" | cut -c 1-120)"
  local counted; counted=$(python3 -c '
import json, sys
print(sum(json.loads(l)["trade_count"] for l in open(sys.argv[1])))' "$work/up.out")
  check upstream-closes "… every whole trade line counted ($whole)" "$([ "$counted" -eq "$whole" ]; echo $?)" "$counted trades in rows"
  head -c 1000000 "$work/trades.ndjson" | bnc-window --strict --window 1s > /dev/null 2> "$work/up-strict.err"; rc=$?
  check upstream-closes "… with --strict: exit 65 and where" "$([ $rc -eq 65 ]; echo $?)" "exit $rc: $(first_line "$work/up-strict.err")"
}

scenario_terminal_stdin() {
  # stdin (and stdout) a pseudo-terminal: type two trade lines, then Ctrl-D.
  local out rc
  out=$(python3 - "$bin/bnc-window" "$work/trades.ndjson" <<'PY'
import os, pty, select, subprocess, sys, time
tool, trades = sys.argv[1], sys.argv[2]
lines = open(trades).read().splitlines()[:2]
master, slave = pty.openpty()
p = subprocess.Popen([tool, "--window", "1s"], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(slave)
for line in lines:
    os.write(master, line.encode() + b"\n")
    time.sleep(0.1)
os.write(master, b"\x04")
try:
    out, err = p.communicate(timeout=20)
except subprocess.TimeoutExpired:
    p.kill(); out, err = p.communicate()
    print("TIMEOUT"); sys.exit(0)
print(p.returncode, len(out.splitlines()), err.decode().strip().replace("\n", " / ")[:150])
PY
)
  rc=$(cut -d' ' -f1 <<<"$out")
  check terminal-stdin "bnc-window reading a terminal: rows out, exit 0 on Ctrl-D" "$([ "$rc" = 0 ] && [ "$(cut -d' ' -f2 <<<"$out")" -ge 1 ]; echo $?)" "exit/rows/stderr: $out"
}

scenario_clock() {
  if ! command -v faketime > /dev/null; then check clock "faketime installed" 1 "apt-get install faketime"; return; fi
  # libfaketime is an LD_PRELOAD library; a sanitizer runtime wants to come first and deadlocks at
  # start-up behind it. Sanitizer runs (scripts/sanitizers.sh) check everything else.
  if grep -qa -e '__asan_init' -e '__tsan_init' "$bin/bnc-window"; then
    skip clock "faketime" "the tools are built with a sanitizer, which cannot run under LD_PRELOAD=libfaketime"
    return
  fi
  # The local clock never enters the results: jump it years away, and make it run 10x fast.
  timeout 120 faketime '2031-06-01 12:00:00' bnc-window --window 1s --quiet < "$work/trades.ndjson" > "$work/clock1.out"
  timeout 120 faketime -f '-3y x10' bnc-window --window 1s --quiet < "$work/trades.ndjson" > "$work/clock2.out"
  check clock "bnc-window under faketime (+5 y, -3 y x10): byte-identical rows" \
    "$(cmp -s "$work/windows.ndjson" "$work/clock1.out" && cmp -s "$work/windows.ndjson" "$work/clock2.out"; echo $?)" "$(wc -l < "$work/clock1.out") rows"
  if score_has_output; then
    mkdir -p "$work/clock-a" "$work/clock-b"
    bnc-score --train-windows 100 --output "$work/clock-a/r_%Y-%m-%d.csv" < "$work/windows.ndjson" > /dev/null 2>&1
    timeout 120 faketime '2031-06-01 23:59:59' bnc-score --train-windows 100 --output "$work/clock-b/r_%Y-%m-%d.csv" < "$work/windows.ndjson" > /dev/null 2>&1
    check clock "bnc-score daily files under a jumped clock: same names, same bytes" \
      "$(diff -r "$work/clock-a" "$work/clock-b" > /dev/null; echo $?)" "$(cd "$work/clock-a" && echo *)"
  fi
  if start_fixture clock --data "$data/hftbacktest_spot_btcusdt_20240808.gz" --rate 4000 --tail 1000000 --linger 3; then
    timeout 120 faketime -f '+400d x2' bnc-stream live --endpoint "ws://127.0.0.1:$fixture_port" --rest-endpoint "http://127.0.0.1:$fixture_rest" \
      --max-retries 1 --backoff-initial 100ms > "$work/clock-live.out" 2> "$work/clock-live.err"
    local expected; expected=$(zcat "$data/hftbacktest_spot_btcusdt_20240808.gz" | grep -c '@trade')
    check clock "bnc-stream live under faketime (+400 d, x2): every id once" \
      "$([ "$(ids_of "$work/clock-live.out" | sort -u | wc -l)" -eq "$expected" ] && [ "$(trades_in "$work/clock-live.out")" -eq "$expected" ]; echo $?)" \
      "$(trades_in "$work/clock-live.out") of $expected"
  fi
}

scenario_flood() {
  # 10,000 messages per second from the real captures (19,904 trades in about 2 s).
  if ! start_fixture flood --data "$data/hftbacktest_spot_btcusdt_20240808.gz" --data "$data/hftbacktest_spot_btcusdt_20240809.gz" \
      --rate 10000 --tail 1000000 --linger 3; then check flood "fixture server starts" 1 "$(tail -3 "$work/flood.server.log")"; return; fi
  bnc-stream live --endpoint "ws://127.0.0.1:$fixture_port" --rest-endpoint "http://127.0.0.1:$fixture_rest" \
    --max-retries 1 --backoff-initial 100ms 2> "$work/flood.err" | tee "$work/flood.out" \
    | bnc-window --window 1s --quiet > "$work/flood.windows"
  local got unique
  got=$(trades_in "$work/flood.out"); unique=$(ids_of "$work/flood.out" | sort -u | wc -l)
  check flood "10,000 msg/s: every one of the $trade_count ids exactly once" "$([ "$got" -eq "$trade_count" ] && [ "$unique" -eq "$trade_count" ]; echo $?)" "$got lines, $unique distinct"
  check flood "… windows identical to the offline run" "$(cmp -s "$work/flood.windows" "$work/windows.ndjson"; echo $?)" "$(wc -l < "$work/flood.windows") rows"
}

scenario_http_errors() {
  local code rc
  for code in 400 403 404 500 503; do
    if ! start_server "http$code" --status "$code" --lifetime 30; then check http-errors "server" 1 "no port"; return; fi
    timeout 60 bnc-stream live --endpoint "ws://127.0.0.1:$server_port" --max-retries 2 --backoff-initial 50ms \
      > "$work/http$code.out" 2> "$work/http$code.err"; rc=$?
    local attempts; attempts=$(grep -c '^connection' "$work/http$code.server.log")
    check http-errors "upgrade answered $code: retried, then exit 69 (--max-retries 2)" \
      "$([ $rc -eq 69 ] && [ "$attempts" -eq 3 ] && grep -q "$code" "$work/http$code.err"; echo $?)" \
      "exit $rc after $attempts attempts: $(grep -m1 "$code" "$work/http$code.err" | cut -c 1-110)"
  done
  # 429 with Retry-After, and no --max-retries: it keeps trying until stopped, then exits 0.
  if start_server http429 --status 429 --retry-after 1 --lifetime 30; then
    bnc-stream live --endpoint "ws://127.0.0.1:$server_port" --backoff-initial 50ms > /dev/null 2> "$work/http429.err" &
    local pid=$!
    sleep 3
    kill -TERM "$pid"; wait "$pid"; rc=$?
    local attempts; attempts=$(grep -c '^connection' "$work/http429.server.log")
    check http-errors "429 + Retry-After 1 without --max-retries: keeps retrying, honours Retry-After, SIGTERM → 0" \
      "$([ $rc -eq 0 ] && [ "$attempts" -ge 2 ] && [ "$attempts" -le 5 ]; echo $?)" "exit $rc, $attempts attempts in 3 s: $(grep -m1 429 "$work/http429.err" | cut -c 1-100)"
  fi
}

scenario_dns() {
  local rc
  timeout 60 bnc-stream live --endpoint wss://nonexistent.invalid --max-retries 1 --backoff-initial 50ms > "$work/dns.out" 2> "$work/dns.err"; rc=$?
  check dns "unresolvable host: exit 69 after --max-retries, names the host" \
    "$([ $rc -eq 69 ] && grep -q 'nonexistent.invalid' "$work/dns.err"; echo $?)" "exit $rc: $(first_line "$work/dns.err")"
  bnc-stream live --endpoint wss://nonexistent.invalid --backoff-initial 50ms > /dev/null 2> "$work/dns2.err" &
  local pid=$!
  sleep 2
  kill -0 "$pid" 2>/dev/null; local alive=$?
  kill -TERM "$pid" 2>/dev/null; wait "$pid"; rc=$?
  check dns "… without --max-retries it keeps retrying; SIGTERM → exit 0" "$([ $alive -eq 0 ] && [ $rc -eq 0 ]; echo $?)" \
    "$(grep -c 'connect failed' "$work/dns2.err") attempts in 2 s, exit $rc"
}

scenario_hostile_messages() {
  # Messages no exchange sends but a broken proxy or a hostile peer could (found by fuzzing).
  local rc
  python3 - "$work/hostile.messages" <<'PY'
import json, sys
t = {"e": "trade", "E": 1723161655112, "s": "BTCUSDT", "t": 100, "p": "61631.24", "q": "0.1", "T": 1723161655082, "m": True, "M": True}
def text(d, sep=(",", ":")): return json.dumps(d, separators=sep)
msgs = [text(t)]
t2 = dict(t, t=101); msgs.append(text(t2).replace(',"p"', ',\n"p"'))            # a raw line break inside the JSON
t3 = dict(t, t=102); msgs.append(text(t3) + "\r\n")                                 # trailing CRLF
msgs.append(text(dict(t, t=-2)))                                                    # a negative id
msgs.append(text(dict(t, t=9223372036854775807)))                                   # the largest id
t4 = dict(t, t=103, s="ETHUSDT"); msgs.append(json.dumps({"stream": "ethusdt@trade", "data": t4}, indent=1))
with open(sys.argv[1], "w") as f:
    for m in msgs: f.write(json.dumps(m) + "\n")
PY
  if ! start_server hostile --messages "$work/hostile.messages" --lifetime 30; then check hostile "server" 1 "no port"; return; fi
  bnc-stream live --endpoint "ws://127.0.0.1:$server_port" --no-backfill btcusdt ethusdt > "$work/hostile.out" 2> "$work/hostile.err" &
  local pid=$!
  sleep 2
  kill -0 "$pid" 2>/dev/null; local alive=$?
  kill -TERM "$pid" 2>/dev/null; wait "$pid"; rc=$?
  check hostile "negative id, then Int64.max: no crash, SIGTERM → exit 0" "$([ $alive -eq 0 ] && [ $rc -eq 0 ]; echo $?)" "alive $alive, exit $rc"
  local bad; bad=$(python3 -c '
import json, sys
bad = 0
for line in open(sys.argv[1]):
    try: json.loads(line); assert line.strip()
    except Exception: bad += 1
print(bad)' "$work/hostile.out")
  check hostile "every line written is one whole JSON trade (line breaks inside messages)" "$([ "$bad" -eq 0 ]; echo $?)" \
    "$(wc -l < "$work/hostile.out") lines, $bad not JSON"
}

all=(disk_full read_only removed sigpipe upstream_closes terminal_stdin clock flood http_errors dns hostile_messages)
if [ "$list" -eq 1 ]; then printf '%s\n' "${all[@]//_/-}"; exit 0; fi
[ ${#only[@]} -gt 0 ] || only=("${all[@]}")
for s in "${only[@]}"; do
  s=${s//-/_}
  declare -F "scenario_$s" > /dev/null || { echo "faults.sh: no scenario $s" >&2; exit 64; }
  echo "faults.sh: $s" >&2
  "scenario_$s"
done

echo
echo "| scenario | check | result | observed |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
passed=$(printf '%s\n' "${rows[@]}" | grep -c '| PASS |')
echo
echo "faults: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
