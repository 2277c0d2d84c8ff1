import BNCCore
import Foundation
import Testing

@Suite("Typed throws through LineSplitter and LineReader")
struct TypedLineLoopTests {
    enum Probe: Error, Equatable { case stoppedAt(Int) }

    /// A pipe holding `text`, its write end closed: `LineReader` sees `text` and then the end.
    static func pipe(_ text: String) -> Int32 {
        var fds: [Int32] = [0, 0]
        precondition(Foundation.pipe(&fds) == 0)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        return fds[0]
    }

    @Test func theCallbacksErrorComesOutOfTheReaderWithItsType() {
        let fd = Self.pipe("a\nb\nc\n")
        defer { close(fd) }
        var reader = LineReader(fileDescriptor: fd, chunkSize: 4, maxLineLength: 1 << 20)
        var seen: [Int] = []
        do throws(LineInputError<Probe>) {
            try reader.forEachLine { _, number throws(Probe) in
                seen.append(number)
                if number == 2 { throw .stoppedAt(number) }
                return true
            }
            Issue.record("the loop should have thrown")
        } catch {
            guard case .body(let probe) = error else { Issue.record("not the callback's error: \(error)"); return }
            #expect(probe == .stoppedAt(2))   // `probe` is statically a Probe: no cast
        }
        #expect(seen == [1, 2])
    }

    @Test func theClaimingLoopPassesTheErrorToo() {
        let fd = Self.pipe("x\ny\n")
        defer { close(fd) }
        var reader = LineReader(fileDescriptor: fd, chunkSize: 4, maxLineLength: 1 << 20)
        do throws(LineInputError<Probe>) {
            try reader.forEachLine(claiming: { (_, _) throws(Probe) -> LineSplitter.Claim in throw .stoppedAt(0) }) { (_, _) throws(Probe) -> Bool in true }
            Issue.record("the loop should have thrown")
        } catch {
            guard case .body(.stoppedAt(0)) = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test func aFailedReadIsTheReadersOwnCase() {
        let fd = open("/", O_RDONLY)   // a directory: `read` fails with EISDIR
        defer { close(fd) }
        var reader = LineReader(fileDescriptor: fd, maxLineLength: 1 << 20)
        do throws(LineInputError<Never>) {
            try reader.forEachLine { _, _ in true }
            Issue.record("reading a directory should fail")
        } catch {
            guard case .read(.readFailed(let code)) = error else { Issue.record("unexpected \(error)"); return }
            #expect(code == EISDIR)
        }
    }

    @Test func aMissingFileIsTheOpenCase() {
        do throws(LineInputError<Never>) {
            _ = try InputFile("/nonexistent/bnc-typed").withLineReader(maxLineLength: 1 << 20) { reader throws(LineInputError<Never>) in
                try reader.forEachLine { _, _ in true }
            }
            Issue.record("opening should fail")
        } catch {
            guard case .open(.cannotOpen(_, let code)) = error else { Issue.record("unexpected \(error)"); return }
            #expect(code == ENOENT)
        }
    }

    @Test func theSplitterRethrowsTheCallersTypeUnwrapped() {
        var splitter = LineSplitter(maxLineLength: 1 << 20)
        let bytes = Array("1\n2\n3".utf8)
        do throws(Probe) {
            _ = try bytes.withUnsafeBytes { chunk in
                Result { () throws(Probe) in
                    try splitter.push(chunk) { _, number throws(Probe) in
                        if number == 2 { throw .stoppedAt(2) }
                        return true
                    }
                }
            }.get()
            Issue.record("push should have thrown")
        } catch {
            #expect(error == .stoppedAt(2))
        }
    }
}
