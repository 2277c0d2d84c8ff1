/// Splits bytes that arrive in chunks pushed by the caller (a decompressor, a socket, a `read`
/// loop) into lines, with the same rules as `LineReader`, which is built on it.
///
/// Lines that lie wholly inside a pushed chunk are handed out in place, without a copy; only the
/// unfinished line at the end of a chunk is copied aside, and joined with its rest from the next
/// chunk. No allocation per line, no byte scanned twice.
///
/// A trailing `\r` is stripped (CRLF input); a line longer than `maxLineLength` is not buffered
/// but reported as `.oversized` with its length, so one runaway line cannot blow up memory.
/// Call `finish` at end of input: a last line without `\n` is still a line.
///
/// The callbacks' error type passes through unchanged (typed throws): a callback that throws
/// `MyError` makes `push` throw `MyError`, so callers need no captured variable to get it out.
package struct LineSplitter: ~Copyable {
    package enum Line {
        /// The line's bytes, without `\n` or a trailing `\r`; valid only inside the callback.
        case text(UnsafeRawBufferPointer)
        /// A line that exceeded the cap; `length` counts its bytes.
        case oversized(length: Int)
    }

    package let maxLineLength: Int
    /// Holds the unfinished line between pushes (while it is within the cap).
    private let carry: UnsafeMutableRawBufferPointer
    /// Bytes of the unfinished line seen so far; beyond `maxLineLength` they are no longer kept.
    private var partialLength = 0
    /// Lines delivered so far (1-based number of the last one).
    package private(set) var lineNumber = 0
    /// Bytes pushed so far.
    package private(set) var bytesPushed = 0

    package init(maxLineLength: Int) {
        precondition(maxLineLength > 0)
        self.maxLineLength = maxLineLength
        carry = .allocate(byteCount: maxLineLength + 1, alignment: 16)
    }

    deinit { carry.deallocate() }

    /// Whether bytes of an unfinished line are waiting for their `\n` (false after `finish`).
    package var hasPartialLine: Bool { partialLength > 0 }

    /// Calls `body` for every line completed by `chunk`, in order, with its line number.
    /// Returns false as soon as `body` does (the rest of the chunk is then dropped).
    @discardableResult
    package mutating func push<E: Error>(
        _ chunk: UnsafeRawBufferPointer, _ body: (Line, _ lineNumber: Int) throws(E) -> Bool
    ) throws(E) -> Bool {
        guard let base = accept(chunk) else { return true }
        let count = chunk.count
        var i = 0
        while i < count {
            guard let line = nextLine(from: &i, in: base, count: count) else { return true }
            if try !body(line, lineNumber) { return false }
        }
        return true
    }

    /// What a `claim` callback (see `push(_:claiming:_:)`) did with the bytes offered to it.
    package enum Claim {
        /// Not handled: the line is split and handed to `body` as usual.
        case none
        /// The callback consumed a whole line of `length` bytes (the byte after them is `\n`);
        /// `keepGoing: false` stops the push, as `body` returning false would.
        case line(length: Int, keepGoing: Bool)
    }

    /// Like `push(_:_:)`, but every line that starts inside `chunk` is first offered to `claim`
    /// with the bytes from its start to the end of the chunk (at most `maxLineLength + 1`). A
    /// parser that recognises a whole line there, including the `\n` that ends it, handles it
    /// and returns its length, so the line is found and checked in one pass instead of being
    /// searched for `\n` first and parsed afterwards. A line it does not claim (anything
    /// unexpected, a CRLF line, the unfinished line at the end of the chunk) goes to `body` as
    /// with `push(_:_:)`; line numbers count both.
    @discardableResult
    package mutating func push<E: Error>(
        _ chunk: UnsafeRawBufferPointer,
        claiming claim: (_ start: UnsafeRawPointer, _ available: Int) throws(E) -> Claim,
        _ body: (Line, _ lineNumber: Int) throws(E) -> Bool
    ) throws(E) -> Bool {
        guard let base = accept(chunk) else { return true }
        let count = chunk.count
        var i = 0
        while i < count {
            if partialLength == 0, case .line(let length, let keepGoing) = try claim(base + i, min(count - i, maxLineLength + 1)) {
                precondition(length >= 0 && length <= maxLineLength && i + length < count
                             && base.load(fromByteOffset: i + length, as: UInt8.self) == 0x0A,
                             "a claimed line must end at a newline inside the chunk")
                lineNumber += 1
                i += length + 1
                if !keepGoing { return false }
                continue
            }
            guard let line = nextLine(from: &i, in: base, count: count) else { return true }
            if try !body(line, lineNumber) { return false }
        }
        return true
    }

    /// Counts `chunk` as pushed and returns where it starts; nil for an empty chunk.
    @inline(__always)
    private mutating func accept(_ chunk: UnsafeRawBufferPointer) -> UnsafeRawPointer? {
        guard chunk.count > 0, let base = chunk.baseAddress else { return nil }
        bytesPushed += chunk.count
        return base
    }

    /// The line that starts at offset `i` of the `count` bytes at `base`, numbered, with `i` moved
    /// past its `\n`; nil when no `\n` follows (the bytes are then kept for the next chunk).
    @inline(__always)
    private mutating func nextLine(from i: inout Int, in base: UnsafeRawPointer, count: Int) -> Line? {
        guard let hit = memchr(base + i, 0x0A, count - i) else {
            keepPartial(base + i, count - i)
            return nil
        }
        let newline = UnsafeRawPointer(hit) - base
        lineNumber += 1
        let line = lineEnding(at: newline, from: i, in: base)
        i = newline + 1
        return line
    }

    /// The line that ends at offset `newline` of `base` and starts at `start`, or, when its
    /// beginning was carried over from the previous chunk, at the carried bytes (then completed
    /// in the carry buffer and the carry emptied).
    @inline(__always)
    private mutating func lineEnding(at newline: Int, from start: Int, in base: UnsafeRawPointer) -> Line {
        let piece = newline - start
        guard partialLength > 0 else {
            if piece > maxLineLength { return .oversized(length: piece) }
            return .text(Self.strippingCR(base + start, piece))
        }
        let total = partialLength + piece
        defer { partialLength = 0 }
        if total > maxLineLength { return .oversized(length: total) }
        let carried = carry.baseAddress!
        if piece > 0 { memcpy(carried + partialLength, base + start, piece) }
        return .text(Self.strippingCR(UnsafeRawPointer(carried), total))
    }

    /// Delivers the last line if the input did not end with `\n`; returns what `body` returned
    /// (true when there was no such line).
    @discardableResult
    package mutating func finish<E: Error>(_ body: (Line, _ lineNumber: Int) throws(E) -> Bool) throws(E) -> Bool {
        guard partialLength > 0 else { return true }
        let total = partialLength
        partialLength = 0
        lineNumber += 1
        if total > maxLineLength { return try body(.oversized(length: total), lineNumber) }
        return try body(.text(Self.strippingCR(UnsafeRawPointer(carry.baseAddress!), total)), lineNumber)
    }

    private mutating func keepPartial(_ bytes: UnsafeRawPointer, _ count: Int) {
        if partialLength + count <= maxLineLength {
            memcpy(carry.baseAddress! + partialLength, bytes, count)
        }
        partialLength += count
    }

    @inline(__always)
    private static func strippingCR(_ start: UnsafeRawPointer, _ length: Int) -> UnsafeRawBufferPointer {
        var length = length
        if length > 0, start.load(fromByteOffset: length - 1, as: UInt8.self) == 0x0D { length -= 1 }
        return UnsafeRawBufferPointer(start: start, count: length)
    }
}
