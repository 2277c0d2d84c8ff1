import Foundation
import TestSupport
import Testing

/// Issue 11 through the built `bnc-window`: a time glitch is quarantined and a long gap bounded,
/// with the options and stderr lines a user sees.
@Suite("bnc-window: time glitches end to end")
struct WindowGlitchEndToEndTests {
    static func retimed(_ line: String, shift: Int64 = 0, time: Int64? = nil) -> String {
        var out = line
        for key in ["T", "E"] {
            let range = out.range(of: "\"\(key)\":[0-9]+", options: .regularExpression)!
            let value = Int64(out[range].dropFirst(key.count + 3))!
            out.replaceSubrange(range, with: "\"\(key)\":\(time ?? value + shift)")
        }
        return out
    }

    static func input(_ lines: [String]) -> Data { Data((lines.joined(separator: "\n") + "\n").utf8) }

    @Test func year2100TradeTimeGivesBoundedOutputInBncWindow() throws {
        let lines = try Fixture.lines(Fixture.trades2024)
        let plain = try ToolRunner.run("bnc-window", ["-"], stdin: Self.input(lines))
        var glitched = lines
        glitched.insert(Self.retimed(lines[400], time: 4_102_444_800_000 + 1), at: 401)
        let result = try ToolRunner.run("bnc-window", ["-"], stdin: Self.input(glitched))
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == plain.stdoutLines.count)
        #expect(result.stderrText.contains("outliers 1;"), "\(result.stderrText)")
        #expect(result.stdoutLines.allSatisfy { $0.hasSuffix(#""outlier_trades":0}"#) || $0.hasSuffix(#""outlier_trades":1}"#) })
    }

    @Test func threeHourGapIsCutAtMaxSilenceAndSaidOnStderr() throws {
        let lines = try Fixture.lines(Fixture.trades2024)
        let jumped = Array(lines[..<500]) + lines[500...].map { Self.retimed($0, shift: 3 * 3_600_000) }
        let result = try ToolRunner.run("bnc-window", ["--max-silence", "30m", "-"], stdin: Self.input(jumped))
        #expect(result.status == 0)
        let empty = result.stdoutLines.filter { $0.contains(#""trade_count":0,"#) }
        #expect(empty.count == 90)                                   // 30 min of 20 s windows
        #expect(empty.allSatisfy { $0.contains(#""complete":false"#) })
        #expect(result.stderrText.contains("not written, beyond --max-silence (30 min)"), "\(result.stderrText)")
        #expect(result.stderrText.contains("1 jump in time accepted"))
    }

    @Test func maxJumpNotLongerThanTheLatenessIsAUsageError() throws {
        let result = try ToolRunner.run("bnc-window", ["--max-jump", "1s", "--lateness", "2s", "-"], stdin: Data())
        #expect(result.status == 64)
        #expect(result.stderrText.contains("--max-jump"))
        let confirmations = try ToolRunner.run("bnc-window", ["--jump-confirmations", "0", "-"], stdin: Data())
        #expect(confirmations.status == 64)
    }
}
