#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in fuzz/ (one Swift file per target) for a bounded time
# each. Fails on any crash, leak, hang (timeout), or out-of-memory; prints executions and coverage
# per target. See fuzz/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/fuzz.sh [--seconds N] [--max-len BYTES] [--list] [--build-only] [TARGET...]

Builds each fuzz target (fuzz/TARGET.swift) with -sanitize=fuzzer,address against the library
sources it names, seeds its corpus from the real captures in ../shared/data, and runs it for
N seconds (default 20). With no TARGET, runs every target in fuzz/.

  --seconds N      run time per target (libFuzzer -max_total_time), default 20
  --max-len BYTES  largest input libFuzzer tries (default per target, 4096 or more)
  --list           print the targets and the modules each one links, then exit
  --build-only     compile the targets, run nothing
  -h, --help       this text

Work files live in .build-fuzz/ (gitignored): modules/ (compiled libraries, rebuilt only when
their sources change), bin/, corpus/TARGET (grows across local runs), seeds/TARGET (regenerated),
artifacts/TARGET (crash/leak/timeout reproducers), logs/TARGET.log.
Exit status: 0 when every target ran clean, 1 when any target found a problem or failed to build.
Reproduce a finding:  .build-fuzz/bin/TARGET .build-fuzz/artifacts/TARGET/crash-…
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
mods="$work/modules"
mkdir -p "$mods" "$work/bin" "$work/logs"

# MARK: the module graph (mirrors Package.swift's library targets)
declare -A deps=(
  [ArgumentParser]=""
  [BNCCore]="ArgumentParser"
  [TradeFormat]="BNCCore"
  [Windowing]="BNCCore TradeFormat"
  [AnomalyModel]="BNCCore"
  [Scoring]="BNCCore AnomalyModel"
  [CCurl]=""
  [MarketStream]="BNCCore TradeFormat CCurl"
  [ZIPFoundation]=""
  [MarketHistory]="BNCCore TradeFormat ZIPFoundation"
  [ResultStats]="BNCCore"
)

# shellcheck disable=SC2054  # one swiftc flag whose value holds a comma
fuzz_flags=(-sanitize=fuzzer,address -O -g -DSWIFT_PACKAGE)

zipfoundation_root() {
  # The package's own dependency: the checkout of the normal build if there is one, else resolved
  # into our scratch path (from SwiftPM's cache).
  if [ -d "$root/.build/checkouts/ZIPFoundation/Sources/ZIPFoundation" ]; then
    echo "$root/.build/checkouts/ZIPFoundation/Sources"; return
  fi
  if [ ! -d "$work/checkouts/ZIPFoundation/Sources/ZIPFoundation" ]; then
    swift package --scratch-path "$work" resolve >&2
  fi
  echo "$work/checkouts/ZIPFoundation/Sources"
}

module_sources() {
  case "$1" in
    ArgumentParser) echo "$root/fuzz/Support/ArgumentParser.swift" ;;
    ZIPFoundation) find "$(zipfoundation_root)/ZIPFoundation" -name '*.swift' | sort ;;
    CCurl) echo "$root/Sources/CCurl/CCurl.c" ;;
    *) find "$root/Sources/$1" -name '*.swift' | sort ;;
  esac
}

# Modules a target needs, dependencies first.
declare -A seen
ordered=()
visit() {
  local m=$1 d
  [ -n "${seen[$m]:-}" ] && return
  seen[$m]=1
  [ -n "${deps[$m]+x}" ] || { echo "fuzz.sh: unknown module $m" >&2; exit 1; }
  for d in ${deps[$m]}; do visit "$d"; done
  ordered+=("$m")
}
modules_of() {
  local file=$1 line
  line=$(grep -m1 '^// fuzz-modules:' "$file" || true)
  [ -n "$line" ] || { echo "fuzz.sh: $file lacks a '// fuzz-modules: …' line" >&2; exit 1; }
  seen=(); ordered=()
  local m
  for m in ${line#// fuzz-modules:}; do visit "$m"; done
  echo "${ordered[@]}"
}

declare -A built
build_module() {
  local m=$1 srcs hash d
  [ -n "${built[$m]:-}" ] && return 0
  mapfile -t srcs < <(module_sources "$m")
  hash=$( { printf '%s\n' "${fuzz_flags[@]}" "${srcs[@]}"; cat "${srcs[@]}";
            for d in ${deps[$m]}; do cat "$mods/$d.hash"; done; } | sha1sum | cut -d' ' -f1)
  if [ -f "$mods/$m.hash" ] && [ "$(cat "$mods/$m.hash")" = "$hash" ] && [ -f "$mods/$m.o" ]; then
    built[$m]=1; return 0
  fi
  echo "fuzz.sh: compiling module $m (${#srcs[@]} files)" >&2
  rm -f "$mods/$m.hash"
  case "$m" in
    CCurl)
      clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I "$root/Sources/CCurl/include" \
        "${srcs[@]}" -o "$mods/CCurl.o"
      mkdir -p "$mods/CCurl"
      printf 'module CCurl {\n  umbrella header "%s"\n  link "curl"\n  link "crypto"\n  export *\n}\n' \
        "$root/Sources/CCurl/include/CCurl.h" > "$mods/CCurl/module.modulemap"
      ;;
    *)
      local lang=6
      [ "$m" = ZIPFoundation ] && lang=5
      swiftc -parse-as-library -swift-version "$lang" -module-name "$m" -wmo \
        -I "$mods" -Xcc -fmodule-map-file="$mods/CCurl/module.modulemap" -I "$(zipfoundation_root)/CZLib" \
        -Xcc -D_GNU_SOURCE=1 -emit-module -emit-module-path "$mods/$m.swiftmodule" \
        "${fuzz_flags[@]}" -c "${srcs[@]}" -o "$mods/$m.o" 2>&1 \
        | grep -v -e 'Cannot export local symbol' -e '^$' >&2 || true
      [ -f "$mods/$m.swiftmodule" ] || return 1
      ;;
  esac
  [ -f "$mods/$m.o" ] || return 1
  echo "$hash" > "$mods/$m.hash"
  built[$m]=1
}

# CCurl's module map must exist before any Swift module compile names it; harmless otherwise.
mkdir -p "$mods/CCurl"
[ -f "$mods/CCurl/module.modulemap" ] || \
  printf 'module CCurl {\n  umbrella header "%s"\n  link "curl"\n  link "crypto"\n  export *\n}\n' \
    "$root/Sources/CCurl/include/CCurl.h" > "$mods/CCurl/module.modulemap"

build_target() {
  local t=$1 file="$root/fuzz/$1.swift" objs=() m libs=()
  for m in $(modules_of "$file"); do
    build_module "$m" || { echo "fuzz.sh: module $m failed to compile" >&2; return 1; }
    objs+=("$mods/$m.o")
    [ "$m" = CCurl ] && libs+=(-lcurl -lcrypto)
    [ "$m" = ZIPFoundation ] && libs+=(-lz)
  done
  local bin="$work/bin/$t" stamp
  stamp=$(cat "$file" "${objs[@]/%.o/.hash}" | sha1sum | cut -d' ' -f1)
  if [ -x "$bin" ] && [ "$(cat "$bin.hash" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  echo "fuzz.sh: linking $t" >&2
  swiftc -parse-as-library -swift-version 6 -module-name "Fuzz${t//[^A-Za-z0-9]/}" -I "$mods" \
    -Xcc -fmodule-map-file="$mods/CCurl/module.modulemap" -I "$(zipfoundation_root)/CZLib" \
    "${fuzz_flags[@]}" "$file" "${objs[@]}" "${libs[@]}" -o "$bin" 2>&1 \
    | grep -v -e 'Cannot export local symbol' -e '^$' >&2 || true
  [ -x "$bin" ] || return 1
  echo "$stamp" > "$bin.hash"
}

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
    JSONObjectScanner|TradeLineParser|TradeMessage|WindowRowParser)
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
      trade_lines 20 | python3 "$root/fuzz/Support/seeds.py" "$t" "$dir" "$data"
      ;;
  esac
  # Targets that can make their own seeds (a real model file, say) do so when asked.
  if grep -q BNC_FUZZ_WRITE_SEEDS "$root/fuzz/$t.swift"; then
    BNC_FUZZ_WRITE_SEEDS="$dir" ASAN_OPTIONS=detect_leaks=0 "$work/bin/$t" >/dev/null 2>&1
  fi
  if [ -d "$root/fuzz/seeds/$t" ]; then cp "$root/fuzz/seeds/$t"/* "$dir"/ 2>/dev/null || true; fi
}

target_max_len() {
  if [ -n "$max_len" ]; then echo "$max_len"; return; fi
  case "$1" in
    LineReader) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

# MARK: main
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$root"/fuzz/*.swift; do t=$(basename "$f" .swift); targets+=("$t"); done
fi
for t in "${targets[@]}"; do
  [ -f "$root/fuzz/$t.swift" ] || { echo "fuzz.sh: no target fuzz/$t.swift" >&2; exit 64; }
done
if [ "$list_only" -eq 1 ]; then
  for t in "${targets[@]}"; do printf '%-22s %s\n' "$t" "$(modules_of "$root/fuzz/$t.swift")"; done
  exit 0
fi

status=0
results=()
for t in "${targets[@]}"; do
  if ! build_target "$t"; then
    results+=("| $t | build failed | | | |"); status=1; continue
  fi
  [ "$build_only" -eq 1 ] && continue
  corpus="$work/corpus/$t"; seeds="$work/seeds/$t"; art="$work/artifacts/$t"; log="$work/logs/$t.log"
  rm -rf "$seeds"; mkdir -p "$corpus" "$seeds" "$art"
  # Seeding pipes through head: a closed pipe upstream is expected there, not an error.
  ( set +e +o pipefail; seed_target "$t" "$seeds" )
  echo "fuzz.sh: running $t for ${seconds}s" >&2
  rc=0
  # Swift's own crash backtracer fights ASan's; let ASan and libFuzzer report.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$work/bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
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

if [ "$build_only" -eq 0 ]; then
  echo
  echo "| target | result | executions | cov (edges) | ft (features) |"
  echo "|---|---|---:|---:|---:|"
  printf '%s\n' "${results[@]}"
fi
exit "$status"
