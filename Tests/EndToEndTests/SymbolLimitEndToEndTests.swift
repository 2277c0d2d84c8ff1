import Foundation
import TestSupport
import Testing

/// The one symbol limit (BNCWire's `WireLimits.maxSymbolLength`, 23 bytes) across the tools: what
/// `bnc-stream` agrees to write, `bnc-window` reads; one byte more is a usage error up front.
@Suite("Symbol limit across the tools")
struct SymbolLimitEndToEndTests {
    static let longest = String(repeating: "A", count: 19) + "USDT"   // 23 bytes

    @Test("simulate --symbol of 24 characters is a usage error (exit 64), before any output")
    func simulateRefusesTooLongASymbol() throws {
        for symbol in [Self.longest + "X", String(repeating: "B", count: 32)] {
            let result = try ToolRunner.run("bnc-stream", ["simulate", "--hours", "0.01", "--symbol", symbol])
            #expect(result.status == 64, "\(symbol): \(result.stderrText)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrText.contains("--symbol"))
        }
        let publicData = try ToolRunner.run("bnc-stream", ["public-data", "--symbol", Self.longest + "X", "-"], stdin: Data())
        #expect(publicData.status == 64)
    }

    @Test("simulate --symbol of 23 characters writes lines bnc-window windows under that symbol")
    func longestSymbolGoesThroughThePipeline() throws {
        let result = try ToolRunner.shell(
            "bnc-stream simulate --hours 0.01 --symbol \(Self.longest.lowercased()) | bnc-window --strict --window 20s")
        #expect(result.status == 0, "\(result.stderrText)")
        let rows = result.stdoutLines
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.hasPrefix("{\"symbol\":\"\(Self.longest)\",") })
    }
}
