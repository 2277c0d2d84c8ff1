import BNCCore
import Foundation
import Testing
import TestSupport
@testable import Windowing

/// `WindowRun` with several parsing threads (`--threads`): a file is cut into ranges parsed at
/// once and windowed in file order, so the rows must be byte for byte those of one thread, with
/// the same counts and summary, wherever the ranges end.
@Suite("WindowRun with parallel parsing", .serialized)
struct ParallelWindowRunTests {
    struct Outcome: Equatable {
        var status: BNCCore.ExitStatus
        var rows: Data
        var lines: WindowRun.LineCounts
        var summary: String
        var totals: WindowTotals
    }

    static func run(_ inputs: [String], _ options: WindowRun.Options) throws -> Outcome {
        let (status, rows, run) = try WindowRunTests.runRaw(inputs, options: options)
        return Outcome(status: status, rows: rows, lines: run.lineCounts, summary: run.summary(), totals: run.aggregator.totals)
    }

    static func options(threads: Int, chunk: Int, strict: Bool = false) -> WindowRun.Options {
        WindowRun.Options(strict: strict, quiet: true, maxErrorLines: 3, threads: threads, parallelChunkSize: chunk)
    }

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test("mixed input, many symbols: every range size and thread count gives the one-thread rows")
    func mixedStreamIsByteIdentical() throws {
        let dir = try ToolRunner.temporaryDirectory("window-parallel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.write(MixedTradeStream.text(symbols: 150, trades: 12_000), "mixed", in: dir)
        let single = try Self.run([path], Self.options(threads: 1, chunk: 1 << 20))
        #expect(single.status == .success)
        #expect(single.totals.symbols == 150)
        #expect(single.totals.duplicates > 0 && single.totals.lateTrades > 0 && single.totals.outlierTrades > 0)
        #expect(single.totals.missingTrades > 0 && single.lines.badLines > 10)
        for (threads, chunk) in [(2, 1), (2, 97), (3, 4_096), (2, 65_536), (4, 300_000), (2, 1 << 20)] {
            let parallel = try Self.run([path], Self.options(threads: threads, chunk: chunk))
            #expect(parallel == single, "threads \(threads), chunk \(chunk)")
        }
    }

    @Test("heartbeat lines close windows where one thread closes them, whatever the ranges")
    func heartbeatsInParallelRanges() throws {
        let dir = try ToolRunner.temporaryDirectory("window-parallel")
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = ""
        var time: Int64 = 1_771_000_000_000
        for i in 0..<3_000 {
            let symbol = ["BTCUSDT", "ETHUSDT", "THINUSDT"][i % 7 == 0 ? 2 : i % 2]
            time += 450
            text += #"{"e":"trade","E":\#(time),"s":"\#(symbol)","t":\#(i + 1),"p":"100.5","q":"0.25","T":\#(time),"m":true,"M":true}"# + "\n"
            if i % 5 == 0 {
                // The feed's heartbeats: a few seconds past the newest trade, for every symbol.
                for beat in ["BTCUSDT", "ETHUSDT", "THINUSDT"] {
                    text += #"{"e":"bnc.heartbeat","E":\#(time + 2_500),"s":"\#(beat)"}"# + "\n"
                }
            }
            if i == 1_234 { text += #"{"e":"bnc.heartbeat","E":"soon","s":"BTCUSDT"}"# + "\n" }   // a bad line
        }
        let path = try Self.write(text, "beats", in: dir)
        let single = try Self.run([path], Self.options(threads: 1, chunk: 1 << 20))
        #expect(single.status == .success)
        #expect(single.lines.heartbeats == 1_800 && single.lines.badLines == 1)
        for (threads, chunk) in [(2, 1), (2, 333), (3, 4_096), (2, 50_000)] {
            #expect(try Self.run([path], Self.options(threads: threads, chunk: chunk)) == single, "threads \(threads), chunk \(chunk)")
        }
    }

    @Test("several files are one stream in parallel too, with the file cut inside a line")
    func filesInOrder() throws {
        let dir = try ToolRunner.temporaryDirectory("window-parallel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = MixedTradeStream.text(symbols: 40, trades: 6_000, seed: 7, oversized: false)
        let bytes = Array(text.utf8)
        // Cut in the middle of a line: the first file's last line has no newline, so it is read
        // as a line of its own; the rest of it starts the second file.
        let cut = bytes.count / 3
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        try Data(bytes[..<cut]).write(to: a)
        try Data(bytes[cut...]).write(to: b)
        let single = try Self.run([a.path, b.path], Self.options(threads: 1, chunk: 1 << 20))
        for chunk in [50, 999, 20_000] {
            #expect(try Self.run([a.path, b.path], Self.options(threads: 2, chunk: chunk)) == single, "chunk \(chunk)")
        }
    }

    @Test("strict stops at the same bad line with the same rows written")
    func strictStopsAtTheSameLine() throws {
        let dir = try ToolRunner.temporaryDirectory("window-parallel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.write(MixedTradeStream.text(symbols: 20, trades: 3_000, seed: 3), "strict", in: dir)
        let single = try Self.run([path], Self.options(threads: 1, chunk: 1 << 20, strict: true))
        #expect(single.status == .dataError)
        for chunk in [64, 5_000] {
            #expect(try Self.run([path], Self.options(threads: 2, chunk: chunk, strict: true)) == single)
        }
    }

    @Test("the real fixtures: the same rows at every range size")
    func fixtures() throws {
        for name in [Fixture.trades2023, Fixture.trades2024] {
            let single = try Self.run([Fixture.path(name)], Self.options(threads: 1, chunk: 1 << 20))
            for chunk in [1, 333, 10_000] {
                #expect(try Self.run([Fixture.path(name)], Self.options(threads: 2, chunk: chunk)) == single)
            }
        }
    }

    @Test("an empty file and a file of one line without a newline")
    func tinyFiles() throws {
        let dir = try ToolRunner.temporaryDirectory("window-parallel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = try Self.write("", "empty", in: dir)
        let one = try Self.write(try Fixture.payloads(Fixture.trades2024)[0], "one", in: dir)
        let newlines = try Self.write("\n\n\n", "newlines", in: dir)
        for files in [[empty], [one], [newlines], [empty, one, newlines]] {
            let single = try Self.run(files, Self.options(threads: 1, chunk: 1 << 20))
            #expect(try Self.run(files, Self.options(threads: 2, chunk: 1)) == single)
        }
    }
}
