import Foundation
import Testing
import TestSupport

@Suite("Every tool answers --version and --help")
struct SmokeTests {
    @Test(arguments: ["bnc-stream", "bnc-window", "bnc-score", "bnc-stats"])
    func versionAndHelp(tool: String) throws {
        let version = try ToolRunner.run(tool, ["--version"])
        #expect(version.status == 0)
        #expect(!version.stdoutText.isEmpty)
        let help = try ToolRunner.run(tool, ["--help"])
        #expect(help.status == 0)
        #expect(help.stdoutText.contains("USAGE"))
    }
}
