import AnomalyModel
import Foundation
import Testing
@testable import Scoring

/// The whole market in one process (issue 15): 2,000 symbols, interleaved as bnc-window writes
/// them, each with its own model.
@Suite("Thousands of symbols")
struct ManySymbolsTests {
    @Test func twoThousandSymbolsAreAcceptedEachWithItsOwnModel() throws {
        let symbols = 2_000, windows = 12
        var options = ScoringOptions(trainWindows: 10, retrainEvery: 0)
        options.parameters.treeCount = 4
        options.quiet = true
        let collector = RowCollector()
        let engine = try ScoringEngine(options: options, sink: MemorySink(collector: collector))
        var names: [String] = []
        for w in 0..<windows {
            var lines: [String] = []
            for s in 0..<symbols {
                let name = "S\(s)USDT"
                lines.append(WindowRows.line(symbol: name, index: w + s % 7))
                names.append(name)
            }
            try WindowRows.feed(engine, lines)
        }
        try engine.finish()
        #expect(engine.badLines == 0)
        #expect(engine.collectors.count == symbols)
        #expect(engine.collectors.allSatisfy { $0.detector != nil && $0.modelVersion == 1 })
        #expect(collector.rows.count == symbols * windows)
        // Every row went to its own symbol's collector, and the last two windows of each were scored.
        for (i, row) in collector.rows.enumerated() {
            let f = WindowRows.fields(row)
            #expect(f[8] == names[i])
            #expect(f[11] == (i / symbols >= 9 ? "1" : "0"))
            if i / symbols >= 9 { #expect(!f[6].isEmpty && !f[13].isEmpty) }
        }
    }

    @Test func symbolIndexFindsEveryInsertedSymbolAndNoOther() {
        var index = SymbolIndex()
        var keys: [[UInt8]] = []
        for i in 0..<5_000 {
            let key = Array("K\(i)".utf8)
            keys.append(key)
            key.withUnsafeBytes { index.insert($0, index: i) }
        }
        let collectors = keys.map { SymbolCollector(symbol: String(decoding: $0, as: UTF8.self), capacity: 1, featureCount: 1) }
        for (i, key) in keys.enumerated() {
            #expect(key.withUnsafeBytes { index.find($0, in: collectors) } == i)
        }
        #expect(Array("K5000".utf8).withUnsafeBytes { index.find($0, in: collectors) } == nil)
        #expect(Array("".utf8).withUnsafeBytes { index.find($0, in: collectors) } == nil)
    }
}
