# shellcheck shell=bash
# Shared functions for the bnc pipeline scripts. Source it; do not run it.
#
#   BNC_BIN    folder holding bnc-stream, bnc-window, bnc-score and bnc-stats; when unset the
#              newest complete build of .build/release and .build/debug under the repository
#              is used, then the tools on PATH, and as a last resort `swift build -c release`.

BNC_SCRIPT=${BNC_SCRIPT:-$(basename "$0")}
BNC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BNC_TOOLS=(bnc-stream bnc-window bnc-score bnc-stats)
BNC_NEEDED=("${BNC_TOOLS[@]}")

bnc_warn() { printf '%s: %s\n' "$BNC_SCRIPT" "$*" >&2; }
bnc_die() { bnc_warn "$*"; exit "${BNC_EXIT:-1}"; }
bnc_usage_error() { bnc_warn "$*"; bnc_warn "try '$BNC_SCRIPT --help'"; exit 64; }

# Option values. Call these in the option loop, before anything is created, removed or started,
# so a bad command line is a usage error (64) that touches nothing:
#   --hours) bnc_need_value "$@"; hours=$2; shift 2 ;;
# (a plain `shift 2` on a missing value would end the script with status 1 and no message).

# Checks that option $1 has a value: present, not empty, and not the next option (`--x`).
bnc_need_value() {
    [[ $# -ge 2 && -n ${2:-} ]] || bnc_usage_error "$1 needs a value"
    [[ $2 != --* ]] || bnc_usage_error "$1 needs a value, not the option '$2'"
}

# Like bnc_need_value for options that hand one word on to a tool (--score-opt --seed): the word
# may itself look like an option.
bnc_need_word() {
    [[ $# -ge 2 && -n ${2:-} ]] || bnc_usage_error "$1 needs a value"
}

# Checks that $2, the value of option $1, is a whole number in [MIN, MAX] ($3, $4; digits only,
# any size: compared as text, so 99999999999999999999 is out of range, not an overflow).
bnc_check_integer() {
    local opt=$1 value=$2 min=$3 max=$4 digits
    [[ $value =~ ^[0-9]+$ ]] || bnc_usage_error "$opt: '${value:0:40}' is not a whole number"
    digits=$(printf '%s' "$value" | sed 's/^0*//'); digits=${digits:-0}
    if bnc_number_below "$digits" "$min" || bnc_number_below "$max" "$digits"; then
        bnc_usage_error "$opt: ${value:0:40} is out of range ($min to $max)"
    fi
}

# Whether the whole number A < B (both digit strings without leading zeros).
bnc_number_below() {
    local a=$1 b=$2
    ((${#a} != ${#b})) && { ((${#a} < ${#b})); return; }
    [[ $a < $b ]]
}

# Checks that $2, the value of option $1, is a decimal number with MIN < value <= MAX ($3, $4).
bnc_check_decimal() {
    local opt=$1 value=$2 min=$3 max=$4
    [[ $value =~ ^[0-9]{1,12}(\.[0-9]{1,12})?$ ]] || bnc_usage_error "$opt: '${value:0:40}' is not a number"
    awk -v v="$value" -v lo="$min" -v hi="$max" 'BEGIN { exit !(v + 0 > lo + 0 && v + 0 <= hi + 0) }' ||
        bnc_usage_error "$opt: $value is out of range (more than $min, at most $max)"
}

# Checks that $2, the value of option $1, is a symbol (what every tool accepts: 1–23 of A–Z a–z 0–9 _).
bnc_check_symbol() {
    [[ $2 =~ ^[A-Za-z0-9_]{1,23}$ ]] || bnc_usage_error "$1: '${2:0:40}' is not a symbol (1–23 letters, digits or _)"
}

# Checks that every input FILE… can be read as a file (`-` is stdin); a folder or an unreadable
# path is a usage error, before anything is created.
bnc_check_inputs() {
    local f
    for f in "$@"; do
        [[ $f == - ]] && continue
        [[ -e $f ]] || bnc_usage_error "$f: no such file"
        [[ ! -d $f ]] || bnc_usage_error "$f: is a folder, not a file"
        [[ -r $f ]] || bnc_usage_error "$f: cannot read (permission)"
    done
}

# Refuses (exit 73, "cannot create") to replace an existing FILE unless FORCE ($2) is 1.
bnc_refuse_overwrite() {
    local file=$1 force=$2
    if [[ -e $file && $force != 1 ]]; then
        BNC_EXIT=73 bnc_die "$file exists; not replacing it (give --force to replace the previous output)"
    fi
}

# Prints the help text given on stdin, minus the leading '# ' of a comment block.
bnc_print_help() { sed -e 's/^# \{0,1\}//' ; }

# Whether DIR holds the needed tools (BNC_NEEDED, default all four) as executables.
bnc_complete_build() {
    local dir=$1 tool
    for tool in "${BNC_NEEDED[@]}"; do [[ -x $dir/$tool ]] || return 1; done
}

# The newest modification time (epoch seconds) of the needed tools in DIR.
bnc_build_time() {
    local dir=$1 newest=0 t tool
    for tool in "${BNC_NEEDED[@]}"; do
        t=$(stat -L -c %Y "$dir/$tool")
        ((t > newest)) && newest=$t
    done
    echo "$newest"
}

# Puts the tools first on PATH (see the top of this file for where they are looked for).
# Arguments: the tools the script needs (default: all four).
bnc_setup_tools() {
    local dir="" candidate best_time=-1 t
    if (($#)); then BNC_NEEDED=("$@"); else BNC_NEEDED=("${BNC_TOOLS[@]}"); fi
    if [[ -n ${BNC_BIN:-} ]]; then
        bnc_complete_build "$BNC_BIN" || bnc_die "BNC_BIN=$BNC_BIN does not hold ${BNC_NEEDED[*]}"
        dir=$BNC_BIN
    else
        for candidate in "$BNC_ROOT/.build/release" "$BNC_ROOT/.build/debug"; do
            if bnc_complete_build "$candidate"; then
                t=$(bnc_build_time "$candidate")
                if ((t > best_time)); then best_time=$t; dir=$candidate; fi
            fi
        done
        if [[ -z $dir ]]; then
            local tool missing=0
            for tool in "${BNC_NEEDED[@]}"; do command -v "$tool" >/dev/null || missing=1; done
            if ((missing)); then
                bnc_warn "no built tools found; building them once with 'swift build -c release' (a few minutes)"
                "$BNC_ROOT/scripts/bootstrap.sh" --runtime >&2 || bnc_die "installing the build dependencies failed"
                (cd "$BNC_ROOT" && swift build -c release >&2) || bnc_die "swift build failed"
                dir=$BNC_ROOT/.build/release
                bnc_complete_build "$dir" || bnc_die "the build did not produce ${BNC_NEEDED[*]} in $dir"
            fi
        fi
    fi
    BNC_TOOLS_DIR=""
    if [[ -n $dir ]]; then
        BNC_TOOLS_DIR=$(cd "$dir" && pwd)
        PATH=$BNC_TOOLS_DIR:$PATH
        export PATH
    fi
}

# Writes FILE decompressed to stdout: .gz, .zst and plain files.
bnc_cat() {
    case $1 in
        *.gz) gzip -dc -- "$1" ;;
        *.zst | *.zstd) zstd -qdc -- "$1" ;;
        -) cat ;;
        *) cat -- "$1" ;;
    esac
}

# The first line of FILE after decompression (empty if none).
bnc_first_line() {
    local line
    line=$({ bnc_cat "$1" 2>/dev/null || true; } | { head -n 1 || true; })
    printf '%s' "$line"
}

# Whether FILE holds Binance public data (a .zip, or a CSV trades/aggTrades dump).
bnc_is_public_data() {
    case $1 in
        *.zip | *.csv | *.csv.gz | *.csv.zst) return 0 ;;
        *) return 1 ;;
    esac
}

# Writes the trade lines held in FILE… to stdout, in order:
#  - recordings (trade lines, plain, .gz or .zst) as they are;
#  - captures with a receive timestamp in front of each combined-stream message
#    (`<ts> {"stream":"btcusdt@trade","data":{…}}`, the hftbacktest format): the first field
#    is stripped and only @trade / @aggTrade messages are kept (envelopes stay; every tool
#    unwraps them);
#  - Binance public-data trades/aggTrades CSVs and zips through `bnc-stream public-data`
#    (pass `--symbol` in BNC_PUBLIC_DATA_ARGS when the file name does not carry it).
bnc_trades_from_files() {
    local file first
    local -a extra=()
    if [[ -n ${BNC_PUBLIC_DATA_ARGS:-} ]]; then read -r -a extra <<<"$BNC_PUBLIC_DATA_ARGS"; fi
    for file in "$@"; do
        if [[ $file != - && ! -r $file ]]; then bnc_die "$file: cannot read"; fi
        if bnc_is_public_data "$file"; then
            if [[ $file == *.zip || $file == *.csv ]]; then
                bnc-stream public-data "${extra[@]}" -- "$file"
            else
                bnc_cat "$file" | bnc-stream public-data "${extra[@]}" -
            fi
            continue
        fi
        if [[ $file == - ]]; then
            # stdin can be read only once: decide per line.
            awk '/^[0-9]+ \{/ { if ($0 ~ /^[0-9]+ \{"stream":"[^"]*@(trade|aggTrade)"/) print substr($0, index($0, " ") + 1); next } { print }'
            continue
        fi
        first=$(bnc_first_line "$file")
        if [[ $first =~ ^[0-9]+\ \{ ]]; then
            bnc_cat "$file" | { grep -E '^[0-9]+ \{"stream":"[^"]*@(trade|aggTrade)"' || true; } | cut -d' ' -f2-
        else
            bnc_cat "$file"
        fi
    done
}

# Checks that a duration looks like the tools' (500ms, 20s, 5m, 1h, or a bare number).
bnc_check_duration() {
    [[ $# -ge 2 && -n ${2:-} ]] || bnc_usage_error "$1 needs a value"
    [[ $2 =~ ^[0-9]+(\.[0-9]+)?(ms|s|m|h)?$ ]] || bnc_usage_error "$1: '${2:0:40}' is not a duration like 500ms, 20s, 5m, 1h"
}

# The results CSV files in DIR, oldest day first.
bnc_result_files() {
    local dir=$1
    compgen -G "$dir/window_results_*.csv" | sort || true
}

# Waits for background job PID and returns its exit status. A plain `wait` returns early when a
# trapped signal arrives (the scripts trap TERM/INT to stop the stream in order), so this waits
# again until the job is really gone.
bnc_wait_for() {
    local pid=$1 status
    while :; do
        if wait "$pid"; then return 0; else status=$?; fi
        kill -0 "$pid" 2>/dev/null || return "$status"
    done
}
