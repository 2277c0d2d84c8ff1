#!/usr/bin/env bash
# bnc-score with the whole market in one process (issue 15): window rows of SYMBOLS symbols
# (default 2,000), WINDOWS 20 s windows each (default 600: every model trains at the default
# --train-windows 500 and retrains once, --retrain-every 100), interleaved as bnc-window writes
# them (bench/make_symbol_rows.py: seeded, a few busy symbols and many quiet ones). Runs
# bnc-score on them in its default (streaming) mode and with --batch, and prints peak RSS
# (GNU time's %M) and rows/s for each binary given.
#
# Usage: bench/score-symbols.sh [SYMBOLS] [WINDOWS] [-- BINARY…]
#   With no binaries, builds and measures this checkout's release bnc-score
#   (SCRATCH=.build-release by default). Give an older build too to compare, e.g.
#   bench/score-symbols.sh 2000 600 -- /tmp/main/.build/release/bnc-score .build-release/release/bnc-score
set -euo pipefail
cd "$(dirname "$0")/.."
SYMBOLS=${1:-2000}
WINDOWS=${2:-600}
shift $(( $# < 2 ? $# : 2 ))
if [[ ${1:-} == -- ]]; then shift; fi
BINS=("$@")
if [[ ${#BINS[@]} -eq 0 ]]; then
    SCRATCH=${SCRATCH:-.build-release}
    swift build -c release --scratch-path "$SCRATCH" --product bnc-score >&2
    BINS=("$SCRATCH/release/bnc-score")
fi
[[ -x /usr/bin/time ]] || { echo "score-symbols.sh: needs GNU time (apt-get install time)" >&2; exit 69; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 bench/make_symbol_rows.py "$SYMBOLS" "$WINDOWS" > "$WORK/rows.ndjson"
ROWS=$((SYMBOLS * WINDOWS))
echo "$ROWS window rows, $SYMBOLS symbols × $WINDOWS windows ($(du -m "$WORK/rows.ndjson" | cut -f1) MB NDJSON)"
echo
echo "| binary | mode | peak RSS | wall | CPU | rows/s (wall) | rows scored |"
echo "|---|---|---|---|---|---|---|"
for bin in "${BINS[@]}"; do
    for mode in stream batch; do
        args=(--quiet)
        [[ $mode == batch ]] && args+=(--batch)
        /usr/bin/time -f '%M %e %U %S' -o "$WORK/time" "$bin" "${args[@]}" < "$WORK/rows.ndjson" > "$WORK/out.csv"
        read -r rss wall user sys < "$WORK/time"
        scored=$(awk -F, 'NR > 1 && $7 != "" { n++ } END { print n + 0 }' "$WORK/out.csv")
        awk -v b="$bin" -v m="$mode" -v k="$rss" -v w="$wall" -v u="$user" -v s="$sys" -v n="$ROWS" -v sc="$scored" \
            'BEGIN { printf "| %s | %s | %.0f MiB | %.2f s | %.2f s | %.0f | %d |\n", b, m, k / 1024, w, u + s, n / w, sc }'
    done
done
