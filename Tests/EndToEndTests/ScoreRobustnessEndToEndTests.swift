import Foundation
import Testing
import TestSupport

/// Issue 11 (robustness) cases of bnc-score, run as users run it: one test per case.
@Suite("bnc-score robustness end to end")
struct ScoreRobustnessEndToEndTests {
    static func rows(_ n: Int) throws -> Data {
        ScoreEndToEndTests.rows(n, from: try ScoreEndToEndTests.seedRunRows())
    }

    /// `--train-windows 9223372036854775807` overflowed, 10^8 allocated 3.9 GB, 10^9 aborted: a
    /// count outside the documented range is a usage error that names the range.
    @Test func trainWindowsOutsideItsRangeIsAUsageError() throws {
        let input = try Self.rows(20)
        for value in ["9223372036854775807", "100000000", "1000000000", "1000001", "0"] {
            let r = try ToolRunner.run("bnc-score", ["--train-windows", value], stdin: input)
            #expect(r.status == 64, "--train-windows \(value)")
            #expect(r.stderrText.contains("--train-windows must be from 1 to 1000000"), "\(r.stderrText)")
            #expect(r.stdout.isEmpty)
        }
        // The largest allowed value is used as is (and allocates nothing up front).
        let max = try ToolRunner.run("bnc-score", ["--train-windows", "1000000", "--quiet"], stdin: input)
        #expect(max.status == 0 && max.stdoutLines.count == 21)
    }

    /// Every numeric option has a documented range; a value outside it is exit 64.
    @Test func everyNumericOptionOutsideItsRangeIsAUsageError() throws {
        let cases: [[String]] = [
            ["--trees", "0"], ["--trees", "10001"], ["--trees", "9223372036854775807"],
            ["--retrain-every", "-1"], ["--retrain-every", "100000001"],
            ["--max-samples", "1000001"], ["--max-samples", "0"],
            ["--contamination", "0"], ["--contamination", "nan"], ["--contamination", "inf"], ["--contamination", "0.51"],
            ["--seed", "18446744073709551616"], ["--seed", "-1"],
            ["--features", (0..<65).map { "k\($0)" }.joined(separator: ",")],
        ]
        for args in cases {
            let r = try ToolRunner.run("bnc-score", args, stdin: Data())
            #expect(r.status == 64, "\(args)")
        }
        let ok = try ToolRunner.run("bnc-score", ["--trees", "10000", "--max-samples", "1000000", "--retrain-every", "100000000",
                                                  "--seed", "18446744073709551615", "--quiet"], stdin: Data())
        #expect(ok.status == 0)
    }

    /// Rows with `trade_count` −5 or `volume` 1e308 were scored as normal: they are bad rows,
    /// skipped and counted, and the good rows around them are scored as before.
    @Test func impossibleWindowValuesAreSkippedAndCounted() throws {
        var lines = String(decoding: try Self.rows(30), as: UTF8.self).split(separator: "\n").map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: #""trade_count":"#, with: #""trade_count":-5,"x":"#)
        lines[7] = lines[7].replacingOccurrences(of: #""volume":"#, with: #""volume":1e308,"y":"#)
        lines[9] = lines[9].replacingOccurrences(of: #""price_volatility":"#, with: #""price_volatility":1e400,"z":"#)
        let r = try ToolRunner.run("bnc-score", ["--train-windows", "10"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(r.status == 0)
        #expect(r.stdoutLines.count == 1 + 27)
        #expect(!r.stdoutText.contains("-5,") && !r.stdoutText.contains("e+308"))
        #expect(r.stderrText.contains(#"<stdin>:4: skipped: key "trade_count" is -5"#), "\(r.stderrText)")
        #expect(r.stderrText.contains(#"key "volume" is 1e308"#))
        #expect(r.stderrText.contains("skipped 3 bad line(s) (first at line 4, 8, 10)"))
    }
}
