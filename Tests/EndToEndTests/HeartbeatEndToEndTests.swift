import Foundation
import Testing
import TestSupport

/// Issue 12: `bnc.heartbeat` lines (formats.md §1) through the built tools. Replays stay
/// deterministic (trade-only input gives the rows bnc-window wrote before heartbeats existed),
/// heartbeats close silent windows without being trades or bad lines, and `record` keeps them
/// out of the recording while `--tee` passes them on.
@Suite("heartbeat lines end to end", .serialized)
struct HeartbeatEndToEndTests {
    static func heartbeat(_ time: Int64, _ symbol: String = "BTCUSDT") -> String {
        #"{"e":"bnc.heartbeat","E":\#(time),"s":"\#(symbol)"}"#
    }

    /// `T` of a fixture line (envelope or bare payload).
    static func tradeTime(_ line: String) throws -> Int64 {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let payload = (object["data"] as? [String: Any]) ?? object
        return try #require((payload["T"] as? NSNumber)?.int64Value)
    }

    @Test("trade-only input gives byte for byte the rows of the build before heartbeats (c8191d5)")
    func tradeOnlyInputIsUnchanged() throws {
        for (trades, windows) in [(Fixture.trades2023, Fixture.windows5s2023), (Fixture.trades2024, Fixture.windows5s2024)] {
            let result = try ToolRunner.run("bnc-window", ["--window", "5s", Fixture.path(trades)])
            #expect(result.status == 0)
            #expect(result.stdout == (try Fixture.data(windows)), "\(trades)")
            #expect(!result.stderrText.contains("heartbeat"))
        }
    }

    @Test("heartbeats that do not run ahead of the trades change no byte; they are neither trades nor bad lines (--strict)")
    func heartbeatsBehindTheTradesChangeNothing() throws {
        let directory = try ToolRunner.temporaryDirectory("heartbeat")
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines: [String] = []
        for line in try Fixture.lines(Fixture.trades2024) {
            lines.append(line)
            // At the trade's own time, after it: the watermark is already there.
            lines.append(Self.heartbeat(try Self.tradeTime(line)))
            lines.append(Self.heartbeat(try Self.tradeTime(line), "ETHUSDT"))   // a symbol with no window: ignored
        }
        let path = try WindowRows.write(lines, in: directory)
        let result = try ToolRunner.run("bnc-window", ["--window", "5s", "--strict", path])
        #expect(result.status == 0)
        #expect(result.stdout == (try Fixture.data(Fixture.windows5s2024)))
        #expect(result.stderrText.contains("bad lines 0 of 1000; 2000 heartbeats"), "\(result.stderrText)")
    }

    @Test("a heartbeat 30 s into a silence writes the silent windows at once, complete and empty; a malformed one is a bad line")
    func heartbeatClosesSilentWindows() throws {
        let directory = try ToolRunner.temporaryDirectory("heartbeat")
        defer { try? FileManager.default.removeItem(at: directory) }
        let trades = try Fixture.lines(Fixture.trades2024)
        let last = try Self.tradeTime(trades[trades.count - 1])
        let lines = trades + [Self.heartbeat(last + 30_000), #"{"e":"bnc.heartbeat","E":"soon","s":"BTCUSDT"}"#]
        let path = try WindowRows.write(lines, in: directory)
        // Without the end of input flushing the open windows, what did the heartbeat close?
        // (--lateness 1s: windows ending at or before last + 29 s.)
        let (rows, result) = try WindowRows.run(["--window", "5s", path])
        #expect(result.status == 0)
        let closedByHeartbeat = rows.filter { (($0["end"] as? NSNumber)?.int64Value ?? 0) > last + 5_000 && (($0["end"] as? NSNumber)?.int64Value ?? 0) <= last + 29_000 }
        #expect(closedByHeartbeat.count >= 4)
        #expect(closedByHeartbeat.allSatisfy { ($0["trade_count"] as? Int) == 0 && ($0["complete"] as? Bool) == true })
        #expect(result.stderrText.contains("\(path):\(lines.count): field \"E\""), "\(result.stderrText)")
        #expect(result.stderrText.contains("bad lines 1 of 1001; 1 heartbeats"), "\(result.stderrText)")
    }

    @Test("record leaves heartbeats out of the daily files (Binance payloads only) and --tee passes them on")
    func recordKeepsHeartbeatsOutOfRecordings() throws {
        let directory = try ToolRunner.temporaryDirectory("heartbeat-record")
        defer { try? FileManager.default.removeItem(at: directory) }
        let trades = try Fixture.lines(Fixture.trades2024)
        var input: [String] = []
        for (i, line) in trades.enumerated() {
            input.append(line)
            if i % 100 == 0 { input.append(Self.heartbeat(try Self.tradeTime(line))) }
        }
        let result = try ToolRunner.run("bnc-stream", ["record", "--dir", directory.path, "--tee", "-"],
                                        stdin: Data((input.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == input.count)
        #expect(result.stdoutLines.filter { $0.contains("bnc.heartbeat") }.count == 10)
        #expect(!result.stderrText.contains("skipped"), "\(result.stderrText)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".ndjson") }
        #expect(files.count == 1)
        let recorded = try String(contentsOf: directory.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(recorded.split(separator: "\n").count == trades.count)
        #expect(!recorded.contains("heartbeat"))
    }
}
