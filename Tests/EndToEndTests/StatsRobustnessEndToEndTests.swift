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
}
