#!/usr/bin/env bash
# Detection quality on the simulator (synthetic data): for each seed, 24 simulated hours with the
# default settings (simulate → bnc-window → bnc-score), then recall (planted episodes with at least
# one anomalous window) and precision (anomalous windows inside an episode).
#
# Usage: bench/detection.sh [HOURS] [SEED…]      (default: 24 hours, seeds 1 2 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
hours=${1:-24}
shift || true
seeds=("$@")
[ "${#seeds[@]}" -gt 0 ] || seeds=(1 2 3)

for product in bnc-stream bnc-window bnc-score; do
  swift build -c release --scratch-path .build-release --product "$product" >&2
done
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)
out=bench/out/detection
mkdir -p "$out"

echo "| seed | windows | scored | anomalous | episodes found / planted | recall | precision | found by kind |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
for seed in "${seeds[@]}"; do
  "$bin/bnc-stream" simulate --hours "$hours" --seed "$seed" --labels "$out/labels-$seed.json" \
    | "$bin/bnc-window" --quiet \
    | "$bin/bnc-score" --quiet > "$out/scores-$seed.csv"
  python3 scripts/reference/detection_quality.py "$out/labels-$seed.json" "$out/scores-$seed.csv" \
    --markdown-row "$seed"
done
