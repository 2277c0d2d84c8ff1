import Synchronization

/// The latest state one thread publishes for another to read: a tool's working thread keeps its
/// counters in a plain struct it alone mutates (no lock on the hot path) and stores a copy here
/// now and then; the metrics thread takes a copy to render. Copies of arrays are copy-on-write, so
/// a publish is a reference-count bump until the working thread next changes them.
///
/// `urgent` marks a change worth writing at once (a row written, the connection lost): the
/// publisher then writes within its 100 ms polling slice instead of at its next interval, so
/// `collector.sh status` sees it promptly — at most ten writes a second however often it is set.
package final class MetricsSlot<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    private let pending = Atomic<Bool>(false)

    package init(_ initial: Value) { value = Mutex(initial) }

    package func publish(_ newValue: Value, urgent: Bool = false) {
        value.withLock { $0 = newValue }
        if urgent { pending.store(true, ordering: .releasing) }
    }

    package func read() -> Value { value.withLock { $0 } }

    /// Changes the published value in place (for rare events, where a lock per event costs nothing).
    package func update(urgent: Bool = false, _ body: (inout Value) -> Void) {
        value.withLock { body(&$0) }
        if urgent { pending.store(true, ordering: .releasing) }
    }

    /// Whether an urgent change came since the last call (and forgets it).
    package func takeUrgent() -> Bool { pending.exchange(false, ordering: .acquiring) }
}
