import BNCCore
import Foundation
import Testing
@testable import MarketHistory

@Suite("Paced replay of recordings")
struct ReplayerTests {
    func line(_ id: Int, _ time: Int64, envelope: Bool = false) -> String {
        let payload = #"{"e":"trade","E":\#(time + 1),"s":"BTCUSDT","t":\#(id),"p":"61000.00000000","q":"0.00100000","T":\#(time),"m":true,"M":true}"#
        return envelope ? #"{"stream":"btcusdt@trade","data":\#(payload)}"# : payload
    }

    func file(_ lines: [String]) throws -> (URL, String) {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("rec.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    func replay(_ path: String, speed: Double, strict: Bool = false) throws -> (ReplaySummary, String, seconds: Double) {
        let begin = MonotonicClock.nowNanoseconds()
        let (summary, text) = try TestSupport.capture { output in
            try Replayer(speed: speed, output: output, strict: strict, diagnostics: Diagnostics(tool: "bnc-stream-test"))
                .replay([InputFile(path)])
        }
        return (summary, text, Double(MonotonicClock.nowNanoseconds() - begin) / 1e9)
    }

    @Test func tradeTimeBareOrInTheEnvelope() throws {
        func read(_ text: String) -> Result<Int64, TradeTimeError> {
            var text = text
            return text.withUTF8 { TradeTime.read(UnsafeRawBufferPointer($0)) }
        }
        #expect(try read(line(1, 1_723_161_255_342)).get() == 1_723_161_255_342)
        #expect(try read(line(1, 1_723_161_255_342_001, envelope: true)).get() == 1_723_161_255_342_001)
        #expect(read(#"{"e":"trade","t":1}"#) == .failure(.missingTradeTime))
        #expect(read(#"{"T":"1723161255342"}"#) == .failure(.invalidTradeTime))
        #expect(read(#"{"T":1723161255342"#) == .failure(.json(.unexpectedEnd)))
    }

    /// Three seconds of exchange time at speed 1 take at least 95 % of three seconds of wall time
    /// (deadlines can only be met late, never early), and at speed 0 a fraction of that.
    @Test func speedOneTakesTheRecordedTimeAndSpeedZeroDoesNot() throws {
        let t0: Int64 = 1_723_161_255_000
        var lines: [String] = []
        for k in 0...60 { lines.append(line(k, t0 + Int64(k) * 50, envelope: k % 2 == 0)) }
        let (dir, path) = try file(lines)
        defer { try? FileManager.default.removeItem(at: dir) }

        let paced = try replay(path, speed: 1)
        #expect(paced.0.lines == 61)
        #expect(paced.1 == lines.joined(separator: "\n") + "\n")   // byte for byte
        #expect(paced.seconds >= 0.95 * 3.0)

        let fast = try replay(path, speed: 0)
        #expect(fast.1 == paced.1)
        #expect(fast.seconds < paced.seconds / 2)

        let tenfold = try replay(path, speed: 10)
        #expect(tenfold.seconds >= 0.95 * 0.3)
    }

    @Test func earlierTimesAndMicrosecondsDoNotWaitBackwards() throws {
        let t0: Int64 = 1_723_161_255_000
        // Out of order by a second, then the same instant in microseconds: neither waits.
        let lines = [line(1, t0 + 1000), line(2, t0), line(3, (t0 + 1000) * 1000), line(4, t0 + 1200)]
        let (dir, path) = try file(lines)
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try replay(path, speed: 1)
        #expect(result.0.lines == 4)
        #expect(result.seconds >= 0.95 * 0.2)
    }

    @Test func linesThatAreNotTradesAreSkippedAndCounted() throws {
        let lines = [line(1, 1_723_161_255_000), "not json", #"{"e":"bookTicker","u":1}"#, "", line(2, 1_723_161_255_001)]
        let (dir, path) = try file(lines)
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try replay(path, speed: 0)
        #expect(result.0.lines == 2 && result.0.malformedLines == 2)
        #expect(result.1 == lines[0] + "\n" + lines[4] + "\n")
        let error = #expect(throws: ReplayError.self) { _ = try replay(path, speed: 0, strict: true) }
        #expect(error?.exitStatus == .dataError)
        guard case .malformedLine(_, let number, _)? = error else { Issue.record("not a strict failure"); return }
        #expect(number == 2)
    }

    @Test func compressedRecordingsAskForADecompressor() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rec.ndjson.gz").path
        try Data([0x1F, 0x8B, 0x08, 0x00, 0, 0]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ReplayError.self) { _ = try replay(path, speed: 0) }
        guard case .compressed(_, let tool)? = error else { Issue.record("expected .compressed"); return }
        #expect(tool == "zcat")
    }
}
