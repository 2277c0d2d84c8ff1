import BNCCore
import Foundation
import Testing

/// The DESIGN.md §6 output rules, in process: a closed downstream pipe is `downstreamClosed`
/// (the tools exit 0, quietly), anything else is `writeFailed` (exit 74), and rows are written whole.
@Suite("OutputBuffer: EPIPE and write failures")
struct OutputBufferTests {
    @Test("a pipe whose reader is gone: downstreamClosed, and nothing is left pending")
    func closedPipeIsDownstreamClosed() throws {
        signal(SIGPIPE, SIG_IGN)   // as SignalTrap.install does in every tool
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        let output = OutputBuffer(fileDescriptor: fds[1], flushThreshold: 1 << 20)
        try output.append("a row\n")
        #expect(throws: OutputError.downstreamClosed) { try output.flush() }
        #expect(output.pendingByteCount == 0)
        // Past the threshold, append flushes by itself and reports the same.
        let small = OutputBuffer(fileDescriptor: fds[1], flushThreshold: 8)
        #expect(throws: OutputError.downstreamClosed) { try small.append("0123456789\n") }
    }

    @Test("a pipe with a reader: every byte arrives, in order")
    func openPipeReceivesEverything() throws {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let output = OutputBuffer(fileDescriptor: fds[1], flushThreshold: 16)
        for i in 0..<100 { try output.append("row \(i)\n") }
        try output.flush()
        close(fds[1])
        var received = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fds[0], $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            received += chunk[0..<n]
        }
        #expect(String(decoding: received, as: UTF8.self) == (0..<100).map { "row \($0)\n" }.joined())
    }

    @Test("a closed descriptor and a full disk are write failures, not a closed pipe")
    func otherFailuresAreWriteFailed() throws {
        let output = OutputBuffer(fileDescriptor: 9_999)
        try output.append("row\n")
        #expect(throws: OutputError.writeFailed(errno: EBADF)) { try output.flush() }
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0)
        defer { close(full) }
        let disk = OutputBuffer(fileDescriptor: full)
        try disk.append("row\n")
        #expect(throws: OutputError.writeFailed(errno: ENOSPC)) { try disk.flush() }
    }
}
