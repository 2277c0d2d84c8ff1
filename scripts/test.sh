#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing, builds every tool, runs a
# short libFuzzer pass over every parser, then every test (unit, parity with scikit-learn /
# pandas / SciPy, the WebSocket peer, crash-restart and faults, end-to-end pipelines).
#
#   scripts/test.sh                 everything (what CI runs)
#   BNC_FUZZ_SECONDS=0 scripts/test.sh --filter Window    skip fuzzing, run some tests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
swift build
fuzz_seconds=${BNC_FUZZ_SECONDS:-4}
if [ "$fuzz_seconds" -gt 0 ]; then
  scripts/fuzz.sh --seconds "$fuzz_seconds"
fi
swift test "$@"
