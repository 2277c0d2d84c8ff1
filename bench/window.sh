#!/usr/bin/env bash
# Benchmark for bnc-window (issue 2): trades/s from a file on one core, against `wc -l` (the read
# floor) and the naive Python json.loads windowing a user would write; peak RSS at 1x and 10x.
# Prints a markdown table. Usage: bench/window.sh [repeats-for-1x (default 101 = 2.01 M trades)]
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-101}
out=bench/out
mkdir -p "$out"
command -v /usr/bin/time >/dev/null || { echo "installing GNU time" >&2; apt-get install -y time >/dev/null; }

swift build -c release --product bnc-window --scratch-path .build-release >&2
bin=.build-release/release/bnc-window

if [ ! -s "$out/capture.ndjson" ]; then
    for f in 20240808 20240809; do
        zcat "../shared/data/hftbacktest_spot_btcusdt_$f.gz" | grep '@trade' | cut -d' ' -f2-
    done > "$out/capture.ndjson"
fi
[ -s "$out/trades-1x.ndjson" ] || python3 scripts/reference/make_window_bench_input.py "$out/capture.ndjson" "$repeats" "$out/trades-1x.ndjson"
[ -s "$out/trades-10x.ndjson" ] || python3 scripts/reference/make_window_bench_input.py "$out/capture.ndjson" $((repeats * 10)) "$out/trades-10x.ndjson"

# best of 3 wall-clock seconds, and the peak RSS (KiB) of the last run
measure() {
    local best=999999 rss=0 t
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > /dev/null 2> "$out/stderr.txt"
        read -r t rss < "$out/time.txt"
        best=$(python3 -c "print(min($best, $t))")
    done
    echo "$best $rss"
}

lines1=$(wc -l < "$out/trades-1x.ndjson")
lines10=$(wc -l < "$out/trades-10x.ndjson")
read -r w1 r1 < <(measure "$bin" --window 20s "$out/trades-1x.ndjson")
read -r w10 r10 < <(measure "$bin" --window 20s "$out/trades-10x.ndjson")
read -r wc1 _ < <(measure wc -l "$out/trades-1x.ndjson")
# Python once (it is slow): on the 1x file.
/usr/bin/time -f "%e %M" -o "$out/time.txt" python3 scripts/reference/window_python.py "$out/trades-1x.ndjson" > /dev/null
read -r py1 pyrss < "$out/time.txt"

rate() { python3 -c "print(f'{$1 / $2 / 1e6:.2f}')"; }
echo
echo "| run | trades | seconds | M trades/s | vs Python | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| \`bnc-window --window 20s\` 1x | $lines1 | $w1 | $(rate "$lines1" "$w1") | $(python3 -c "print(f'{$py1 / $w1:.0f}x')") | $((r1 / 1024)) MiB |"
echo "| \`bnc-window --window 20s\` 10x | $lines10 | $w10 | $(rate "$lines10" "$w10") | | $((r10 / 1024)) MiB |"
echo "| \`wc -l\` 1x (read floor) | $lines1 | $wc1 | $(rate "$lines1" "$wc1") | | |"
echo "| Python \`json.loads\` windowing 1x | $lines1 | $py1 | $(rate "$lines1" "$py1") | 1x | $((pyrss / 1024)) MiB |"
echo
echo "($(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d); input $(du -h "$out/trades-1x.ndjson" | cut -f1) / $(du -h "$out/trades-10x.ndjson" | cut -f1))"
