import Synchronization

/// The latest state one thread publishes for another to read: a tool's working thread keeps its
/// counters in a plain struct it alone mutates (no lock on the hot path) and stores a copy here
/// now and then; the metrics thread takes a copy to render. Copies of arrays are copy-on-write, so
/// a publish is a reference-count bump until the working thread next changes them.
package final class MetricsSlot<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    package init(_ initial: Value) { value = Mutex(initial) }

    package func publish(_ newValue: Value) { value.withLock { $0 = newValue } }

    package func read() -> Value { value.withLock { $0 } }

    /// Changes the published value in place (for rare events, where a lock per event costs nothing).
    package func update(_ body: (inout Value) -> Void) { value.withLock { body(&$0) } }
}
