#!/usr/bin/env bash
# Usage: shard.sh [options] DIR OUT
#
# Windows and scores a folder of Binance public-data files (DIR) in parallel, one job per
# symbol, with GNU parallel on local slots or on several hosts, and merges the results into
# what one process over the whole folder writes (docs/scaling.md, "Beyond one machine").
#
# DIR holds daily or monthly dumps named as Binance names them: SYMBOL-trades-DATE.zip (or
# .csv), SYMBOL-aggTrades-DATE.zip. A job takes all files of one symbol, in date order (the
# names sort by date), through bnc-stream public-data | bnc-window > OUT/windows/SYMBOL.ndjson,
# then bnc-score --batch OUT/windows/SYMBOL.ndjson > OUT/scores/SYMBOL.csv. Everything is per
# symbol, so the jobs share nothing; the merge concatenates them in symbol order (LC_ALL=C):
#   OUT/windows.ndjson   all window rows, symbols in order, each symbol's rows as one run writes them
#   OUT/scores.csv       one header, then all scored rows the same way
# These are byte for byte the output of one process over all files (symbols in order, each
# symbol's days in order) grouped stably by symbol: see --single.
#
# Options:
#   -j, --jobs N            jobs at once on this host (default: one per core; GNU parallel -j)
#   --sshlogin LOGINS       run the jobs on these hosts (GNU parallel --sshlogin, e.g.
#                           '8/alice@host1,8/alice@host2,:' — ':' is this host). Every host
#                           needs this repository with built tools at the same path (or BNC_BIN)
#                           and DIR and OUT at the same paths (a shared file system)
#   --window DURATION       window size (default 20s)
#   --window-opt ARG        another bnc-window option (repeat)
#   --score-opt ARG         another bnc-score option (repeat; --batch is always given)
#   --single                no parallel: one process over all files, grouped by symbol the same
#                           way, into the same OUT files (the reference the recipe must equal)
#   -h, --help              this text
#
# Examples:
#   pipelines/shard.sh -j 2 data/public/ out/
#   pipelines/shard.sh --sshlogin '4/bnc@h1,4/bnc@h2,:' --window 10s /shared/public /shared/out
set -euo pipefail
BNC_SCRIPT=shard.sh
# shellcheck source=pipelines/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The dumps of DIR ($1), by symbol then date (the names sort that way: SYMBOL-kind-YYYY-MM[-DD]);
# only those of symbol $2 when given.
shard_files() {
    find "$1" -maxdepth 1 -type f -name "${2:-*}-*" \( -name '*-trades-*' -o -name '*-aggTrades-*' \) \
        \( -name '*.zip' -o -name '*.csv' \) -printf '%f\n' | LC_ALL=C sort
}

# One job (what parallel runs, on whichever host): shard.sh --one-shard DIR OUT WINDOW-ARGS
# SCORE-ARGS SYMBOL, the argument lists as single words split on spaces.
if [[ ${1:-} == --one-shard ]]; then
    dir=$2 out=$3 symbol=$6
    read -r -a window_args <<< "$4"
    read -r -a score_args <<< "$5"
    bnc_setup_tools bnc-stream bnc-window bnc-score
    mapfile -t files < <(shard_files "$dir" "$symbol")
    (cd "$dir" && bnc-stream public-data "${files[@]}") | bnc-window --quiet "${window_args[@]}" > "$out/windows/$symbol.ndjson"
    bnc-score --batch "${score_args[@]}" "$out/windows/$symbol.ndjson" > "$out/scores/$symbol.csv"
    exit 0
fi

jobs=""
sshlogin=""
single=0
window_args=(--window 20s)
score_args=()
positional=()
while (($#)); do
    case $1 in
        --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
        -h | --help) bnc_print_help < <(sed -n '2,/^set -euo/p' "$0" | sed '$d'); exit 0 ;;
        -j | --jobs) bnc_need_value "$@"; bnc_check_integer "$1" "$2" 1 1024; jobs=$2; shift 2 ;;
        --sshlogin) bnc_need_value "$@"; sshlogin=$2; shift 2 ;;
        --window) bnc_check_duration "$@"; window_args+=(--window "$2"); shift 2 ;;
        --window-opt) bnc_need_word "$@"; window_args+=("$2"); shift 2 ;;
        --score-opt) bnc_need_word "$@"; score_args+=("$2"); shift 2 ;;
        --single) single=1; shift ;;
        --) shift; positional+=("$@"); break ;;
        -*) bnc_usage_error "unknown option $1" ;;
        *) positional+=("$1"); shift ;;
    esac
done
((${#positional[@]} == 2)) || bnc_usage_error "give the folder of public-data files and the output folder"
dir=$(cd "${positional[0]}" 2>/dev/null && pwd) || bnc_usage_error "${positional[0]}: not a folder"
for word in "${window_args[@]}" "${score_args[@]}"; do
    [[ $word != *[[:space:]]* ]] || bnc_usage_error "'$word': options passed on may not contain spaces"
done
mapfile -t files < <(shard_files "$dir")
((${#files[@]})) || BNC_EXIT=66 bnc_die "$dir: no public-data files (SYMBOL-trades-DATE.zip/.csv)"
((single)) || command -v parallel >/dev/null || BNC_EXIT=69 bnc_die "GNU parallel is not installed (apt-get install parallel)"
mkdir -p "${positional[1]}" || BNC_EXIT=73 bnc_die "${positional[1]}: cannot create"
out=$(cd "${positional[1]}" && pwd)
bnc_setup_tools bnc-stream bnc-window bnc-score
rm -rf "$out/windows" "$out/scores"
mkdir -p "$out/windows" "$out/scores"

if ((single)); then
    # The reference: one process over every file, then each symbol's rows together, in order.
    (cd "$dir" && bnc-stream public-data "${files[@]}") | bnc-window --quiet "${window_args[@]}" \
        | tee "$out/windows.unsorted.ndjson" | bnc-score --batch "${score_args[@]}" > "$out/scores.unsorted.csv"
    LC_ALL=C sort -s -t'"' -k4,4 "$out/windows.unsorted.ndjson" > "$out/windows.ndjson"
    { head -n 1 "$out/scores.unsorted.csv"; tail -n +2 "$out/scores.unsorted.csv" | LC_ALL=C sort -s -t, -k9,9; } \
        > "$out/scores.csv"
    rm -f "$out/windows.unsorted.ndjson" "$out/scores.unsorted.csv"
    rmdir "$out/windows" "$out/scores"
    exit 0
fi

# The symbols, one per line: a job each.
jobs_file=$out/symbols.txt
for f in "${files[@]}"; do
    symbol=${f%%-*}
    bnc_check_symbol "$f" "$symbol"
    printf '%s\n' "$symbol"
done | uniq > "$jobs_file"

parallel_args=(--halt "now,fail=1")
[[ -z $jobs ]] || parallel_args+=(-j "$jobs")
[[ -z $sshlogin ]] || parallel_args+=(--sshlogin "$sshlogin")
# BNC_BIN, when set, names the tools' folder on every host.
[[ -z ${BNC_BIN:-} ]] || parallel_args+=(--env BNC_BIN)
self=$BNC_ROOT/pipelines/shard.sh
parallel "${parallel_args[@]}" "$self" --one-shard "$dir" "$out" "'${window_args[*]}'" "'${score_args[*]}'" {} \
    < "$jobs_file" || bnc_die "a shard failed (see above)"

# Merge, symbols in order.
mapfile -t symbols < "$jobs_file"
: > "$out/windows.ndjson"
: > "$out/scores.csv"
header=0
for symbol in "${symbols[@]}"; do
    cat "$out/windows/$symbol.ndjson" >> "$out/windows.ndjson"
    if [[ -s $out/scores/$symbol.csv ]]; then
        ((header)) || { head -n 1 "$out/scores/$symbol.csv" >> "$out/scores.csv"; header=1; }
        tail -n +2 "$out/scores/$symbol.csv" >> "$out/scores.csv"
    fi
done
