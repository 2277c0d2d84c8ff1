/// Runs `transform` over the ranges of a `LineAlignedChunks` on worker threads, and hands the
/// results back **in file order**, one at a time, to the thread that reads them: the parallel half
/// of a reader whose other half (windowing, say) must see the lines in order.
///
/// Each worker reads its range of the file into a buffer of its own and passes the bytes to
/// `transform`, which must not keep them. At most `window` results are waiting or being made at
/// once, so memory stays bounded however large the file: a slow consumer holds the workers back.
/// `cancel()` (or dropping the map) stops the workers after the range they are on; `deinit`
/// joins them. A range that cannot be read makes `next()` return `.failure`.
package final class OrderedChunkMap<Result: Sendable> {
    private let state: State
    private var workers: [ThreadTask] = []

    /// Starts `threads` workers over `chunks` of the file open on `fileDescriptor` (which must
    /// stay open until the map is dropped).
    package init(fileDescriptor: Int32, chunks: LineAlignedChunks, threads: Int,
                 transform: @escaping @Sendable (UnsafeRawBufferPointer, _ recycled: inout Result?) -> Result) {
        precondition(threads > 0)
        state = State(fileDescriptor: fileDescriptor, chunks: chunks, window: 2 * threads + 1, transform: transform)
        for _ in 0..<min(threads, chunks.count) {
            let worker = Worker(state)
            // No thread to be had: the ranges are still made, by the workers that did start or,
            // if none did, by the consumer itself (`next()`).
            if ThreadTask.start(worker, stackSize: 0) { workers.append(worker) }
        }
    }

    /// Stops the workers after the range each is on and waits for them.
    deinit {
        state.cancel()
        for worker in workers { worker.join() }
    }

    /// How many ranges there are (and so how many results `next()` gives).
    package var count: Int { state.chunks.count }

    /// The result of the next range in file order, waiting for it if needed; nil after the last.
    package func next() -> Swift.Result<Result, ChunkReadError>? { state.next(makeHere: workers.isEmpty) }

    /// Gives a result back once it has been used, so that a worker can make the next one in its
    /// storage (`transform`'s `recycled`) instead of allocating and faulting in fresh memory.
    package func recycle(_ result: consuming sending Result) { state.recycle(result) }

    /// What the consumer and the workers share. Its mutable fields are guarded by `lock`.
    private final class State: @unchecked Sendable {
        private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        /// Signalled when a result lands (the consumer waits on it).
        private let landed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        /// Signalled when the consumer takes a result or cancels (workers wait on it).
        private let taken = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private var slots: [Swift.Result<Result, ChunkReadError>?]
        private var nextToClaim = 0
        private var nextToTake = 0
        private var cancelled = false
        /// Used results given back (at most `window`).
        private var pool: [Result] = []

        let fileDescriptor: Int32
        let chunks: LineAlignedChunks
        let window: Int
        let transform: @Sendable (UnsafeRawBufferPointer, inout Result?) -> Result

        init(fileDescriptor: Int32, chunks: LineAlignedChunks, window: Int,
             transform: @escaping @Sendable (UnsafeRawBufferPointer, inout Result?) -> Result) {
            self.fileDescriptor = fileDescriptor
            self.chunks = chunks
            self.window = window
            self.transform = transform
            slots = Array(repeating: nil, count: window)
            pthread_mutex_init(lock, nil)
            pthread_cond_init(landed, nil)
            pthread_cond_init(taken, nil)
        }

        deinit {
            pthread_cond_destroy(taken)
            pthread_cond_destroy(landed)
            pthread_mutex_destroy(lock)
            taken.deallocate()
            landed.deallocate()
            lock.deallocate()
        }

        func next(makeHere: Bool) -> Swift.Result<Result, ChunkReadError>? {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            guard nextToTake < chunks.count, !cancelled else { return nil }
            let k = nextToTake % window
            if makeHere && slots[k] == nil {
                let index = nextToClaim
                nextToClaim += 1
                var recycled = pool.popLast()
                pthread_mutex_unlock(lock)
                var buffer = ReadBuffer()
                let result = make(index, into: &buffer, recycled: &recycled)
                pthread_mutex_lock(lock)
                slots[k] = result
            }
            while slots[k] == nil { pthread_cond_wait(landed, lock) }
            let result = slots[k].take()!
            nextToTake += 1
            pthread_cond_broadcast(taken)
            return result
        }

        func recycle(_ result: consuming Result) {
            pthread_mutex_lock(lock)
            if pool.count < window { pool.append(result) }
            pthread_mutex_unlock(lock)
        }

        func cancel() {
            pthread_mutex_lock(lock)
            cancelled = true
            pthread_cond_broadcast(taken)
            pthread_mutex_unlock(lock)
        }

        /// A worker's loop: claim the next range while the window has room, make it, file it.
        func work() {
            var buffer = ReadBuffer()
            pthread_mutex_lock(lock)
            while true {
                while !cancelled && nextToClaim < chunks.count && nextToClaim - nextToTake >= window {
                    pthread_cond_wait(taken, lock)
                }
                guard !cancelled, nextToClaim < chunks.count else { break }
                let index = nextToClaim
                nextToClaim += 1
                var recycled = pool.popLast()
                pthread_mutex_unlock(lock)
                let result = make(index, into: &buffer, recycled: &recycled)
                pthread_mutex_lock(lock)
                slots[index % window] = result
                pthread_cond_broadcast(landed)
            }
            pthread_mutex_unlock(lock)
        }

        /// Reads range `index` into `buffer` (each thread's own, reused: reading costs a copy
        /// from the page cache, where mapping each range cost page faults and, with several
        /// threads, TLB shootdowns on unmapping) and runs `transform` over it.
        private func make(_ index: Int, into buffer: inout ReadBuffer, recycled: inout Result?)
            -> Swift.Result<Result, ChunkReadError> {
            let range = chunks.range(index)
            let bytes = buffer.reserve(range.count)
            var done = 0
            while done < range.count {
                let n = pread(fileDescriptor, bytes + done, range.count - done, off_t(range.lowerBound + done))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return .failure(.readFailed(errno: errno)) }
                if n == 0 { return .failure(.shrank) }
                done += n
            }
            return .success(transform(UnsafeRawBufferPointer(start: bytes, count: range.count), &recycled))
        }
    }

    /// A thread's read buffer, grown to the longest range it read.
    private struct ReadBuffer: ~Copyable {
        private var storage: UnsafeMutableRawPointer?
        private var capacity = 0

        mutating func reserve(_ count: Int) -> UnsafeMutableRawPointer {
            if count > capacity || storage == nil {
                storage?.deallocate()
                // Ranges differ by a line or so: room for a quarter more, so they fit from then on.
                capacity = max(count + count / 4, 1)
                storage = .allocate(byteCount: capacity, alignment: 16)
            }
            return storage!
        }

        deinit { storage?.deallocate() }
    }

    private final class Worker: ThreadTask, @unchecked Sendable {
        let state: State
        init(_ state: State) { self.state = state }
        override func run() { state.work() }
    }
}

/// Why a range of the file could not be read for an `OrderedChunkMap`.
package enum ChunkReadError: ToolError, Sendable, Equatable {
    case readFailed(errno: Int32)
    /// The file got shorter while it was being read.
    case shrank

    package var description: String {
        switch self {
        case .readFailed(let code): return "read failed: \(String(cString: strerror(code)))"
        case .shrank: return "read failed: the file got shorter while it was read"
        }
    }

    package var exitStatus: ExitStatus { .ioError }
}
