#!/usr/bin/env bash
# Throughput of bnc-stream's offline sources (public-data, replay --speed 0, simulate), release
# build. Prints a markdown table. Usage: bench/history.sh [HOURS]   (simulated hours, default 24)
# The release build goes to ${BNC_RELEASE_SCRATCH:-.build-release}.
# shellcheck disable=SC2016  # backticks in the table are markdown, not command substitution
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:-24}
scratch=${BNC_RELEASE_SCRATCH:-.build-release}
swift build -c release --scratch-path "$scratch" --product bnc-stream >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/bnc-stream
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# seconds COMMAND…: wall seconds of one run (stdout discarded unless redirected inside).
seconds() {
    local start end
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
mb() { awk -v n="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", n / 1048576 }'; }

t_sim=$(seconds sh -c "'$bin' simulate --hours '$hours' --seed 1 > '$work/sim.ndjson'")
trades=$(wc -l < "$work/sim.ndjson")

# The simulated trades as Binance's spot trades dump (µs timestamps like the 2025 files), zipped.
awk -F'"' '{
    id=$13; gsub(/[:,]/, "", id); t=$23; gsub(/[:,]/, "", t); m=$25; gsub(/[:,]/, "", m);
    printf "%s,%s,%s,%.8f,%s%03d,%s,True\n", id, $16, $20, $16 * $20, t, NR % 1000, (m == "true" ? "True" : "False")
}' "$work/sim.ndjson" > "$work/BTCUSDT-trades-2025-01-01.csv"
python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED); z.write(sys.argv[2], "BTCUSDT-trades-2025-01-01.csv"); z.close()' \
    "$work/BTCUSDT-trades-2025-01-01.zip" "$work/BTCUSDT-trades-2025-01-01.csv"

t_csv=$(seconds sh -c "'$bin' public-data '$work/BTCUSDT-trades-2025-01-01.csv' > /dev/null")
t_zip=$(seconds sh -c "'$bin' public-data '$work/BTCUSDT-trades-2025-01-01.zip' > /dev/null")
t_replay=$(seconds sh -c "'$bin' replay --speed 0 '$work/sim.ndjson' > /dev/null")

echo "| command | input | trades | wall s | trades/s |"
echo "|---|---|---:|---:|---:|"
printf '| `simulate --hours %s` | — (writes %s MB) | %s | %.2f | %s |\n' "$hours" "$(mb "$work/sim.ndjson")" "$trades" "$t_sim" "$(rate "$trades" "$t_sim")"
printf '| `public-data` CSV | %s MB trades CSV (µs) | %s | %.2f | %s |\n' "$(mb "$work/BTCUSDT-trades-2025-01-01.csv")" "$trades" "$t_csv" "$(rate "$trades" "$t_csv")"
printf '| `public-data` zip | %s MB zip (deflate) | %s | %.2f | %s |\n' "$(mb "$work/BTCUSDT-trades-2025-01-01.zip")" "$trades" "$t_zip" "$(rate "$trades" "$t_zip")"
printf '| `replay --speed 0` | %s MB NDJSON | %s | %.2f | %s |\n' "$(mb "$work/sim.ndjson")" "$trades" "$t_replay" "$(rate "$trades" "$t_replay")"
