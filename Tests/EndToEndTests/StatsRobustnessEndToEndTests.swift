import Foundation
import Testing
import TestSupport

/// bnc-stats on hostile and surprising input (issue 11), as users run it: exit statuses and
/// what stderr says.
@Suite("bnc-stats robustness end to end")
struct StatsRobustnessEndToEndTests {
    static let header = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"

    static func row(_ minute: Int, score: String = "0.1", prediction: String = "1", day: String = "2026-02-28") -> String {
        let m = minute < 10 ? "0\(minute)" : "\(minute)"
        return "\(day)T16:\(m):00.000Z,10,1,0.1,0.001,1,\(score),\(prediction),BTCUSDT,\(day)T16:\(m):20.000Z,true,1,\n"
    }

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("a score of 1e400 or -1e400 does not crash summary or report: the rows are skipped and counted")
    func scoreOf1e400DoesNotCrashSummaryOrReport() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-inf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try Self.write(Self.header + Self.row(1) + Self.row(2, score: "1e400") + Self.row(3, score: "-1e400", prediction: "-1") + Self.row(4, score: "-0.1", prediction: "-1"), "inf.csv", in: dir)
        let summary = try ToolRunner.run("bnc-stats", ["summary", "--json", file])
        #expect(summary.status == 0)
        #expect(summary.stdoutText.contains("\"windows\": 2"))
        #expect(summary.stderrText.contains("skipped 2"))
        #expect(summary.stderrText.contains("score is not finite"))
        let report = try ToolRunner.run("bnc-stats", ["report", "--html", dir.appendingPathComponent("r.html").path, file])
        #expect(report.status == 0)
        #expect(try ToolRunner.run("bnc-stats", ["summary", "--strict", file]).status == 65)
    }

    static func fileType(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    @Test("report --html never replaces a symlink, FIFO or device node; a regular file is still replaced atomically")
    func reportHtmlDoesNotReplaceDeviceFifoOrSymlink() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-html")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = Self.header
        for k in 0..<30 { rows += Self.row(k, score: k % 5 == 0 ? "-0.1" : "0.1", prediction: k % 5 == 0 ? "-1" : "1") }
        let input = try Self.write(rows, "in.csv", in: dir)
        // A symlink onto a regular file: the target gets the page (mode kept), the link stays a link.
        let target = try Self.write("old", "target.html", in: dir)
        chmod(target, 0o600)
        let link = dir.appendingPathComponent("link.html").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.html")
        let viaLink = try ToolRunner.run("bnc-stats", ["report", "--html", link, input])
        #expect(viaLink.status == 0)
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasSuffix("</html>\n"))
        var info = stat()
        #expect(stat(target, &info) == 0 && info.st_mode & 0o777 == 0o600)
        // A dangling symlink: its target is created, the link stays.
        let dangling = dir.appendingPathComponent("dangling.html").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "created.html")
        #expect(try ToolRunner.run("bnc-stats", ["report", "--html", dangling, input]).status == 0)
        #expect(Self.fileType(dangling) == S_IFLNK)
        #expect(Self.fileType(dir.appendingPathComponent("created.html").path) == S_IFREG)
        // A FIFO: written through to its reader, still a FIFO afterwards.
        let fifo = dir.appendingPathComponent("pipe.html").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let out = dir.appendingPathComponent("from-fifo.html").path
        let piped = try ToolRunner.shell("timeout 20 cat '\(fifo)' > '\(out)' & bnc-stats report --html '\(fifo)' '\(input)'; s=$?; wait; exit $s")
        #expect(piped.status == 0)
        #expect(Self.fileType(fifo) == S_IFIFO)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasSuffix("</html>\n"))
        // A character device (a /dev/null of our own, where the container allows mknod).
        let device = dir.appendingPathComponent("null").path
        if mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 {   // makedev(1, 3)
            #expect(try ToolRunner.run("bnc-stats", ["report", "--html", device, input]).status == 0)
            #expect(Self.fileType(device) == S_IFCHR)
        }
        // A regular file: replaced, no temporary left behind.
        let plain = try Self.write("old", "plain.html", in: dir)
        #expect(try ToolRunner.run("bnc-stats", ["report", "--html", plain, input]).status == 0)
        #expect(try String(contentsOfFile: plain, encoding: .utf8).hasSuffix("</html>\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains(".tmp-") })
    }

    @Test("an uncreatable report file is exit 73 (missing folder, a directory)")
    func uncreatableReportFileIsExit73() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-html73")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.write(Self.header + Self.row(1) + Self.row(2), "in.csv", in: dir)
        let missing = try ToolRunner.run("bnc-stats", ["report", "--html", dir.appendingPathComponent("no/such/r.html").path, input])
        #expect(missing.status == 73)
        #expect(missing.stderrText.hasPrefix("bnc-stats: "))
        #expect(try ToolRunner.run("bnc-stats", ["report", "--html", dir.path, input]).status == 73)
        // The same for summary --append's log file.
        let append = try ToolRunner.run("bnc-stats", ["summary", "--append", dir.appendingPathComponent("no/such/log.txt").path, input])
        #expect(append.status == 73)
        #expect(append.stderrText.contains("cannot create"))
    }

    @Test("summary f.csv f.csv counts every row once and says how many repeats it dropped")
    func summaryOfTheSameFileTwiceCountsRowsOnce() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-twice")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = Self.header
        for k in 0..<10 { rows += Self.row(k, score: k % 4 == 0 ? "-0.1" : "0.1", prediction: k % 4 == 0 ? "-1" : "1") }
        let file = try Self.write(rows, "f.csv", in: dir)
        let r = try ToolRunner.run("bnc-stats", ["summary", "--json", file, file])
        #expect(r.status == 0)
        #expect(r.stdoutText.contains("\"windows\": 10,"))
        #expect(r.stdoutText.contains("\"anomalies\": 3,"))
        #expect(r.stderrText.contains("bnc-stats: dropped 10 exact repeat row(s)"))
    }

    @Test("trade lines instead of results are exit 65 with a hint to run bnc-window | bnc-score first")
    func tradeLinesAreExit65WithAHint() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-trades")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bare = try Self.write("""
            {"e":"trade","E":1771000000123,"s":"BTCUSDT","t":5800000001,"p":"67012.34000000","q":"0.00150000","T":1771000000122,"m":true,"M":true}
            {"e":"trade","E":1771000000124,"s":"BTCUSDT","t":5800000002,"p":"67012.35000000","q":"0.00150000","T":1771000000123,"m":true,"M":true}

            """, "trades.ndjson", in: dir)
        for file in [bare, Fixture.path(Fixture.trades2023)] {
            let r = try ToolRunner.run("bnc-stats", ["summary", file])
            #expect(r.status == 65)
            #expect(r.stderrText.contains("looks like trade lines (bnc-stream output)"))
            #expect(r.stderrText.contains("bnc-window | bnc-score"))
        }
    }

    @Test("an absent --symbol is exit 65 naming the symbols present; an empty input is exit 65")
    func absentSymbolIsExit65NamingThePresentOnes() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-symbol")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try Self.write(Self.header + Self.row(1) + Self.row(2), "f.csv", in: dir)
        let r = try ToolRunner.run("bnc-stats", ["summary", "--symbol", "XRPUSDT", file])
        #expect(r.status == 65)
        #expect(r.stderrText == "bnc-stats: symbol XRPUSDT not in the input; symbols present: BTCUSDT\n")
        for command in ["summary", "hourly", "baseline", "premove"] {
            #expect(try ToolRunner.run("bnc-stats", [command, "--symbol", "xrpusdt", file]).status == 65, "\(command)")
        }
        let headerOnly = try Self.write(Self.header, "h.csv", in: dir)
        #expect(try ToolRunner.run("bnc-stats", ["summary", headerOnly]).status == 65)
        #expect(try ToolRunner.run("bnc-stats", ["summary"], stdin: Data()).status == 65)
    }

    @Test("summary with no scored rows says they are all in the warm-up instead of a histogram of zeros")
    func summaryWithNoScoredRowsSaysSo() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-warmup")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = Self.header
        for k in 0..<12 { rows += Self.row(k, score: "", prediction: "") }
        let file = try Self.write(rows, "warmup.csv", in: dir)
        let r = try ToolRunner.run("bnc-stats", ["summary", file])
        #expect(r.status == 0)
        #expect(r.stdoutText.contains("no scored windows: all 12 are in the model's warm-up"))
        #expect(r.stdoutText.contains("--train-windows"))
        #expect(!r.stdoutText.contains("score histogram"))
        #expect(!r.stdoutText.contains("pandas describe"))
        // The JSON keeps pandas' figures for an empty column (NaN → null), as the reference gives them.
        let json = try ToolRunner.run("bnc-stats", ["summary", "--json", file])
        #expect(json.status == 0 && json.stdoutText.contains("\"scored\": 0,"))
    }

    @Test("option values no input could use are usage errors (exit 64), without echoing a huge value")
    func outOfRangeOptionsAreUsageErrors() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-options")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = Self.header
        for k in 0..<20 { rows += Self.row(k, score: k % 4 == 0 ? "-0.1" : "0.1", prediction: k % 4 == 0 ? "-1" : "1") }
        let file = try Self.write(rows, "f.csv", in: dir)
        let html = dir.appendingPathComponent("r.html").path
        let tooLong = "999999999999s"   // 31,688 years: longer than timestamps can span (0000-9999)
        let huge = String(repeating: "A", count: 100_000)
        let cases: [[String]] = [
            ["premove", "--horizons", tooLong, file], ["premove", "--window", tooLong, file],
            ["cv", "--sizes", "1m,\(tooLong)", file], ["cv", "--window", tooLong, file],
            ["report", "--html", html, "--horizons", tooLong, file], ["report", "--html", html, "--window", tooLong, file],
            ["premove", "--horizons", Array(repeating: "1m", count: 101).joined(separator: ","), file],
            ["summary", "--symbol", huge, file], ["hourly", "--symbol", "BTC,USDT", file],
            ["summary", "--append", String(repeating: "a", count: 5000), file], ["report", "--html", "", file],
            ["summary", "--bins", "1001", file], ["report", "--html", html, "--bins", "0", file],
        ]
        for arguments in cases {
            let r = try ToolRunner.run("bnc-stats", arguments)
            #expect(r.status == 64, "\(arguments.map { $0.prefix(40) })")
            #expect(r.stderr.count < 4000, "\(arguments.map { $0.prefix(40) }): \(r.stderr.count) bytes on stderr")
        }
        // Values at the edge of the ranges are still fine.
        #expect(try ToolRunner.run("bnc-stats", ["premove", "--horizons", "1ms,1m,8760h", file]).status == 0)
        #expect(try ToolRunner.run("bnc-stats", ["baseline", "--limit", "9223372036854775807", file]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: html))
    }

    @Test("report --html or summary --append naming an input (another spelling, a symlink) is refused; the input is intact")
    func reportOntoItsOwnInputIsRefused() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-self")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = Self.header + Self.row(1) + Self.row(2)
        let file = try Self.write(text, "r.csv", in: dir)
        let link = dir.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "r.csv")
        let twin = dir.path + "/./r.csv"
        for arguments in [["report", "--html", twin, file], ["report", "--html", link, file], ["summary", "--append", twin, file]] {
            let r = try ToolRunner.run("bnc-stats", arguments)
            #expect(r.status == 64, "\(arguments)")
            #expect(r.stderrText.contains("names the input"))
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
    }
}
