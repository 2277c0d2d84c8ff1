import BNCCore
import Foundation
import Testing
import TestSupport
@testable import Scoring

/// `ScoringSession` (all of bnc-score but argument parsing) in process, on the original's real
/// window rows (Tests/Fixtures): output files, the model file, a stop signal, input errors.
@Suite("ScoringSession in process")
struct ScoringSessionTests {
    static func run(_ options: ScoringOptions, _ inputs: [String], stop: Bool = false) throws(ScoringError) {
        try StopFlag.exclusive(clear: { SignalTrap.requestStop(0) }) { () throws(ScoringError) in
            if stop { SignalTrap.requestStop(SIGTERM) }
            try ScoringSession.run(options: options, inputs: inputs.map(InputFile.init))
        }
    }

    static func csvLines(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    }

    @Test("the fixture's 600 rows: one header, 600 rows across two UTC days, the model saved")
    func fixtureRunWritesRowsAndModel() throws {
        let dir = try ToolRunner.temporaryDirectory("scoring-session")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pattern = dir.appendingPathComponent("results_%Y-%m-%d.csv").path
        let model = dir.appendingPathComponent("model.bncmodel").path
        let options = ScoringOptions(trainWindows: 100, retrainEvery: 100, outputPath: pattern, modelPath: model, quiet: true)
        try Self.run(options, [Fixture.path(Fixture.seedRunWindows)])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["model.bncmodel", "results_2026-02-28.csv", "results_2026-03-01.csv"])
        var rows = 0
        for file in files where file.hasSuffix(".csv") {
            let lines = try Self.csvLines(dir.appendingPathComponent(file).path)
            #expect(lines.first?.hasPrefix("timestamp,") == true)
            #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 14 })
            rows += lines.count - 1
        }
        #expect(rows == 600)
        // Trained on the 100th row (which it scores as version 1), retrained every 100 rows after:
        // the 600th row is the first of version 6.
        let all = try Self.csvLines(dir.appendingPathComponent("results_2026-03-01.csv").path)
        let last = all.last!.split(separator: ",", omittingEmptySubsequences: false)
        #expect(last[11] == "6" && !last[6].isEmpty)
    }

    @Test("the same input and seed give the same bytes; a restart with the model continues where it left off")
    func deterministicAndRestartable() throws {
        let dir = try ToolRunner.temporaryDirectory("scoring-session")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try Fixture.lines(Fixture.seedRunWindows)
        let first = dir.appendingPathComponent("first.ndjson"), second = dir.appendingPathComponent("second.ndjson")
        try (lines[..<150].joined(separator: "\n") + "\n").write(to: first, atomically: true, encoding: .utf8)
        try (lines[150..<200].joined(separator: "\n") + "\n").write(to: second, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("model.bncmodel").path
        let split = dir.appendingPathComponent("split.csv").path, straight = dir.appendingPathComponent("straight.csv").path
        let again = dir.appendingPathComponent("again.csv").path
        try Self.run(ScoringOptions(trainWindows: 100, retrainEvery: 20, outputPath: split, modelPath: model, quiet: true), [first.path])
        try Self.run(ScoringOptions(trainWindows: 100, retrainEvery: 20, outputPath: split, modelPath: model, quiet: true), [second.path])
        try Self.run(ScoringOptions(trainWindows: 100, retrainEvery: 20, outputPath: straight, quiet: true), [first.path, second.path])
        try Self.run(ScoringOptions(trainWindows: 100, retrainEvery: 20, outputPath: again, quiet: true), [first.path, second.path])
        let s = try Self.csvLines(straight)
        #expect(s.count == 201)
        #expect(try Self.csvLines(split) == s)   // one header; the restart's rows identical to the uninterrupted run
        #expect(try Self.csvLines(again) == s)
    }

    @Test("a stop request: what was read is written whole, and the run ends without an error")
    func stopRequested() throws {
        let dir = try ToolRunner.temporaryDirectory("scoring-session")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        try Self.run(ScoringOptions(trainWindows: 100, outputPath: out, quiet: true), [Fixture.path(Fixture.seedRunWindows)], stop: true)
        let lines = try Self.csvLines(out)
        #expect(lines.count >= 1 && lines.count < 601)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 14 })
    }

    @Test("a missing input is an input error (74); lines that are not window rows are a data error (65)")
    func inputErrors() throws {
        let dir = try ToolRunner.temporaryDirectory("scoring-session")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        do {
            try Self.run(ScoringOptions(outputPath: out, quiet: true), ["/nonexistent/rows.ndjson"])
            Issue.record("a missing input must throw")
        } catch {
            #expect(error.exitStatus == .ioError)
            #expect(error.description.contains("/nonexistent/rows.ndjson"))
        }
        let junk = dir.appendingPathComponent("junk.txt")
        try "hello\nworld\n".write(to: junk, atomically: true, encoding: .utf8)
        do {
            try Self.run(ScoringOptions(outputPath: out, quiet: true), [junk.path])
            Issue.record("junk must throw")
        } catch {
            #expect(error.exitStatus == .dataError)
        }
    }
}
