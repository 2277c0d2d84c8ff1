import BNCCore

/// Runs `--exec` / `--on-end` commands: `/bin/sh -c CMD`, the event's JSON line on stdin, its
/// facts in `BNC_*` variables. One command at a time per symbol (a per-symbol queue, in event
/// order), at most `maxConcurrent` in all, each in its own process group so a timeout
/// (`--exec-timeout`) ends the whole command: SIGTERM, then SIGKILL after `killGrace`. A failing,
/// hanging or missing command is reported on stderr and the queue goes on; it never stops the
/// watch. Never blocks: `tick` starts, reaps and kills, the session calls it from its loop.
package final class ExecRunner {
    package struct Job: Sendable {
        package var symbol: String
        package var command: String
        package var stdin: String
        package var environment: [(String, String)]
        /// For diagnostics: `alert BTCUSDT@2026-…`.
        package var label: String

        package init(symbol: String, command: String, stdin: String, environment: [(String, String)], label: String) {
            self.symbol = symbol; self.command = command; self.stdin = stdin
            self.environment = environment; self.label = label
        }
    }

    private struct Running {
        var job: Job
        var deadline: Int64
        var terminatedAt: Int64?
    }

    package let timeoutMilliseconds: Int64
    package let killGraceMilliseconds: Int64
    package let maxConcurrent: Int
    private let diagnostics: Diagnostics
    private var queues: [String: [Job]] = [:]
    private var order: [String] = []          // symbols with a queue, round robin
    private var running: [pid_t: Running] = [:]
    private var busySymbols: Set<String> = []
    /// Commands that ended with status 0, and those that failed or timed out.
    package private(set) var succeeded = 0, failed = 0, timedOut = 0

    package init(timeoutMilliseconds: Int64, killGraceMilliseconds: Int64 = 2000, maxConcurrent: Int = 16,
                 diagnostics: Diagnostics = Diagnostics(tool: "bnc-stats")) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.killGraceMilliseconds = killGraceMilliseconds
        self.maxConcurrent = maxConcurrent
        self.diagnostics = diagnostics
    }

    /// Jobs waiting or running.
    package var backlog: Int { queues.values.reduce(0) { $0 + $1.count } + running.count }
    package var isIdle: Bool { backlog == 0 }

    package func submit(_ job: Job) {
        if queues[job.symbol] == nil { order.append(job.symbol) }
        queues[job.symbol, default: []].append(job)
        tick()
    }

    /// Reaps finished commands, ends overdue ones, starts waiting ones.
    package func tick() {
        let now = MonotonicClock.nowMilliseconds()
        for (pid, run) in running {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r < 0 && errno == ECHILD) {
                finished(pid, run, status: r == pid ? status : 0)
                continue
            }
            if let t = run.terminatedAt {
                if now - t >= killGraceMilliseconds { kill(-pid, SIGKILL); kill(pid, SIGKILL) }
            } else if now >= run.deadline {
                diagnostics.report("exec", "\(run.job.label): still running after \(Self.seconds(timeoutMilliseconds)) (--exec-timeout); stopping it")
                kill(-pid, SIGTERM); kill(pid, SIGTERM)
                running[pid]?.terminatedAt = now
                timedOut += 1
            }
        }
        var index = 0
        while running.count < maxConcurrent, index < order.count {
            let symbol = order[index]
            guard !busySymbols.contains(symbol), var queue = queues[symbol], !queue.isEmpty else { index += 1; continue }
            let job = queue.removeFirst()
            if queue.isEmpty { queues[symbol] = nil; order.remove(at: index) } else { queues[symbol] = queue; index += 1 }
            start(job, now: now)
        }
    }

    /// Waits (ticking every 20 ms) until every queued and running command has finished; each is
    /// bounded by the timeout, so this ends.
    package func drain() {
        while !isIdle {
            tick()
            if isIdle { break }
            var ts = timespec(tv_sec: 0, tv_nsec: 20_000_000)
            nanosleep(&ts, nil)
        }
    }

    private func finished(_ pid: pid_t, _ run: Running, status: Int32) {
        running[pid] = nil
        busySymbols.remove(run.job.symbol)
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        if run.terminatedAt != nil {
            failed += 1
            diagnostics.report("exec", "\(run.job.label): stopped after the timeout")
        } else if exited && code == 0 {
            succeeded += 1
        } else if exited {
            failed += 1
            diagnostics.report("exec", "\(run.job.label): exited with status \(code)")
        } else {
            failed += 1
            diagnostics.report("exec", "\(run.job.label): killed by signal \(status & 0x7f)")
        }
    }

    private func start(_ job: Job, now: Int64) {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            failed += 1
            diagnostics.report("exec", "\(job.label): cannot create a pipe: \(String(cString: strerror(errno)))")
            return
        }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group (a timeout ends the whole command); default signal handling and an
        // empty mask (we ignore SIGPIPE, a shell pipeline in the command must not inherit that).
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGWINCH, SIGHUP, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)

        let ours = Set(job.environment.map(\.0))
        var environment: [String] = []
        var e = environ
        while let entry = e.pointee {
            let text = String(cString: entry)
            let key = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if !ours.contains(key) { environment.append(text) }
            e += 1
        }
        environment += job.environment.map { "\($0.0)=\($0.1)" }
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", job.command].map { (s: String) in strdup(s) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { (s: String) in strdup(s) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        close(readEnd)
        guard rc == 0 else {
            close(writeEnd)
            failed += 1
            diagnostics.report("exec", "\(job.label): cannot start /bin/sh: \(String(cString: strerror(rc)))")
            return
        }
        // The JSON line fits a pipe's buffer; a command that never reads it is not waited for.
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        var bytes = Array(job.stdin.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }   // EPIPE (it exited), EAGAIN (it does not read): fine
            bytes = bytes.dropFirst(n)
        }
        close(writeEnd)
        running[pid] = Running(job: job, deadline: now + timeoutMilliseconds)
        busySymbols.insert(job.symbol)
    }

    private static func seconds(_ ms: Int64) -> String { DurationSpec(milliseconds: ms).description }
}
