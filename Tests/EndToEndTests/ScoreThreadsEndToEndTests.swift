import Foundation
import Testing
import TestSupport

/// bnc-score `--batch --threads`, built: a file larger than a few parsing ranges (2 MiB each) is
/// parsed and its results encoded by several threads, and stdout, stderr (bad lines named with
/// their numbers, the trainings, the summary) and the model file are byte for byte those of
/// `--threads 1`; the same bytes from a pipe, which is always read in one stream.
@Suite("bnc-score --batch --threads end to end", .serialized)
struct ScoreThreadsEndToEndTests {
    /// 24,000 rows of three symbols (about 5.7 MB) with three bad lines among them.
    static func rows() -> String {
        var lines: [String] = []
        lines.reserveCapacity(24_010)
        for i in 0..<8_000 {
            for (k, symbol) in ["BTCUSDT", "ETHUSDT", "SOLUSDT"].enumerated() {
                let start = 1_772_294_480_000 + Int64(i) * 20_000
                let w = Double((i * 7919 + k * 13) % 97) / 97
                let count = (i + k) % 500 == 7 ? 9_000 : 1_000 + Int(w * 400)
                lines.append(#"{"symbol":"\#(symbol)","start":\#(start),"end":\#(start + 20_000),"trade_count":\#(count),"volume":\#(3 + w),"avg_trade_size":\#((3 + w) / Double(count)),"price_return":\#((w - 0.5) * 1e-4),"price_volatility":\#(5 + w * 3),"complete":\#(i % 97 != 5)}"#)
            }
            if i == 3 || i == 4_000 || i == 7_000 { lines.append("junk \(i)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("--threads 1, 2 and 3 and a pipe: the same stdout, stderr and model file (csv and ndjson)")
    func threadsGiveTheSameBytes() throws {
        let dir = try ToolRunner.temporaryDirectory("score-threads")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("rows.ndjson")
        let text = Self.rows()
        try Data(text.utf8).write(to: file)
        #expect(text.utf8.count > 2 * (2 << 20), "larger than two parsing ranges")
        for format in ["csv", "ndjson"] {
            func run(_ threads: String) throws -> (ToolRunner.Result, Data) {
                let model = dir.appendingPathComponent("model-\(format)-\(threads).bncmodel").path
                let r = try ToolRunner.run("bnc-score", ["--batch", "--trees", "10", "--format", format, "--threads", threads,
                                                         "--model", model, file.path])
                return (r, try Data(contentsOf: URL(fileURLWithPath: model)))
            }
            let (one, oneModel) = try run("1")
            #expect(one.status == 0)
            #expect(one.stdoutLines.count == 24_000 + (format == "csv" ? 1 : 0))
            #expect(one.stderrText.contains("rows.ndjson:12005: skipped"))
            #expect(one.stderrText.contains("skipped 3 bad line(s) (first at line 13, 12005, 21006)"))
            for threads in ["2", "3"] {
                let (many, manyModel) = try run(threads)
                #expect(many.status == one.status)
                #expect(many.stdout == one.stdout, "\(format) --threads \(threads): rows differ")
                #expect(many.stderrText == one.stderrText.replacingOccurrences(of: "-1.bncmodel", with: "-\(threads).bncmodel"),
                        "\(format) --threads \(threads): stderr differs")
                #expect(manyModel == oneModel, "\(format) --threads \(threads): model files differ")
            }
            let piped = try ToolRunner.shell("cat '\(file.path)' | bnc-score --batch --trees 10 --format \(format) --threads 2")
            #expect(piped.status == 0)
            #expect(piped.stdout == one.stdout)
            #expect(piped.stderrText.contains("<stdin>:12005: skipped"))
        }
    }

    @Test("--threads out of range, or without --batch, is a usage error")
    func threadsUsageErrors() throws {
        for value in ["0", "65", "x"] {
            let r = try ToolRunner.run("bnc-score", ["--batch", "--threads", value], stdin: Data())
            #expect(r.status == 64, "--threads \(value)")
        }
        let streaming = try ToolRunner.run("bnc-score", ["--threads", "2"], stdin: Data())
        #expect(streaming.status == 64)
        #expect(streaming.stderrText.contains("--threads"))
    }
}
