#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each in its own scratch path
# (.build-asan, .build-tsan), and prints how long each took. See docs/robustness.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/sanitizers.sh [--asan] [--tsan] [-- SWIFT_TEST_ARGS...]

Builds and runs `swift test` with --sanitize=address and with --sanitize=thread (both by
default), each in its own scratch path so the normal build is untouched. Arguments after `--`
go to `swift test` (e.g. `-- --filter BNCCoreTests`).

Exit status: 0 when every selected sanitizer run passed, 1 otherwise.
Measured on the 2-core development machine: see docs/robustness.md.
USAGE
}

run_asan=0
run_tsan=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --asan) run_asan=1; shift ;;
    --tsan) run_tsan=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "sanitizers.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
  esac
done
if [ "$run_asan" -eq 0 ] && [ "$run_tsan" -eq 0 ]; then run_asan=1; run_tsan=1; fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p .build-asan .build-tsan

# Swift's crash backtracer and the sanitizers' own reports get in each other's way.
export SWIFT_BACKTRACE=enable=no
# Leak checking of the whole test process reports the Swift runtime's intentional one-time
# allocations (metadata caches); the fuzz targets (scripts/fuzz.sh) check leaks per input instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

status=0
summary=()
run() {
  local name=$1 sanitizer=$2 scratch=$3 start end rc=0
  start=$(date +%s)
  echo "sanitizers.sh: $name: building and testing in $scratch" >&2
  swift build --build-tests --scratch-path "$scratch" --sanitize="$sanitizer" > "$scratch/sanitizer-build.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    grep -m10 'error:' "$scratch/sanitizer-build.log" >&2 || tail -20 "$scratch/sanitizer-build.log" >&2
  else
    swift test --skip-build --scratch-path "$scratch" --sanitize="$sanitizer" "${extra[@]}" \
      > "$scratch/sanitizer-test.log" 2>&1 || rc=$?
    grep -E "^(✔|✘|􁁛|􀢄)? ?Test run with|passed after|failed after|Executed|SUMMARY: (Address|Thread)Sanitizer|WARNING: ThreadSanitizer" \
      "$scratch/sanitizer-test.log" | tail -8 >&2 || true
  fi
  end=$(date +%s)
  local result=passed
  if [ "$rc" -ne 0 ]; then result="FAILED (exit $rc, logs $scratch/sanitizer-*.log)"; status=1; fi
  summary+=("| $name | $result | $((end - start)) s |")
}

[ "$run_asan" -eq 1 ] && run AddressSanitizer address .build-asan
[ "$run_tsan" -eq 1 ] && run ThreadSanitizer thread .build-tsan

echo
echo "| sanitizer | result | wall time (build + test) |"
echo "|---|---|---:|"
printf '%s\n' "${summary[@]}"
exit "$status"
