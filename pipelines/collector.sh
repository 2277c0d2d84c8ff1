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
#   status  for the current run, from the stages' metrics files (DATA/metrics/*.prom): connected
#           since / disconnected since / never connected (with the last error), trades in the
#           last minute and their lag, the last window written, reconnects this run, warm-up
#           progress or model version, anomalies today. Exit status 0 healthy, 1 not running,
#           2 running but unhealthy: no connection, or no window written, for more than three
#           window lengths (for cron, systemd or a monitoring check).
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

# The metrics files of the current run (live.sh writes them at its start, and removes those of
# an earlier run first), in DATA/metrics unless the collector was started with --metrics-dir.
metrics_dir=$data_dir/metrics

# The value of the sample NAME (with LABELS, e.g. symbol="BTCUSDT", if given) in metrics FILE;
# nothing when the file or the sample is absent.
prom_value() {
    local file=$1 name=$2 labels=${3:-}
    [[ -f $file ]] || return 0
    awk -v n="$name" -v l="$labels" '
        $1 == n && l == "" { print $2; exit }
        index($0, n "{") == 1 && (l == "" || index($0, "{" l "}") || index($0, "{" l ",") || index($0, "," l "}") || index($0, "," l ",")) {
            print $NF; exit
        }' "$file"
}

# Every sample of NAME in FILE with a symbol label, one "SYMBOL VALUE" line each.
prom_by_symbol() {
    local file=$1 name=$2
    [[ -f $file ]] || return 0
    awk -v n="$name" 'index($0, n "{symbol=\"") == 1 {
        s = substr($0, length(n) + 10); s = substr(s, 1, index(s, "\"") - 1); print s, $NF }' "$file"
}

# The sum of every sample of NAME in FILE (0 when there is none).
prom_sum() {
    prom_by_symbol "$1" "$2" | awk '{ t += $2 } END { printf "%.0f\n", t }'
}

# The error label of bnc_stream_last_error_info, unescaped (\" \\ \n).
prom_last_error() {
    local file=$1
    [[ -f $file ]] || return 0
    awk 'index($0, "bnc_stream_last_error_info{error=\"") == 1 {
        s = substr($0, 35); s = substr(s, 1, length(s) - length($NF) - 3)
        gsub(/\\"/, "\"", s); gsub(/\\n/, " ", s); gsub(/\\\\/, "\\", s); print s; exit }' "$file"
}

# Whole seconds from Unix time $1 (fractional) to now; empty when $1 is empty or 0.
seconds_since() {
    [[ -n ${1:-} ]] || return 0
    awk -v t="$1" -v now="$now" 'BEGIN { if (t + 0 > 0) printf "%d\n", now - t }'
}

# Seconds as 45s, 3m05s, 2h04m, 3d02h.
human_duration() {
    local s=$1
    ((s < 0)) && s=0
    if ((s < 60)); then printf '%ds' "$s"
    elif ((s < 3600)); then printf '%dm%02ds' $((s / 60)) $((s % 60))
    elif ((s < 86400)); then printf '%dh%02dm' $((s / 3600)) $((s % 3600 / 60))
    else printf '%dd%02dh' $((s / 86400)) $((s % 86400 / 3600)); fi
}

# Unix time $1 (fractional) as 2026-03-01T23:36:20Z.
iso_time() { date -u -d "@${1%%.*}" +%Y-%m-%dT%H:%M:%SZ; }

do_status() {
    local pid newest last today_file rows uptime started age window limit problem=""
    local stream=$metrics_dir/bnc-stream.prom window_prom=$metrics_dir/bnc-window.prom score=$metrics_dir/bnc-score.prom
    (($# == 0)) || bnc_usage_error "status takes no arguments"
    now=$(date +%s.%N)
    pid=$(running_pid)
    if [[ -z $pid && -f $data_dir/.live-lock ]] && ! flock -n "$data_dir/.live-lock" true 2>/dev/null; then
        # No collector.sh pid file, but a live.sh holds the folder's lock: started another way
        # (a systemd service, a terminal). Its age comes from bnc-stream's metrics.
        uptime=$(seconds_since "$(prom_value "$stream" bnc_stream_start_time_seconds)")
        uptime=${uptime:-0}
        echo "state:        running (live.sh started outside collector.sh, e.g. by systemd; up $(human_duration "$uptime"))"
    elif [[ -z $pid ]]; then
        echo "state:        not running"
        newest=$(bnc_result_files "$data_dir" | tail -n 1)
        if [[ -n $newest ]]; then
            last=$(tail -n 1 "$newest" | awk -F, 'NF >= 10 && $1 != "timestamp" { print $10 }')
            echo "last window:  ${last:-none} (in $newest)"
        fi
        return 1
    else
        uptime=$(ps -o etimes= -p "$pid" | tr -d ' ')
        echo "state:        running (pid $pid, up $(human_duration "${uptime:-0}"))"
    fi

    # Unhealthy: no connection, or no window written, for more than three window lengths.
    window=$(prom_value "$window_prom" bnc_window_window_seconds)
    window=${window:-20}
    limit=$(awk -v w="$window" 'BEGIN { printf "%d\n", 3 * w + 0.999 }')
    if [[ ! -f $stream ]]; then
        echo "connection:   unknown (no $stream: started with --no-metrics, or not yet written)"
        ((uptime <= limit)) || problem="no metrics from bnc-stream after $(human_duration "$uptime")"
    else
        started=$(prom_value "$stream" bnc_stream_start_time_seconds)
        age=$(seconds_since "$started"); age=${age:-$uptime}
        local connected since_c since_d error_text
        connected=$(prom_value "$stream" bnc_stream_connected)
        since_c=$(seconds_since "$(prom_value "$stream" bnc_stream_connected_since_timestamp_seconds)")
        since_d=$(seconds_since "$(prom_value "$stream" bnc_stream_disconnected_since_timestamp_seconds)")
        error_text=$(prom_last_error "$stream")
        if [[ $connected == 1 ]]; then
            echo "connection:   connected since $(iso_time "$(prom_value "$stream" bnc_stream_connected_since_timestamp_seconds)") ($(human_duration "${since_c:-0}") ago)"
        elif [[ -z $since_c ]]; then
            echo "connection:   never connected (for $(human_duration "$age"); last error: ${error_text:-none yet})"
            ((age <= limit)) || problem="never connected in $(human_duration "$age")"
        else
            echo "connection:   disconnected since $(iso_time "$(prom_value "$stream" bnc_stream_disconnected_since_timestamp_seconds)") ($(human_duration "${since_d:-0}") ago; last error: ${error_text:-none})"
            ((${since_d:-0} <= limit)) || problem="disconnected for $(human_duration "$since_d")"
        fi
        local minute p50 p99
        minute=$(prom_sum "$stream" bnc_stream_trades_last_minute)
        p50=$(prom_value "$stream" bnc_stream_lag_seconds 'quantile="0.5"')
        p99=$(prom_value "$stream" bnc_stream_lag_seconds 'quantile="0.99"')
        if [[ -z $p50 || $p50 == NaN ]]; then
            echo "trades:       $minute in the last minute"
        else
            echo "trades:       $minute in the last minute; lag p50 ${p50}s, p99 ${p99}s (receive time − exchange time)"
        fi
        echo "reconnects:   $(prom_value "$stream" bnc_stream_reconnects_total) this run; $(prom_sum "$stream" bnc_stream_backfilled_trades_total) trades backfilled, $(prom_sum "$stream" bnc_stream_unrecovered_trades_total) unrecovered"
    fi

    local end written since_w
    end=$(prom_by_symbol "$score" bnc_score_last_window_end_timestamp_seconds | sort -k2 -g | tail -n 1 | cut -d' ' -f2)
    written=$(prom_value "$window_prom" bnc_window_last_row_written_timestamp_seconds)
    since_w=$(seconds_since "$written")
    if [[ -n $end && $end != 0 ]]; then
        echo "last window:  $(date -u -d "@${end%%.*}" +%Y-%m-%dT%H:%M:%S.000Z) (row written $(human_duration "${since_w:-0}") ago, window ${window}s)"
    else
        echo "last window:  none this run (window ${window}s)"
    fi
    if [[ -f $stream ]]; then
        # Since the last row, or since the start when none was written yet. (Both problems are
        # named: a window gap while disconnected is the disconnection's doing.)
        local quiet=${since_w:-$age}
        ((quiet <= limit)) || problem="${problem:+$problem; }no window written for $(human_duration "$quiet")"
    fi

    today_file=$data_dir/window_results_$(date -u +%Y-%m-%d).csv
    local anomalies=0
    if [[ -f $today_file ]]; then
        rows=$(($(wc -l <"$today_file") - 1))
        ((rows >= 0)) || rows=0
        # prediction is column 8 of our CSV (docs/formats.md §3): -1 = anomaly.
        anomalies=$(awk -F, 'NR > 1 && $8 == "-1" { n++ } END { print n + 0 }' "$today_file")
    else
        rows=0
    fi
    echo "rows today:   $rows (UTC $(date -u +%Y-%m-%d))"
    if [[ -f $score ]]; then
        local models
        models=$(prom_by_symbol "$score" bnc_score_model_version | while read -r sym version; do
            if [[ $version != 0 ]]; then printf '%s model v%s, ' "$sym" "$version"
            else printf '%s warm-up %s/%s windows, ' "$sym" \
                "$(awk -v t="$(prom_value "$score" bnc_score_train_windows)" -v w="$(prom_value "$score" bnc_score_warmup_windows "symbol=\"$sym\"")" 'BEGIN { print t - w }')" \
                "$(prom_value "$score" bnc_score_train_windows)"; fi
        done)
        echo "model:        ${models:-no rows scored yet, }" | sed 's/, $//'
        echo "anomalies:    $anomalies today (UTC), $(prom_sum "$score" bnc_score_anomalies_total) this run"
    else
        echo "anomalies:    $anomalies today (UTC)"
    fi
    if [[ -n $problem ]]; then
        echo "health:       UNHEALTHY: $problem (limit: three windows, ${limit}s)"
        return 2
    fi
    echo "health:       ok"
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
