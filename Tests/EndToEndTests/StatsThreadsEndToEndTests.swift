import Foundation
import Testing
import TestSupport

/// `bnc-stats summary --threads`, built: a file of several 1 MiB parsing ranges gives, on stdout
/// and stderr (skipped rows named with their line numbers), the bytes of `--threads 1`, as text
/// and as JSON; the same bytes from a pipe and from a FIFO, which are read in one stream.
@Suite("bnc-stats summary --threads end to end", .serialized)
struct StatsThreadsEndToEndTests {
    /// Our CSV with `reason`, `n` rows 20 s apart from 2026-02-28, every 1,000th row bad.
    static func csv(_ n: Int) -> String {
        var text = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score,reason\n"
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        func time(_ seconds: Int) -> String {
            let day = seconds / 86_400, s = seconds % 86_400
            return String(format: "2026-%02d-%02dT%02d:%02d:%02d.000Z", 2 + (27 + day) / 28, (27 + day) % 28 + 1, s / 3600, s / 60 % 60, s % 60)
        }
        for k in 0..<n {
            let u = next(), v = next()
            let scored = k >= 500
            let anomaly = scored && u < 0.1
            let score = scored ? "\(anomaly ? -u : u * 0.2)" : ""
            let reason = anomaly ? (v < 0.5 ? "volume↑;trade_count↑" : "price_return↓") : ""
            let count = k % 1_000 == 999 ? "many" : "\(Int(v * 2_000))"
            text += "\(time(20 * k)),\(count),\(u * 3),\(v * 0.002),\((u - 0.5) * 0.001),\(v * 15),\(score),\(scored ? (anomaly ? "-1" : "1") : ""),BTCUSDT,\(time(20 * k + 20)),true,\(scored ? 1 : 0),\(scored ? "\(0.5 - u / 4)" : ""),\(reason)\n"
        }
        return text
    }

    @Test("a 3.5 MB file: --threads 2 and 3, a pipe and a FIFO write the bytes of --threads 1, text and JSON")
    func threadsGiveTheSameBytes() throws {
        let dir = try ToolRunner.temporaryDirectory("stats-threads")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("results.csv")
        let text = Self.csv(18_000)
        try Data(text.utf8).write(to: file)
        #expect(text.utf8.count > 3 << 20, "larger than three parsing ranges")
        for json in [[], ["--json"]] {
            let one = try ToolRunner.run("bnc-stats", ["summary", "--threads", "1"] + json + [file.path])
            #expect(one.status == 0)
            #expect(one.stderrText.contains("skipped 18 unreadable row(s)"))
            #expect(one.stderrText.contains("results.csv:1001: "))
            for threads in ["2", "3"] {
                let many = try ToolRunner.run("bnc-stats", ["summary", "--threads", threads] + json + [file.path])
                #expect(many.status == 0)
                #expect(many.stdout == one.stdout, "--threads \(threads) \(json): stdout differs")
                #expect(many.stderrText == one.stderrText, "--threads \(threads) \(json): stderr differs")
            }
            let flags = json.joined(separator: " ")
            let piped = try ToolRunner.shell("cat '\(file.path)' | bnc-stats summary --threads 2 \(flags)")
            #expect(piped.status == 0)
            #expect(piped.stdout == one.stdout, "pipe \(json): stdout differs")
            #expect(piped.stderrText == one.stderrText.replacingOccurrences(of: file.path, with: "<stdin>"))
            let fifo = dir.appendingPathComponent("fifo").path
            let fromFIFO = try ToolRunner.shell("rm -f '\(fifo)' && mkfifo '\(fifo)' && { cat '\(file.path)' > '\(fifo)' & bnc-stats summary --threads 2 \(flags) '\(fifo)'; }")
            #expect(fromFIFO.status == 0)
            #expect(fromFIFO.stdout == one.stdout, "FIFO \(json): stdout differs")
            #expect(fromFIFO.stderrText == one.stderrText.replacingOccurrences(of: file.path, with: fifo))
        }
    }

    @Test("--threads out of range is a usage error")
    func threadsOutOfRange() throws {
        for value in ["0", "65", "x"] {
            let r = try ToolRunner.run("bnc-stats", ["summary", "--threads", value], stdin: Data())
            #expect(r.status == 64, "--threads \(value)")
        }
    }
}
