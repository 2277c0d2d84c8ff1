import Foundation
import Testing
@testable import ResultStats

/// Following real files in a temporary folder: growth, a partial last line, daily rotation in
/// the middle of an episode, truncation and re-creation — and the episodes that come out.
@Suite("watch: following files")
struct FileFollowerTests {
    static let header = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"

    /// Row `i` (20 s windows from 2026-02-28T23:58:00Z, so row 6 is on the next day), anomalous when `a`.
    static func line(_ i: Int, _ a: Bool, symbol: String = "BTCUSDT") -> String {
        let start = 1_772_323_080_000 + Int64(i) * 20_000
        let r = WatchRow(symbol: symbol, start: start)
        return "\(r.format(start)),10,1,0.1,0,0,\(a ? -0.05 : 0.1),\(a ? -1 : 1),\(symbol),\(r.format(start + 20_000)),true,1,\(a ? 0.7 : 0.4)\n"
    }

    /// The watch's reading path without the terminal: follower → decoder → tracker.
    final class Pipeline {
        let follower: FileFollower
        var decoder = ScoredRowDecoder()
        var tracker = EpisodeTracker(.init())
        var events: [String] = []
        var newFiles: [String] = []
        var rows = 0

        init(_ target: FileFollower.Target, follow: Bool = true) { follower = FileFollower(target, follow: follow) }
        init(_ follower: FileFollower, decoder: ScoredRowDecoder) { self.follower = follower; self.decoder = decoder }

        func pump() throws {
            try follower.pump { event in
                switch event {
                case .newFile(let name, let why):
                    self.decoder.reset()
                    self.newFiles.append("\(URL(fileURLWithPath: name).lastPathComponent):\(why)")
                case .line(let bytes):
                    if case .row(let r) = self.decoder.decode(bytes) {
                        self.rows += 1
                        for e in self.tracker.process(r) {
                            switch e {
                            case .alert(let a): self.events.append("A\(a.row.format(a.row.start).dropFirst(11).prefix(8))")
                            case .ended(let e): self.events.append("E\(e.closedBy.format(e.closedBy.start).dropFirst(11).prefix(8))")
                            case .suppressed: self.events.append("S")
                            }
                        }
                    }
                case .oversized: break
                }
            }
        }
    }

    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func append(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    @Test("growth and a partial last line: a row counts only once its newline is there")
    func growth() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.csv")
        let p = Pipeline(.file(file.path))
        try p.pump()
        #expect(p.rows == 0 && p.newFiles.isEmpty, "a file that does not exist yet is waited for")
        try append(Self.header + Self.line(0, false), to: file)
        try p.pump()
        #expect(p.rows == 1)
        let half = Self.line(1, true)
        try append(String(half.prefix(30)), to: file)
        try p.pump()
        #expect(p.rows == 1)
        try append(String(half.dropFirst(30)), to: file)
        try p.pump()
        #expect(p.rows == 2 && p.events == ["A23:58:20"])
    }

    @Test("daily rotation through a %Y-%m-%d pattern, in the middle of an episode")
    func rotation() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let day1 = dir.appendingPathComponent("window_results_2026-02-28.csv")
        let day2 = dir.appendingPathComponent("window_results_2026-03-01.csv")
        try append(Self.header + (0..<6).map { Self.line($0, $0 >= 4) }.joined(), to: day1)
        let p = Pipeline(.pattern(dir.path + "/window_results_%Y-%m-%d.csv"))
        try p.pump()
        #expect(p.events == ["A23:59:20"])
        // bnc-score starts the next day's file (header again); the episode goes on across it.
        try append(Self.header + Self.line(6, true) + Self.line(7, false), to: day2)
        try p.pump()
        #expect(p.newFiles == ["window_results_2026-02-28.csv:opened", "window_results_2026-03-01.csv:rotated"])
        #expect(p.events == ["A23:59:20", "E00:00:20"], "one episode across midnight: one alert, one end")
        #expect(p.rows == 8)
        // A slower symbol's last window of the old day, written after the new day's file began:
        // the old file is still followed, from where it was left, with its header state.
        let old = try #require(p.follower.takeRetired())
        #expect(p.follower.takeRetired() == nil)
        var header = ScoredRowDecoder()
        _ = Array(Self.header.utf8.dropLast()).withUnsafeBytes { header.decode($0) }
        let late = Pipeline(old, decoder: header)
        late.tracker = p.tracker
        try append(Self.line(5, true, symbol: "ETHUSDT"), to: day1)
        try late.pump()
        #expect(late.rows == 1 && late.events == ["A23:59:40"] && late.newFiles.isEmpty)
        old.stop { _ in }
        #expect(old.finished)
    }

    @Test("a folder: its newest dated results file")
    func directory() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try append(Self.header + Self.line(0, false), to: dir.appendingPathComponent("window_results_2026-02-27.csv"))
        try append(Self.header + Self.line(1, true), to: dir.appendingPathComponent("window_results_2026-02-28.csv"))
        try append("not results\n", to: dir.appendingPathComponent("collector.log"))
        let p = Pipeline(FileFollower.Target.parse(dir.path))
        try p.pump()
        #expect(p.newFiles == ["window_results_2026-02-28.csv:opened"] && p.rows == 1)
    }

    @Test("truncation and re-creation: read again from the start, no alert repeated")
    func truncateAndRecreate() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.csv")
        try append(Self.header + (0..<4).map { Self.line($0, $0 == 1) }.joined(), to: file)
        let p = Pipeline(.file(file.path))
        try p.pump()
        #expect(p.events == ["A23:58:20", "E23:58:40"])
        // Truncated and rewritten shorter: same windows (ignored) and a new one.
        try Data((Self.header + Self.line(4, true)).utf8).write(to: file)   // atomically: false → same inode
        let h = try FileHandle(forWritingTo: file); try h.truncate(atOffset: UInt64((Self.header + Self.line(4, true)).utf8.count)); try h.close()
        try p.pump()
        #expect(p.newFiles.last == "r.csv:truncated" || p.newFiles.last == "r.csv:re-created")
        #expect(p.events == ["A23:58:20", "E23:58:40", "A23:59:20"])
        // Removed and created again (another inode).
        try FileManager.default.removeItem(at: file)
        try p.pump()
        try append(Self.header + Self.line(5, true) + Self.line(6, false), to: file)
        try p.pump()
        #expect(p.newFiles.last == "r.csv:re-created")
        #expect(p.events == ["A23:58:20", "E23:58:40", "A23:59:20", "E00:00:00"])
    }

    @Test("without --follow a missing file is an error and the end of a file is the end")
    func noFollow() throws {
        let p = Pipeline(.file("/nonexistent/r.csv"), follow: false)
        #expect(throws: WatchError.self) { try p.pump() }
        #expect(p.follower.finished)
    }

    @Test("pattern matching of daily names")
    func patterns() {
        func m(_ n: String, _ p: String) -> Bool { FileFollower.matches(Array(n.utf8), Array(p.utf8)) }
        #expect(m("window_results_2026-02-28.csv", "window_results_%Y-%m-%d.csv"))
        #expect(!m("window_results_2026-02-28.csv.tmp", "window_results_%Y-%m-%d.csv"))
        #expect(!m("window_results_latest.csv", "window_results_%Y-%m-%d.csv"))
        #expect(m("r-20260228.ndjson", "r-%Y%m%d.*"))
    }
}
