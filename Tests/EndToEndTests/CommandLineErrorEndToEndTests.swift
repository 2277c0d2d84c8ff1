import Foundation
import TestSupport
import Testing

/// Issue 11: option errors of every tool read `bnc-<tool>: <option>: <what>` (plus the usage
/// hint), exit 64; a negative number is out of range, not missing; a huge value is not echoed whole.
/// `--help` and `--version` stay ArgumentParser's (stdout, exit 0).
@Suite("Command-line errors end to end")
struct CommandLineErrorEndToEndTests {
    static let tools = ["bnc-stream", "bnc-window", "bnc-score", "bnc-stats"]

    @Test("an unknown option: `bnc-<tool>: --nope: unknown option`, not `Error:`", arguments: tools)
    func optionErrorsStartWithTheToolName(tool: String) throws {
        let arguments = tool == "bnc-stats" ? ["summary", "--nope"] : ["--nope"]
        let result = try ToolRunner.run(tool, arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let lines = result.stderrText.split(separator: "\n")
        #expect(lines.first?.hasPrefix("\(tool): --nope: unknown option") == true, "\(result.stderrText)")
        #expect(!result.stderrText.contains("Error:"))
        #expect(lines.contains { $0.hasPrefix("Usage: \(tool)") })
        #expect(lines.last?.contains("--help' for more information.") == true)
    }

    @Test("a missing value is `--option: missing value`")
    func missingValueNamesTheOption() throws {
        let result = try ToolRunner.run("bnc-score", ["--train-windows"])
        #expect(result.status == 64)
        #expect(result.stderrText.hasPrefix("bnc-score: --train-windows: missing value\n"), "\(result.stderrText)")
    }

    @Test("a negative number is out of range, not a missing value")
    func negativeNumberIsOutOfRangeNotMissing() throws {
        let window = try ToolRunner.run("bnc-window", ["--max-errors", "-5"])
        #expect(window.status == 64)
        #expect(window.stderrText.hasPrefix("bnc-window: --max-errors: must not be negative\n"), "\(window.stderrText)")
        let seed = try ToolRunner.run("bnc-stream", ["simulate", "--seed", "-1"])
        #expect(seed.status == 64)
        #expect(seed.stderrText.hasPrefix("bnc-stream: --seed: -1 is out of range (a negative number)\n"), "\(seed.stderrText)")
        let hours = try ToolRunner.run("bnc-stream", ["simulate", "--hours", "-0.5"])
        #expect(hours.status == 64)
        #expect(hours.stderrText.hasPrefix("bnc-stream: --hours: must be in (0, 8784]\n"), "\(hours.stderrText)")
        // A negative duration is a value too, never "missing value".
        let lateness = try ToolRunner.run("bnc-window", ["--lateness", "-1s"])
        #expect(lateness.status == 64)
        #expect(lateness.stderrText.hasPrefix("bnc-window: --lateness: -1s is out of range (a negative number)\n"), "\(lateness.stderrText)")
        for result in [window, seed, hours, lateness] {
            #expect(!result.stderrText.contains("Missing value") && !result.stderrText.contains("missing value"))
        }
    }

    @Test("a 100 KB option value is echoed cut to 64 characters and …")
    func hugeOptionValueIsTruncated() throws {
        let huge = String(repeating: "x", count: 100_000)
        let result = try ToolRunner.run("bnc-stream", ["simulate", "--hours", huge])
        #expect(result.status == 64)
        #expect(result.stderr.count < 2_000, "stderr is \(result.stderr.count) bytes")
        #expect(result.stderrText.hasPrefix("bnc-stream: --hours: '\(String(repeating: "x", count: 64))…' is not a valid value\n"),
                "\(result.stderrText.prefix(300))")
        let unknown = try ToolRunner.run("bnc-window", ["--" + huge])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.count < 2_000)
    }

    @Test("--help and --version are unchanged: stdout, exit 0", arguments: tools)
    func helpAndVersionAreUnchanged(tool: String) throws {
        let help = try ToolRunner.run(tool, ["--help"])
        #expect(help.status == 0)
        #expect(help.stderr.isEmpty)
        #expect(help.stdoutText.hasPrefix("OVERVIEW: "))
        #expect(help.stdoutText.contains("USAGE: \(tool)"))
        let version = try ToolRunner.run(tool, ["--version"])
        #expect(version.status == 0)
        #expect(version.stderr.isEmpty)
        #expect(!version.stdoutText.isEmpty && !version.stdoutText.contains("Error"))
    }
}
