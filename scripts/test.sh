#!/usr/bin/env bash
# The whole test suite from a fresh clone, in two tiers: installs what is missing, builds every
# tool, runs the fast hermetic tier (`swift test`: unit, in-process and end-to-end tests on
# Tests/Fixtures; no Python, chromium, root, faketime or ../shared), a short libFuzzer pass over
# every parser, then the integration tier (BNC_INTEGRATION=1: parity with scikit-learn / pandas /
# SciPy, the Python WebSocket peer, chromium, crash-restart and faults, full real captures).
#
#   scripts/test.sh                 everything (what CI runs)
#   BNC_FUZZ_SECONDS=0 BNC_SKIP_INTEGRATION=1 scripts/test.sh --filter Window
#                                   the fast tier only, some tests (arguments go to it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
swift build

# 1. The fast tier. BNC_INTEGRATION is unset so the integration suites report as skipped here.
env -u BNC_INTEGRATION swift test "$@"

# 2. Fuzzing.
fuzz_seconds=${BNC_FUZZ_SECONDS:-4}
if [ "$fuzz_seconds" -gt 0 ]; then
  scripts/fuzz.sh --seconds "$fuzz_seconds"
fi

# 3. The integration tier (it runs scripts/crash-restart.sh and scripts/faults.sh itself).
if [ "${BNC_SKIP_INTEGRATION:-0}" != 1 ]; then
  BNC_INTEGRATION=1 swift test --filter IntegrationTests
fi
