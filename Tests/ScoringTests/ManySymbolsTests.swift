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

    /// Thousands of models come of age together: the `--model` file (every symbol's models and
    /// buffers) must not be rewritten for each training — that once took minutes for 2,000 symbols
    /// while the stream's pipe filled up — and a run split across a restart through the file
    /// must still write exactly the rows of one run.
    @Test func manySymbolsTrainingTogetherSaveTheModelFileRarelyAndRestartExactly() throws {
        let symbols = 400, windows = 16, split = 12
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnc-many-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func options(_ model: String) -> ScoringOptions {
            var o = ScoringOptions(trainWindows: 10, retrainEvery: 2, modelPath: dir.appendingPathComponent(model).path)
            o.parameters.treeCount = 4
            o.quiet = true
            o.modelSavesSpacedFromBytes = 0  // (these small models make a file of 1 MB)
            return o
        }
        func lines(_ range: Range<Int>) -> [String] {
            range.flatMap { w in (0..<symbols).map { WindowRows.line(symbol: "S\($0)USDT", index: w + $0 % 5, spike: ($0 + w) % 97 == 0) } }
        }
        let whole = RowCollector()
        let one = try ScoringEngine(options: options("one.bncmodel"), sink: MemorySink(collector: whole))
        try WindowRows.feed(one, lines(0..<windows))
        try one.finish()
        #expect(one.trainings > 2 * symbols)
        #expect(one.modelSaves * 10 < one.trainings, "\(one.modelSaves) saves for \(one.trainings) trainings")

        let parts = RowCollector()
        let first = try ScoringEngine(options: options("split.bncmodel"), sink: MemorySink(collector: parts))
        try WindowRows.feed(first, lines(0..<split))
        try first.finish()
        let second = try ScoringEngine(options: options("split.bncmodel"), sink: MemorySink(collector: parts))
        #expect(second.collectors.filter(\.isTrained).count == symbols)  // every model came back from the file
        try WindowRows.feed(second, lines(split..<windows))
        try second.finish()
        #expect(whole.rows.count == symbols * windows)
        let sameRows = parts.rows == whole.rows  // (compared outside #expect: a failure would print 6,400 rows)
        #expect(sameRows, "a run split across a restart wrote other rows than one run")
        let sameFile = try Data(contentsOf: dir.appendingPathComponent("split.bncmodel"))
            == Data(contentsOf: dir.appendingPathComponent("one.bncmodel"))
        #expect(sameFile, "the model files of the split run and of one run differ")
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
