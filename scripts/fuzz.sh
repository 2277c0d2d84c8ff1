#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (SwiftPM executable targets of this package, declared only
# when BNC_FUZZ=1) with one `swift build`, then runs each for a bounded time. Fails on any crash,
# leak, hang (timeout), or out-of-memory; prints executions and coverage per target.
# See Fuzz/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/fuzz.sh [--seconds N] [--max-len BYTES] [--list] [--build-only] [TARGET...]

Builds every fuzz target (Fuzz/TARGET/TARGET.swift, product fuzz-TARGET) with libFuzzer and
AddressSanitizer in one `swift build`, seeds each corpus from the real captures in ../shared/data
and Fuzz/seeds, Fuzz/regressions, and runs it for N seconds (default 20). With no TARGET, runs
every target in Fuzz/.

  --seconds N      run time per target (libFuzzer -max_total_time), default 20
  --max-len BYTES  largest input libFuzzer tries (default per target, 4096 or more)
  --list           print the targets and the modules each one imports, then exit
  --build-only     build the targets, run nothing
  -h, --help       this text

Work files live in .build-fuzz/ (gitignored): SwiftPM's build (release/fuzz-TARGET),
corpus/TARGET (grows across local runs), seeds/TARGET (regenerated), artifacts/TARGET
(crash/leak/timeout reproducers), logs/TARGET.log and logs/build.log.
Exit status: 0 when every target ran clean, 1 when any target found a problem or the build failed.
Reproduce a finding:  .build-fuzz/release/fuzz-TARGET .build-fuzz/artifacts/TARGET/crash-…
USAGE
}

seconds=20
max_len=""
list_only=0
build_only=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
    --seconds=*) seconds=${1#*=}; shift ;;
    --max-len) max_len=${2:?--max-len needs a value}; shift 2 ;;
    --max-len=*) max_len=${1#*=}; shift ;;
    --list) list_only=1; shift ;;
    --build-only) build_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds must be a whole number" >&2; exit 64 ;; esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
data="$root/../shared/data"
work="$root/.build-fuzz"
bin="$work/release"

# A target is a folder Fuzz/NAME holding NAME.swift (Package.swift declares fuzz-NAME for each).
all_targets=()
for d in "$root"/Fuzz/*/; do
  t=$(basename "$d")
  [ -f "$d/$t.swift" ] && all_targets+=("$t")
done
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [ -f "$root/Fuzz/$t/$t.swift" ] || { echo "fuzz.sh: no target Fuzz/$t/$t.swift" >&2; exit 64; }
done
if [ "$list_only" -eq 1 ]; then
  for t in "${targets[@]}"; do
    printf '%-22s %s\n' "$t" "$(sed -n 's/^import \([A-Za-z]*\)$/\1/p' "$root/Fuzz/$t/$t.swift" | grep -vx Glibc | paste -sd' ')"
  done
  exit 0
fi

# MARK: build (every fuzz target at once)
# `--sanitize=fuzzer` makes SwiftPM compile executables as libraries and leave `main` to libFuzzer.
# The sanitizers themselves come from -Xswiftc: this swiftc keeps only the last of several
# `-sanitize=` flags, so `--sanitize=fuzzer --sanitize=address` yields a build without coverage or
# without ASan depending on SwiftPM's order; one combined flag, appended last, gets both.
mkdir -p "$work/logs"
echo "fuzz.sh: building ${#all_targets[@]} fuzz targets (log $work/logs/build.log)" >&2
# shellcheck disable=SC2054  # the sanitizer lists are single arguments with commas
if ! BNC_FUZZ=1 swift build -c release --scratch-path "$work" --sanitize=fuzzer \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address > "$work/logs/build.log" 2>&1; then
  grep -E 'error:' "$work/logs/build.log" >&2 || tail -20 "$work/logs/build.log" >&2
  echo "fuzz.sh: build failed; log $work/logs/build.log" >&2
  exit 1
fi
[ "$build_only" -eq 1 ] && exit 0

# MARK: seeds from the real captures
trade_lines() {   # combined-stream lines ("{"stream":…,"data":{…}}"), from every capture
  local f
  for f in "$data"/hftbacktest_spot_btcusdt_*.gz; do
    zcat "$f" | grep '@trade' | cut -d' ' -f2- | awk 'NR % 97 == 1' | head -n "${1:-40}"
  done
}
one_per_file() {  # stdin lines -> DIR/prefix-N, one line each (with its newline)
  awk -v d="$1" -v p="${2:-seed}" '{ f = d "/" p "-" NR; print > f; close(f) }'
}
seed_target() {
  local t=$1 dir=$2
  case "$t" in
    JSONObjectScanner|TradeLineParser|TradeMessage|WindowRowReader)
      trade_lines 40 | one_per_file "$dir" combined
      trade_lines 40 | sed -e 's/^{"stream":"[^"]*","data"://' -e 's/}$//' | one_per_file "$dir" payload
      # WebSocket messages carry no line break of their own.
      [ "$t" = TradeMessage ] && for f in "$dir"/*; do printf '%s' "$(cat "$f")" > "$f"; done
      ;;
    DecimalParser)
      trade_lines 30 | grep -o '"[pq]":"[^"]*"' | cut -d'"' -f4 | one_per_file "$dir" decimal
      printf '%s\n' 0 -0 1e22 1.7976931348623157e308 4.9e-324 123456789012345678901234567890 \
        0.000000000000000000000000001 -9223372036854775808 9007199254740993 | one_per_file "$dir" edge
      ;;
    LineReader)
      local n=0 f
      for f in "$data"/hftbacktest_spot_btcusdt_*.gz; do
        n=$((n + 1))
        { printf '\x07\x30'; zcat "$f" | head -c 3000; } > "$dir/capture-$n"
        { printf '\x1f\x3f'; zcat "$f" | head -n 20 | sed 's/$/\r/'; } > "$dir/crlf-$n"
      done
      ;;
    UTCTime)
      cut -d, -f1 "$data/seed-run/window_results_2026-02-28.csv" | sed -n '2,30p' | tr -d '\n' \
        | fold -w 19 | one_per_file "$dir" original
      printf '%s\n' 2026-02-28T16:01:20.000Z 2024-08-09 '2024-08-09 00:00:01' 1970-01-01T00:00:00Z \
        | tr -d '\n' | fold -w 24 | one_per_file "$dir" iso
      ;;
    LineSplitter)
      local n=0 f
      for f in "$data"/hftbacktest_spot_btcusdt_*.gz; do
        n=$((n + 1))
        { printf '\x2f'; zcat "$f" | head -c 2000; } > "$dir/capture-$n"
      done
      ;;
    WebSocketReader|WebSocketHandshake|ResultReader|PublicDataConverter|BackfillConverter)
      trade_lines 20 | python3 "$root/Fuzz/Support/seeds.py" "$t" "$dir" "$data"
      ;;
  esac
  # Targets that can make their own seeds (a real model file, say) do so when asked.
  if grep -q BNC_FUZZ_WRITE_SEEDS "$root/Fuzz/$t/$t.swift"; then
    BNC_FUZZ_WRITE_SEEDS="$dir" ASAN_OPTIONS=detect_leaks=0 "$bin/fuzz-$t" >/dev/null 2>&1
  fi
  # Hand-made seeds, and every past finding for this target (replayed first on every run).
  if [ -d "$root/Fuzz/seeds/$t" ]; then cp "$root/Fuzz/seeds/$t"/* "$dir"/ 2>/dev/null || true; fi
  for f in "$root/Fuzz/regressions/$t"-*; do
    if [ -f "$f" ]; then cp "$f" "$dir"/; fi
  done
}

target_max_len() {
  if [ -n "$max_len" ]; then echo "$max_len"; return; fi
  case "$1" in
    LineReader) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

# MARK: run
status=0
results=()
for t in "${targets[@]}"; do
  corpus="$work/corpus/$t"; seeds="$work/seeds/$t"; art="$work/artifacts/$t"; log="$work/logs/$t.log"
  rm -rf "$seeds"; mkdir -p "$corpus" "$seeds" "$art"
  # Seeding pipes through head: a closed pipe upstream is expected there, not an error.
  ( set +e +o pipefail; seed_target "$t" "$seeds" )
  echo "fuzz.sh: running $t for ${seconds}s" >&2
  rc=0
  # Swift's own crash backtracer fights ASan's; let ASan and libFuzzer report.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$bin/fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len="$(target_max_len "$t")" -print_final_stats=1 -artifact_prefix="$art/" \
      "$corpus" "$seeds" > "$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  if [ "$rc" -ne 0 ]; then
    status=1
    # shellcheck disable=SC2012  # newest reproducer; libFuzzer names them crash-<sha1> and the like
    finding=$(ls -t "$art" 2>/dev/null | head -1)
    echo "fuzz.sh: $t FAILED (exit $rc); log $log; reproducer ${finding:+$art/$finding}" >&2
    grep -m3 -E 'ERROR:|Fatal error|SUMMARY|==[0-9]+==' "$log" >&2 || tail -20 "$log" >&2
    results+=("| $t | **FAILED** ($rc) ${finding:+$art/$finding} | ${execs:-?} | ${cov:-?} | ${ft:-?} |")
  else
    results+=("| $t | ok | ${execs:-?} | ${cov:-?} | ${ft:-?} (corpus ${corp:-?}) |")
  fi
done

echo
echo "| target | result | executions | cov (edges) | ft (features) |"
echo "|---|---|---:|---:|---:|"
printf '%s\n' "${results[@]}"
exit "$status"
