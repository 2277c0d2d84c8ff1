#!/usr/bin/env bash
# Detection quality on the simulator (synthetic data), per profile and episode kind (issue 14).
# For each seed: HOURS simulated hours with planted, labelled episodes (bnc-stream simulate
# --labels), 20 s windows (bnc-window), then bnc-score with each profile at the default settings
# (contamination 0.05, 500-window buffer, retrain every 100). The table gives, per profile and
# kind, over all seeds: episodes found / planted, recall, precision, average precision (windows
# ranked by score) and flag rate; scripts/reference/detection_quality.py defines each.
#
# Usage: bench/detection.sh [HOURS] [SEED…]      (default: 24 hours, seeds 1 2 3 4 5)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
hours=${1:-24}
shift || true
seeds=("$@")
[ "${#seeds[@]}" -gt 0 ] || seeds=(1 2 3 4 5)
profiles=(original bnc)

for product in bnc-stream bnc-window bnc-score; do
  swift build -c release --scratch-path .build-release --product "$product" >&2
done
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)
out=bench/out/detection
mkdir -p "$out"

for seed in "${seeds[@]}"; do
  "$bin/bnc-stream" simulate --hours "$hours" --seed "$seed" --labels "$out/labels-$seed.json" \
    | "$bin/bnc-window" --quiet > "$out/windows-$seed.ndjson"
  for profile in "${profiles[@]}"; do
    "$bin/bnc-score" --quiet --profile "$profile" < "$out/windows-$seed.ndjson" > "$out/scores-$profile-$seed.csv"
  done
done

echo "$hours h × seeds ${seeds[*]}, contamination 0.05"
echo
echo "| profile | kind | found / planted | recall | precision | average precision | flag rate |"
echo "|---|---|---:|---:|---:|---:|---:|"
for profile in "${profiles[@]}"; do
  pairs=()
  for seed in "${seeds[@]}"; do pairs+=("$out/labels-$seed.json" "$out/scores-$profile-$seed.csv"); done
  python3 scripts/reference/detection_quality.py --markdown --profile "$profile" "${pairs[@]}"
done
