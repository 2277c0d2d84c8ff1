import Foundation
import Testing
import TestSupport

/// The short, CI-sized versions of the robustness evidence (the README, section "Does it survive?"): the built
/// tools killed with SIGKILL mid-write and restarted, and put into hostile environments. The
/// scripts do the work and print a table; a failing check fails the test with that table.
@Suite("Robustness: crash-restart and faults", .integration, .serialized)
struct RobustnessEndToEndTests {
    static var bin: String { ToolRunner.productsDirectory.path }

    static func comment(_ result: ToolRunner.Result) -> Comment {
        Comment(rawValue: "exit \(result.status)\n" + result.stdoutText + "\n" + String(result.stderrText.suffix(4000)))
    }

    @Test("kill -9 the collector 6 times while it writes: CSV whole, windows once, model never partial")
    func crashRestart() throws {
        let result = try ToolRunner.shell("scripts/crash-restart.sh --kills 6 --bin '\(Self.bin)'")
        #expect(result.status == 0, Self.comment(result))
        #expect(result.stdoutText.contains("crash-restart: 7 passed, 0 failed"), Self.comment(result))
    }

    @Test("disk full, read-only and removed output, SIGPIPE, torn input, terminal stdin, clock jumps, 10k msg/s, HTTP errors, DNS failure, hostile messages")
    func faults() throws {
        let result = try ToolRunner.shell("scripts/faults.sh --bin '\(Self.bin)'")
        #expect(result.status == 0, Self.comment(result))
        #expect(result.stdoutText.contains(" 0 failed"), Self.comment(result))
        // A scenario may only be skipped with its reason: no tmpfs mount (not root), or the clock
        // scenario under a sanitizer build (scripts/sanitizers.sh), where LD_PRELOAD faketime cannot run.
        for line in result.stdoutLines where line.contains("| SKIP |") {
            #expect(line.contains("cannot mount") || line.contains("sanitizer"), Comment(rawValue: String(line)))
        }
    }
}
