/// A thread of its own (not Swift's cooperative pool) that runs one closure, joined for its result:
/// for a blocking event loop that must not starve the pool (the live feed's socket loop), and for
/// fork–join work on a second core (the second half of a results file).
///
/// Sendable-correct without annotations at the call site: the closure is `sending`, so whatever it
/// captures is handed to the new thread and can no longer be touched by the caller, and the result
/// comes back `sending` from `join()`, so the caller owns it again. Fork–join over a non-Sendable
/// value therefore reads as: capture it, return it from the closure, take it back from `join()`.
///
/// `join()` consumes the handle, so a thread is joined exactly once; a handle dropped without
/// `join()` still waits for its thread. If the system refuses a new thread, the closure runs
/// at once on the calling thread, so `join()` always has a result.
package struct DedicatedThread<Result>: ~Copyable {
    private let task: Job

    /// Starts `body` on a new thread; `stackSize` 0 keeps the system's default.
    package init(stackSize: Int = 0, _ body: sending @escaping () -> sending Result) {
        task = Job(body)
        if !ThreadTask.start(task, stackSize: stackSize) { task.run() }
    }

    /// Starts `body` on a new thread and hands it `input`, which the caller gives up: the way to
    /// give a thread a non-Sendable value to work on and get it back from `join()`.
    package init<Input>(stackSize: Int = 0, handing input: sending Input,
                       _ body: @escaping @Sendable (sending Input) -> sending Result) {
        // The caller gave `input` up (`sending`) and only the new thread uses it from here on.
        nonisolated(unsafe) let input = input
        self.init(stackSize: stackSize) { body(input) }
    }

    /// Waits for the thread to finish and returns what its closure returned.
    package consuming func join() -> sending Result {
        task.join()
        nonisolated(unsafe) let result = task.result.take()!
        return result
    }

    deinit { task.join() }

    /// The closure and its result. The creating thread writes `body` before the thread starts,
    /// the new thread writes `result` before it ends, and `pthread_join` orders that write before
    /// the creating thread's read: no field is touched by both threads at once.
    private final class Job: ThreadTask, @unchecked Sendable {
        var body: (() -> Result)?
        var result: Result?

        init(_ body: sending @escaping () -> sending Result) { self.body = body }

        override func run() {
            let body = self.body.take()!
            result = body()
        }
    }
}

/// The part of a `DedicatedThread` that does not depend on its result type: a C thread entry
/// point cannot be generic.
class ThreadTask: @unchecked Sendable {
    /// Set once by `start` before anyone can join; read only by `join`, on the creating thread.
    private var handle: pthread_t?
    private var joined = false

    func run() {}

    func join() {
        guard !joined else { return }
        joined = true
        if let handle { pthread_join(handle, nil) }
    }

    /// Runs `task.run()` on a new thread; false if the system would not create one.
    static func start(_ task: ThreadTask, stackSize: Int) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if stackSize > 0 { pthread_attr_setstacksize(&attributes, stackSize) }
        let context = Unmanaged.passRetained(task)
        #if canImport(Darwin)
        var handle: pthread_t?
        #else
        var handle = pthread_t()
        #endif
        let created = pthread_create(&handle, &attributes, threadEntry, context.toOpaque())
        guard created == 0 else {
            context.release()
            return false
        }
        task.handle = handle
        return true
    }
}

#if canImport(Darwin)
private func threadEntry(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    Unmanaged<ThreadTask>.fromOpaque(context).takeRetainedValue().run()
    return nil
}
#else
private func threadEntry(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<ThreadTask>.fromOpaque(context!).takeRetainedValue().run()
    return nil
}
#endif
