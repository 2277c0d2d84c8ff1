import Synchronization

/// Writes a tool's metrics file at start, every `intervalMilliseconds` from a thread of its own
/// (so the file stays fresh while the working thread blocks in `read` or `poll`), and once more
/// at exit with the final values. `render` is called on the metrics thread and must only read
/// state made for sharing (a `MetricsSlot`).
///
/// The first write happens in `start()` on the caller's thread and its failure is thrown: a
/// `--metrics-file` that cannot be written is a usage of the tool that cannot work (exit 73),
/// found before any input is read. Later failures (a full disk) are reported once on stderr and
/// the tool goes on; the next successful write says so.
///
/// `start()` and `finish()` are called by the thread that made the publisher (the command's), so
/// the thread handle needs no lock; the metrics thread touches only the atomics and `render`.
package final class MetricsPublisher: @unchecked Sendable {
    package let file: MetricsFile
    package let intervalMilliseconds: Int64
    private let render: @Sendable () -> String
    /// Asked every 100 ms: true writes now instead of at the end of the interval.
    private let urgent: @Sendable () -> Bool
    private let diagnostics: Diagnostics
    private let stopping = Atomic<Bool>(false)
    private let failing = Atomic<Bool>(false)
    /// Owned by the creating thread (see above).
    private var thread: DedicatedThread<Void>?
    private var finished = false

    /// The default interval: node_exporter is usually scraped every 15 s or more, and the issue
    /// asks for at least one write every 5 s.
    package static let defaultIntervalMilliseconds: Int64 = 5000

    package init(file: MetricsFile, intervalMilliseconds: Int64 = defaultIntervalMilliseconds,
                diagnostics: Diagnostics, urgent: @escaping @Sendable () -> Bool = { false },
                render: @escaping @Sendable () -> String) {
        self.urgent = urgent
        self.file = file
        self.intervalMilliseconds = max(1, intervalMilliseconds)
        self.diagnostics = diagnostics
        self.render = render
    }

    /// Writes the file once (throwing if that fails) and starts the periodic writes.
    package func start() throws(MetricsFileError) {
        try file.write(render())
        let thread = DedicatedThread(stackSize: 256 << 10) { [self] in
            while true {
                // Ends early (false) for a stop or an urgent change; either way the file is written
                // now, except after a stop, where `finish` writes the final values.
                _ = MonotonicClock.sleep(milliseconds: intervalMilliseconds,
                                         stop: { self.stopping.load(ordering: .relaxed) || self.urgent() })
                if stopping.load(ordering: .relaxed) { break }
                writeNow()
            }
        }
        self.thread = consume thread
    }

    /// Stops the periodic writes and writes the final values. Safe to call more than once.
    package func finish() {
        stopping.store(true, ordering: .relaxed)
        guard !finished else { return }
        finished = true
        if let thread = thread.take() { thread.join() }
        writeNow()
    }

    /// One write; a failure is reported once until a write succeeds again.
    private func writeNow() {
        do {
            try file.write(render())
            if failing.exchange(false, ordering: .relaxed) { diagnostics.report(file.path, "metrics written again") }
        } catch {
            if !failing.exchange(true, ordering: .relaxed) { diagnostics.report(nil, "\(error.description) (detection goes on; retrying every \(intervalMilliseconds) ms)") }
        }
    }
}
