import Foundation
import Testing
import TestSupport

/// bnc-window `--threads`, built: a file larger than a parsing range is read by several threads,
/// and stdout and stderr (bad lines named with their numbers, silences, the summary) are byte for
/// byte those of `--threads 1`; the same bytes on a pipe, which is always one stream.
@Suite("bnc-window --threads end to end", .serialized)
struct WindowThreadsEndToEndTests {
    @Test("a 6 MB mixed file: --threads 1, 2 and 3 and a pipe write the same stdout and stderr")
    func threadsGiveTheSameBytes() throws {
        let dir = try ToolRunner.temporaryDirectory("window-threads")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("mixed.ndjson")
        let text = MixedTradeStream.text(symbols: 300, trades: 40_000)
        try Data(text.utf8).write(to: file)
        #expect(text.utf8.count > 3 * (2 << 20), "larger than a few parsing ranges")
        let one = try ToolRunner.run("bnc-window", ["--threads", "1", "--max-errors", "1000", file.path])
        #expect(one.status == 0)
        #expect(one.stderrText.contains("300 symbols"))
        #expect(one.stderrText.contains("exceeds the 1 MiB limit"))
        for threads in ["2", "3"] {
            let many = try ToolRunner.run("bnc-window", ["--threads", threads, "--max-errors", "1000", file.path])
            #expect(many.status == one.status)
            #expect(many.stdout == one.stdout, "--threads \(threads): rows differ")
            #expect(many.stderrText == one.stderrText, "--threads \(threads): stderr differs")
        }
        let piped = try ToolRunner.shell("cat '\(file.path)' | bnc-window --threads 2 --max-errors 1000")
        #expect(piped.stdout == one.stdout)
        #expect(piped.stderrText == one.stderrText.replacingOccurrences(of: file.path, with: "<stdin>"))
    }

    @Test("--threads out of range is a usage error")
    func threadsOutOfRange() throws {
        for value in ["0", "65", "x"] {
            let r = try ToolRunner.run("bnc-window", ["--threads", value], stdin: Data())
            #expect(r.status == 64, "--threads \(value)")
        }
    }
}
