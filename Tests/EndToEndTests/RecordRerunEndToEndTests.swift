import Foundation
import TestSupport
import Testing

/// Issue 11: `bnc-stream record --dir D` (and pipelines/record.sh) run twice over the same
/// trades stored every trade twice in `D/SYMBOL-DAY.ndjson`.
@Suite("bnc-stream record reruns end to end")
struct RecordRerunEndToEndTests {
    static let dayFile = "BTCUSDT-2024-08-08.ndjson"

    static func record(_ dir: URL, _ input: Data) throws -> ToolRunner.Result {
        try ToolRunner.run("bnc-stream", ["record", "--dir", dir.path, "-"], stdin: input)
    }

    @Test("recording the fixture twice leaves the daily file as one run wrote it, and says how many were skipped")
    func recordingTheSameTradesTwiceStoresThemOnce() throws {
        let dir = try ToolRunner.temporaryDirectory("bnc-rerun")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Fixture.data(Fixture.trades2024)
        let file = dir.appendingPathComponent(Self.dayFile)
        let first = try Self.record(dir, input)
        #expect(first.status == 0, "\(first.stderrText)")
        #expect(!first.stderrText.contains("not written again"), "\(first.stderrText)")
        let once = try Data(contentsOf: file)
        #expect(once.split(separator: 0x0A).count == 1000)
        let second = try Self.record(dir, input)
        #expect(second.status == 0, "\(second.stderrText)")
        #expect(try Data(contentsOf: file) == once)
        #expect(second.stderrText.contains("bnc-stream: record: 1000 trade(s) already in the daily files were not written again"),
                "\(second.stderrText)")
    }

    @Test("a rerun over more trades adds only the new ones, late ones included")
    func recordKeepsNewAndLateTradesOnRerun() throws {
        let dir = try ToolRunner.temporaryDirectory("bnc-rerun")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try Fixture.lines(Fixture.trades2024)
        let payloads = try Fixture.payloads(Fixture.trades2024)
        let partial = lines.enumerated().filter { !(100..<110).contains($0.offset) && $0.offset < 950 }.map(\.element)
        _ = try Self.record(dir, Data(partial.map { $0 + "\n" }.joined().utf8))
        let second = try Self.record(dir, try Fixture.data(Fixture.trades2024))
        #expect(second.status == 0, "\(second.stderrText)")
        #expect(second.stderrText.contains("bnc-stream: record: \(partial.count) trade(s) already in the daily files were not written again"),
                "\(second.stderrText)")
        let stored = try String(contentsOf: dir.appendingPathComponent(Self.dayFile), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(stored.count == 1000)
        #expect(Set(stored) == Set(payloads))
    }
}
