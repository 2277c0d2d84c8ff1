#!/usr/bin/env bash
# Usage: collector.sh [--data-dir DIR] start [live.sh options…] [SYMBOL…]
#        collector.sh [--data-dir DIR] stop [--timeout SECONDS]
#        collector.sh [--data-dir DIR] status
#        collector.sh [--data-dir DIR] logs [-f] [-n LINES]
#
# Runs the live detector (live.sh) in the background as a long-running collector.
#   start   starts it detached (new session, survives the terminal), with its pid in
#           DATA/collector.pid and its output in DATA/collector.log; refuses to start a second
#           copy (a pid file left by a crash is noticed and replaced). Options and symbols after
#           `start` go to live.sh (--endpoint, --ca-file, --record, --window, --alert CMD, …);
#           with --alert CMD, bnc-stats watch runs CMD once per anomaly episode.
#   stop    sends SIGTERM and waits until the stream has stopped, the last rows are written and
#           every process of the pipeline (the --alert watcher too) is gone; after --timeout (default 60 s) the remaining
#           processes are killed with SIGKILL and a warning.
#   status  running or stopped, pid and uptime, the last window written (from the newest
#           results file), rows written today (UTC), and the reconnects bnc-stream logged;
#           exit status 0 when running, 3 when stopped (as LSB init scripts do).
#   logs    the end of the log file (-n LINES, default 50; -f to follow).
#
# Options:
#   --data-dir DIR   where results, pid file and log go (default: <repo>/data)
#   -h, --help       this text
#
# Examples:
#   pipelines/collector.sh start --record btcusdt ethusdt
#   pipelines/collector.sh start --alert 'curl -fsS --json @- "$WEBHOOK_URL"' btcusdt
#   pipelines/collector.sh status
#   pipelines/collector.sh stop
set -euo pipefail
BNC_SCRIPT=collector.sh
# shellcheck source=pipelines/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data_dir=$BNC_ROOT/data
command=""
while (($#)); do
    case $1 in
        --data-dir=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
        --data-dir) bnc_need_value "$@"; data_dir=$2; shift 2 ;;
        -h | --help) bnc_print_help < <(sed -n '2,/^set -euo/p' "$0" | sed '$d'); exit 0 ;;
        start | stop | status | logs) command=$1; shift; break ;;
        *) bnc_usage_error "expected start, stop, status or logs, not '$1'" ;;
    esac
done
[[ -n $command ]] || bnc_usage_error "expected start, stop, status or logs"
# Only start creates the folder; stop, status and logs on a folder that does not exist report
# "not running" / "no log yet" instead of creating it.
data_dir=$(realpath -m -- "$data_dir")
pid_file=$data_dir/collector.pid
log_file=$data_dir/collector.log

# The pid of the running collector, or nothing (a stale pid file is removed).
running_pid() {
    local pid
    [[ -f $pid_file ]] || return 0
    pid=$(<"$pid_file")
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'live\.sh'; then
        echo "$pid"
    else
        bnc_warn "removing stale pid file $pid_file (pid ${pid:-?} is not running)"
        rm -f "$pid_file"
    fi
}

# All descendants of PID (children first found, then theirs).
descendants() {
    local parent=$1 child
    for child in $(ps -e -o pid= -o ppid= | awk -v p="$parent" '$2 == p { print $1 }'); do
        echo "$child"
        descendants "$child"
    done
}

alive() {
    local pid
    for pid in "$@"; do
        # A zombie waiting for its parent counts as gone.
        if kill -0 "$pid" 2>/dev/null && [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]]; then return 0; fi
    done
    return 1
}

do_start() {
    local pid
    # live.sh checks its options first (--dry-run starts nothing), so a bad option is a usage
    # error here, with live.sh's message, before a pid file or a log exists.
    "$BNC_ROOT/pipelines/live.sh" --dry-run --data-dir "$data_dir" "$@" >/dev/null || exit $?
    mkdir -p "$data_dir" || BNC_EXIT=73 bnc_die "cannot create $data_dir"
    exec 9>"$data_dir/collector.lock"
    flock -n 9 || bnc_die "another collector.sh is starting or stopping right now"
    pid=$(running_pid)
    if [[ -n $pid ]]; then
        bnc_warn "already running (pid $pid); stop it first with '$BNC_SCRIPT stop'"
        exit 1
    fi
    local tools=(bnc-stream bnc-window bnc-score) arg
    for arg in "$@"; do [[ $arg != --alert && $arg != --alert=* ]] || tools+=(bnc-stats); done
    bnc_setup_tools "${tools[@]}"   # builds in the foreground if needed
    {
        printf '\n==== %s collector start: live.sh' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        printf ' %q' "$@"
        printf '\n'
    } >>"$log_file"
    [[ -z $BNC_TOOLS_DIR ]] || export BNC_BIN=$BNC_TOOLS_DIR
    # live.sh must be able to receive SIGTERM (stop) and SIGINT/SIGHUP: a parent that blocks
    # or ignores them (some supervisors and test harnesses do, and a background job of a script
    # starts with SIGINT ignored) would pass that on. perl (perl-base, always on Debian) clears
    # the signal mask and restores the default dispositions before it execs live.sh.
    local launcher=()
    if command -v perl >/dev/null; then
        # shellcheck disable=SC2016 # perl code, not shell
        launcher=(perl -MPOSIX -e '$SIG{$_} = "DEFAULT" for qw(INT TERM HUP QUIT);
            sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die "sigprocmask: $!\n";
            exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n"')
    fi
    setsid "${launcher[@]}" "$BNC_ROOT/pipelines/live.sh" --data-dir "$data_dir" "$@" \
        >>"$log_file" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid" >"$pid_file.tmp"
    mv "$pid_file.tmp" "$pid_file"
    # Give it a moment to fail on bad options or a missing tool.
    sleep 1
    if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$pid_file"
        bnc_warn "the collector exited at once; the end of $log_file:"
        tail -n 15 "$log_file" >&2
        exit 1
    fi
    echo "collector started (pid $pid), log: $log_file"
}

do_stop() {
    local timeout=60 pid waited=0 pids
    while (($#)); do
        case $1 in
            --timeout=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
            --timeout) bnc_need_value "$@"; timeout=$2; shift 2 ;;
            *) bnc_usage_error "stop: unknown option $1" ;;
        esac
    done
    bnc_check_integer --timeout "$timeout" 0 86400
    if [[ ! -d $data_dir ]]; then
        echo "collector is not running"
        return 0
    fi
    exec 9>"$data_dir/collector.lock"
    flock -w "$timeout" 9 || bnc_die "another collector.sh is starting or stopping right now"
    pid=$(running_pid)
    if [[ -z $pid ]]; then
        echo "collector is not running"
        return 0
    fi
    # Remember the whole pipeline now: once live.sh exits its children would be reparented.
    read -r -a pids <<<"$pid $(descendants "$pid" | tr '\n' ' ')"
    kill -TERM "$pid" 2>/dev/null || true
    while alive "${pids[@]}"; do
        if ((waited >= timeout * 10)); then
            bnc_warn "warning: the collector did not stop within ${timeout}s; killing it (rows in flight may be lost)"
            kill -KILL "${pids[@]}" 2>/dev/null || true
            rm -f "$pid_file"
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$pid_file"
    printf '\n==== %s collector stopped\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$log_file"
    echo "collector stopped (pid $pid), everything flushed"
}

do_status() {
    local pid newest last today_file rows reconnects uptime state=0
    (($# == 0)) || bnc_usage_error "status takes no arguments"
    pid=$(running_pid)
    if [[ -n $pid ]]; then
        uptime=$(ps -o etime= -p "$pid" | tr -d ' ')
        echo "state:        running (pid $pid, up $uptime)"
    else
        echo "state:        stopped"
        state=3
    fi
    newest=$(bnc_result_files "$data_dir" | tail -n 1)
    if [[ -n $newest ]]; then
        # The last complete row; window_end is column 10 of our CSV (docs/formats.md §3).
        last=$(tail -n 1 "$newest" | awk -F, 'NF >= 10 && $1 != "timestamp" { print $10 }')
        echo "last window:  ${last:-none} (in $newest)"
    else
        echo "last window:  none (no $data_dir/window_results_*.csv yet)"
    fi
    today_file=$data_dir/window_results_$(date -u +%Y-%m-%d).csv
    if [[ -f $today_file ]]; then
        rows=$(($(wc -l <"$today_file") - 1))
        ((rows >= 0)) || rows=0
    else
        rows=0
    fi
    echo "rows today:   $rows (UTC $(date -u +%Y-%m-%d))"
    if [[ -f $log_file ]]; then
        # bnc-stream logs one line per reconnect ("bnc-stream: connection: reconnecting in 1.2s")
        # and one per gap it filled from REST ("bnc-stream: gap: backfilled N trades of SYMBOL").
        reconnects=$(grep -c '^bnc-stream: connection: reconnecting' "$log_file" || true)
        backfills=$(grep -c '^bnc-stream: gap: backfilled' "$log_file" || true)
        echo "reconnects:   ${reconnects:-0}, gaps backfilled: ${backfills:-0} (from $log_file)"
    else
        echo "reconnects:   0 (no log yet)"
    fi
    return "$state"
}

do_logs() {
    local lines=50 follow=0
    while (($#)); do
        case $1 in
            -f | --follow) follow=1; shift ;;
            -n | --lines) bnc_need_value "$@"; lines=$2; shift 2 ;;
            *) bnc_usage_error "logs: unknown option $1" ;;
        esac
    done
    bnc_check_integer -n "$lines" 0 100000000
    [[ -f $log_file ]] || bnc_die "no log yet ($log_file)"
    if ((follow)); then exec tail -n "$lines" -f "$log_file"; fi
    tail -n "$lines" "$log_file"
}

case $command in
    start) do_start "$@" ;;
    stop) do_stop "$@" ;;
    status) do_status "$@" ;;
    logs) do_logs "$@" ;;
esac
