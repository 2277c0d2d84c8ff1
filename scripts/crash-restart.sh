#!/usr/bin/env bash
# kill -9 the live collector (pipelines/collector.sh: bnc-stream → bnc-window → bnc-score with
# --output and --model) at random moments while it writes, restart it, and check what it left
# behind after every kill (scripts/testing/crash_check.py). See docs/robustness.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/crash-restart.sh [--kills N] [--rate TRADES_PER_S] [--seed S] [--bin DIR] [--keep]

Serves the real BTCUSDT captures (../shared/data, 19,904 trades) from a local WebSocket server
(scripts/testing/pipeline_ws_server.py: one cursor shared by all connections, so a restarted
collector goes on where the killed one stopped), starts the collector against it with 1 s windows,
a small training buffer (30 windows, retrain every 10, so the model file is rewritten often), and
N times (default 50): waits a random 0.3–2.5 s, SIGKILLs every process of the pipeline at once,
checks the results CSV and the model file, and starts the collector again.

  --kills N      kills (default 50; the CI test uses 6)
  --rate R       trades served per second (default 250)
  --seed S       seed for the random kill moments (default: random; printed)
  --bin DIR      folder with the built tools (default $BNC_BIN, else .build/debug)
  --keep         keep the work folder (results, model, logs) and print where it is

Exit status 0 when every check after every kill passed, 1 otherwise.
USAGE
}

kills=50
rate=250
seed=$RANDOM
keep=0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${BNC_BIN:-$root/.build/debug}
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) kills=${2:?}; shift 2 ;;
    --rate) rate=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --bin) bin=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "crash-restart.sh: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
bin=$(cd "$bin" && pwd)
export BNC_BIN=$bin
data=$root/../shared/data
work=$(mktemp -d "${TMPDIR:-/tmp}/bnc-crash.XXXXXX")
results=$work/data
model=$results/model.bncmodel
mkdir -p "$results"
RANDOM=$seed
server_pid=""

pipeline_pids() {   # the collector's live.sh and every process below it
  local top pid
  top=$(cat "$results/collector.pid" 2>/dev/null || true)
  [ -n "$top" ] || return 0
  echo "$top"
  local queue=("$top")
  while [ ${#queue[@]} -gt 0 ]; do
    pid=${queue[0]}; queue=("${queue[@]:1}")
    for child in $(ps -e -o pid= -o ppid= | awk -v p="$pid" '$2 == p { print $1 }'); do
      echo "$child"; queue+=("$child")
    done
  done
}
cleanup() {
  local pids
  mapfile -t pids < <(pipeline_pids)
  [ ${#pids[@]} -eq 0 ] || kill -9 "${pids[@]}" 2>/dev/null || true
  # SIGKILL: the server may have inherited a blocked SIGTERM (seen under some parents).
  [ -z "$server_pid" ] || kill -9 "$server_pid" 2>/dev/null || true
  if [ "$keep" -eq 1 ]; then echo "crash-restart.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

python3 "$root/scripts/testing/pipeline_ws_server.py" --port-file "$work/port" --rate "$rate" \
  "$data/hftbacktest_spot_btcusdt_20240808.gz" "$data/hftbacktest_spot_btcusdt_20240809.gz" 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
live_temps() { compgen -G "${TMPDIR:-/tmp}/bnc-live.*" | wc -l || true; }
temps_before=$(live_temps)

start_collector() {
  "$root/pipelines/collector.sh" --data-dir "$results" start --endpoint "ws://127.0.0.1:$port" \
    --window 1s --train-windows 30 --retrain-every 10 --model "$model" btcusdt > "$work/start.out" 2>&1
}

echo "crash-restart.sh: $kills kills, seed $seed, $rate trades/s, tools in $bin" >&2
failures=0
for k in $(seq 1 "$kills"); do
  start_collector || { echo "crash-restart.sh: collector did not start:" >&2; cat "$work/start.out" >&2; failures=$((failures + 1)); break; }
  # A random moment 0.3–2.5 s into the run (after the 1 s start-up check of collector.sh).
  pause=$(printf '0.%03d' $((RANDOM % 1000)))
  sleep "$(awk -v p="$pause" 'BEGIN { printf "%.3f", 0.3 + p * 2.2 }')"
  mapfile -t pids < <(pipeline_pids)
  [ ${#pids[@]} -eq 0 ] || kill -9 "${pids[@]}" 2>/dev/null || true
  # Wait until every one of them is gone before looking at the files.
  for _ in $(seq 100); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.05
  done
  if figures=$(python3 "$root/scripts/testing/crash_check.py" "$results" "$work/state.json" "$model" 1000 2> "$work/check.err"); then
    :
  else
    failures=$((failures + 1))
    echo "crash-restart.sh: kill $k: check failed:" >&2
    cat "$work/check.err" >&2
  fi
  echo "kill $k: $figures" >> "$work/kills.log"
  [ $((k % 10)) -eq 0 ] && echo "crash-restart.sh: $k kills, $figures" >&2
done

# A clean run at the end: start, let it score, stop with SIGTERM, check once more.
start_collector && sleep 2 && "$root/pipelines/collector.sh" --data-dir "$results" stop > /dev/null 2>&1
python3 "$root/scripts/testing/crash_check.py" "$results" "$work/state.json" "$model" 1000 > "$work/final.json" 2> "$work/check.err" \
  || { failures=$((failures + 1)); cat "$work/check.err" >&2; }
temps_after=$(live_temps)

python3 - "$work/final.json" "$work/kills.log" "$kills" "$failures" "$((temps_after - temps_before))" <<'PY'
import json, sys
final = json.load(open(sys.argv[1]))
kills = [json.loads(l.split(": ", 1)[1]) for l in open(sys.argv[2]) if ": {" in l]
holes = final["holes_at_seams"]
versions = [k["model_version"] for k in kills]
valid = sum(1 for k in kills if not k["model"]["present"] or k["model"]["valid"])
print(f"| kills | {sys.argv[3]} |")
print(f"| checks failed | {sys.argv[4]} |")
print(f"| rows written (final) | {final['rows']} ({final['complete']} complete windows) |")
print(f"| complete windows written twice | 0 (checked after every kill) |")
print(f"| window in flight split into two partial rows (complete=false, one per run) | {final['split_windows']} |")
print(f"| windows missing at a seam (in flight at the kill) | total {sum(holes)}, per kill: max {max(holes, default=0)}, "
      f"mean {sum(holes) / max(1, len(holes)):.2f}, seams without loss {sum(1 for h in holes if h == 0)} of {len(holes)} |")
print(f"| windows missing inside a run | 0 (checked) |")
print(f"| model file after a kill | whole in {valid} of {len(kills)} checks (absent before the first training: "
      f"{sum(1 for k in kills if not k['model']['present'])}); model_version reached {max(versions, default=0)} |")
print(f"| leftover model temp files | {final['model_temp_files']} |")
print(f"| leftover /tmp/bnc-live.* folders (live.sh's FIFO dir; its EXIT trap cannot run on SIGKILL) | {sys.argv[5]} |")
PY
echo
echo "crash-restart: $((kills + 1 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
