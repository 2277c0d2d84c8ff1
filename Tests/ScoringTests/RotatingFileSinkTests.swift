import Foundation
import Testing
import BNCWire
@testable import Scoring

@Suite("Result files: append, rotate, never tear a row")
struct RotatingFileSinkTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnc-score-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func rotatesDailyByWindowTimeAndNeverRepeatsTheHeader() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pattern = dir.appendingPathComponent("window_results_%Y-%m-%d.csv").path
        let day: Int64 = 86_400_000
        let t0: Int64 = 1_772_236_800_000  // 2026-02-28T00:00:00Z
        for run in 0..<2 {  // a restart appends to the same files
            var sink = RotatingFileSink(pattern: pattern, header: "h1,h2\n", gather: run == 1)
            for (i, t) in [t0 + day - 20_000, t0 + day, t0 + day + 20_000].enumerated() {
                try sink.write(row: Array("\(run),\(i)\n".utf8), windowStart: t)
                try sink.flush()
            }
            try sink.finish()
        }
        let first = try String(contentsOfFile: dir.appendingPathComponent("window_results_2026-02-28.csv").path, encoding: .utf8)
        let second = try String(contentsOfFile: dir.appendingPathComponent("window_results_2026-03-01.csv").path, encoding: .utf8)
        #expect(first == "h1,h2\n0,0\n1,0\n")
        #expect(second == "h1,h2\n0,1\n0,2\n1,1\n1,2\n")
    }

    @Test func aTornLastLineIsTerminatedBeforeAppending() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.csv").path
        try "h\n1,2\n3,".write(toFile: path, atomically: false, encoding: .utf8)
        var sink = RotatingFileSink(pattern: path, header: "h\n", gather: false)
        try sink.write(row: Array("5,6\n".utf8), windowStart: 0)
        try sink.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "h\n1,2\n3,\n5,6\n")
    }
}

@Suite("Result files: only ours, each window once")
struct ResultFileOwnershipTests {
    static let csvRow = "2026-02-28T16:01:20.000Z,1529,2.45,0.0016,-0.0008,16.6,,,BTCUSDT,2026-02-28T16:01:40.000Z,true,0,,\n"

    /// A file begun before the reason column (13 columns) gets its rows in that layout: an
    /// upgraded collector goes on with the day's file, one width under one header.
    @Test func aFileFromBeforeTheReasonColumnGetsRowsInItsLayout() throws {
        let dir = try RotatingFileSinkTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.csv").path
        let old = ScoredResultColumn.csvHeaderWithoutReason + "\n" + "2026-02-28T16:01:20.000Z,1529,2.45,0.0016,-0.0008,16.6,,,BTCUSDT,2026-02-28T16:01:40.000Z,true,0,\n"
        try old.write(toFile: path, atomically: false, encoding: .utf8)
        var sink = RotatingFileSink(pattern: path, header: ResultFormatter.csvHeader, gather: false, format: .csv)
        try sink.prepare()
        let scored = "2026-02-28T16:01:40.000Z,1400,2.1,0.0015,0.0001,12.5,0.031,1,BTCUSDT,2026-02-28T16:02:00.000Z,true,1,0.47,volume↑;trade_count↑\n"
        try sink.write(row: Array(scored.utf8), windowStart: 1_772_294_500_000)
        // The window the file already holds is still skipped.
        try sink.write(row: Array(Self.csvRow.utf8), windowStart: 1_772_294_480_000)
        try sink.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == old + "2026-02-28T16:01:40.000Z,1400,2.1,0.0015,0.0001,12.5,0.031,1,BTCUSDT,2026-02-28T16:02:00.000Z,true,1,0.47\n")
        #expect(text.split(separator: "\n").allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 13 })
        #expect(sink.windowsAlreadyPresent == 1)
    }

    /// Rotation: each day's file is checked when it is opened; a foreign one stops the run
    /// before anything is written to it.
    @Test func aForeignDayFileIsRefusedUntouched() throws {
        let dir = try RotatingFileSinkTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pattern = dir.appendingPathComponent("r_%Y-%m-%d.csv").path
        let day = dir.appendingPathComponent("r_2026-02-28.csv").path
        try "some,other,file\n1,2,3\n".write(toFile: day, atomically: false, encoding: .utf8)
        var sink = RotatingFileSink(pattern: pattern, header: ResultFormatter.csvHeader, gather: false, format: .csv)
        #expect(throws: ResultSinkError.foreignFile(path: day, firstLine: "some,other,file")) {
            try sink.write(row: Array(Self.csvRow.utf8), windowStart: 1_772_294_480_000)
        }
        #expect(try String(contentsOfFile: day, encoding: .utf8) == "some,other,file\n1,2,3\n")
    }

    @Test func windowsTheFileHoldsAreSkippedAndCounted() throws {
        let dir = try RotatingFileSinkTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.csv").path
        try (ResultFormatter.csvHeader + Self.csvRow).write(toFile: path, atomically: false, encoding: .utf8)
        var sink = RotatingFileSink(pattern: path, header: ResultFormatter.csvHeader, gather: false, format: .csv)
        try sink.prepare()
        let other = Self.csvRow.replacingOccurrences(of: "BTCUSDT", with: "ETHUSDT")
        try sink.write(row: Array(Self.csvRow.utf8), windowStart: 0)   // same symbol and start: skipped
        try sink.write(row: Array(other.utf8), windowStart: 0)         // another symbol: written
        try sink.finish()
        #expect(sink.windowsAlreadyPresent == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == ResultFormatter.csvHeader + Self.csvRow + other)
    }
}
