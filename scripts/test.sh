#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing, builds every tool, then runs
# every test (unit, parity with scikit-learn/pandas/SciPy, WebSocket peer, end-to-end pipelines).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
swift build
swift test "$@"
