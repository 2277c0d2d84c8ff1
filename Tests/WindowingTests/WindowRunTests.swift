import BNCCore
import Foundation
import Testing
import TestSupport
@testable import Windowing

/// `WindowRun` (all of bnc-window but argument parsing) in process, on real trades from
/// Tests/Fixtures: inputs as one stream, exit statuses, a stop signal, a closed downstream.
@Suite("WindowRun in process")
struct WindowRunTests {
    typealias Row = [String: Any]

    /// Runs `inputs` with output into a temporary file; returns the status, the rows, the run.
    static func run(_ inputs: [String], options: WindowRun.Options = WindowRun.Options(quiet: true))
        throws -> (status: BNCCore.ExitStatus, rows: [Row], run: WindowRun) {
        let (status, bytes, run) = try runRaw(inputs, options: options)
        let rows = try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? Row)
        }
        return (status, rows, run)
    }

    /// Runs `inputs` with output into a temporary file; returns the status, the output's bytes, the run.
    static func runRaw(_ inputs: [String], options: WindowRun.Options)
        throws -> (status: BNCCore.ExitStatus, output: Data, run: WindowRun) {
        let dir = try ToolRunner.temporaryDirectory("window-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rows").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        var run = WindowRun(options: options, output: OutputBuffer(fileDescriptor: fd))
        let status = StopFlag.exclusive(clear: { SignalTrap.requestStop(0) }) { run.run(inputs.map(InputFile.init)) }
        close(fd)
        return (status, try Data(contentsOf: URL(fileURLWithPath: path)), run)
    }

    static func sum(_ rows: [Row], _ key: String) -> Int {
        rows.reduce(0) { $0 + (($1[key] as? NSNumber)?.intValue ?? 0) }
    }

    static func writeLines(_ lines: some Sequence<String>, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("every trade of the fixture is counted once; windows are contiguous; open ones are flushed at the end")
    func fixtureRun() throws {
        let (status, rows, run) = try Self.run([Fixture.path(Fixture.trades2024)])
        #expect(status == .success)
        #expect(run.lineCounts.lines == 1_000 && run.lineCounts.badLines == 0)
        #expect(Self.sum(rows, "trade_count") == 1_000)
        #expect(Self.sum(rows, "missing_trades") == 0)
        #expect(rows.last?["complete"] as? Bool == false)
        for (a, b) in zip(rows, rows.dropFirst()) { #expect("\(a["end"]!)" == "\(b["start"]!)") }
        #expect(run.summary().contains("1000 trades"))
    }

    @Test("two files are one stream: the same rows as the file they were cut from, at any read size")
    func inputsAreOneStream() throws {
        let dir = try ToolRunner.temporaryDirectory("window-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try Fixture.lines(Fixture.trades2023)
        let a = try Self.writeLines(lines[..<437], "a", in: dir), b = try Self.writeLines(lines[437...], "b", in: dir)
        let whole = try Self.run([Fixture.path(Fixture.trades2023)])
        for chunk in [64, 1000, 1 << 20] {
            let split = try Self.run([a, b], options: WindowRun.Options(quiet: true, chunkSize: chunk))
            #expect(split.status == .success)
            #expect(NSArray(array: split.rows).isEqual(to: whole.rows), "chunk \(chunk)")
        }
    }

    @Test("strict: the first bad line ends the run with 65; lenient: it is counted and skipped")
    func strictAndLenient() throws {
        let dir = try ToolRunner.temporaryDirectory("window-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = try Fixture.lines(Fixture.trades2024)
        lines.insert(#"{"e":"trade","s":"BTCUSDT"}"#, at: 500)
        let path = try Self.writeLines(lines, "bad", in: dir)
        let strict = try Self.run([path], options: WindowRun.Options(strict: true, quiet: true))
        #expect(strict.status == .dataError)
        #expect(strict.run.lineCounts.badLines == 1)
        #expect(Self.sum(strict.rows, "trade_count") < 500)   // open windows are not flushed
        let lenient = try Self.run([path])
        #expect(lenient.status == .success)
        #expect(lenient.run.lineCounts.lines == 1_001 && lenient.run.lineCounts.badLines == 1)
        #expect(Self.sum(lenient.rows, "trade_count") == 1_000)
    }

    @Test("an input that cannot be opened: 74, and the other inputs are still windowed")
    func unreadableInput() throws {
        let (status, rows, _) = try Self.run(["/nonexistent/trades.ndjson", Fixture.path(Fixture.trades2023)])
        #expect(status == .ioError)
        #expect(Self.sum(rows, "trade_count") == 1_000)
    }

    @Test("a stop request: the run ends at once, flushes what it has, exits 0 and says so")
    func stopRequested() throws {
        let dir = try ToolRunner.temporaryDirectory("window-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rows").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        var run = WindowRun(options: WindowRun.Options(quiet: true), output: OutputBuffer(fileDescriptor: fd))
        let status = StopFlag.exclusive(clear: { SignalTrap.requestStop(0) }) {
            SignalTrap.requestStop(SIGTERM)
            return run.run([InputFile(Fixture.path(Fixture.trades2024)), InputFile(Fixture.path(Fixture.trades2023))])
        }
        #expect(status == .success)
        #expect(run.lineCounts.lines < 1_000)   // the second input is never opened
        #expect(run.summary(stopped: true).contains("stopped by signal"))
    }

    @Test("a closed downstream pipe ends the run quietly with 0")
    func closedDownstream() throws {
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        var run = WindowRun(options: WindowRun.Options(configuration: WindowConfiguration(windowMilliseconds: 100), quiet: true),
                            output: OutputBuffer(fileDescriptor: fds[1], flushThreshold: 512))
        let status = StopFlag.exclusive(clear: { SignalTrap.requestStop(0) }) {
            run.run([InputFile(Fixture.path(Fixture.trades2024))])
        }
        #expect(status == .success)
        #expect(run.lineCounts.lines < 1_000)   // it stopped reading when the writes failed
    }
}
