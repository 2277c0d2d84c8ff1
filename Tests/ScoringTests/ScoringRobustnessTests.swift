import AnomalyModel
import Foundation
import Testing
@testable import Scoring
import BNCWire

/// Issue 11 (robustness) cases of bnc-score's library, one test per case.
@Suite("bnc-score robustness")
struct ScoringRobustnessTests {
    /// `--train-windows 100000000` used to allocate the whole buffer (3.9 GB) before the first
    /// row: the buffer must follow the windows that arrive.
    @Test func trainingBufferGrowsWithTheDataNotWithTheOption() throws {
        let options = ScoringOptions(trainWindows: ScoringOptions.trainWindowsRange.upperBound, retrainEvery: 0, quiet: true)
        let engine = try ScoringEngine(options: options, sink: MemorySink(collector: RowCollector()))
        try WindowRows.feed(engine, (0..<3).map { WindowRows.line(index: $0) })
        let collector = try #require(engine.collectors.first)
        #expect(collector.count == 3)
        #expect(collector.storedValues == 3 * options.featureNames.count)
    }

    /// Once full, the buffer still keeps exactly the newest `--train-windows` windows.
    @Test func grownTrainingBufferWrapsToTheNewestWindows() throws {
        let options = ScoringOptions(trainWindows: 4, retrainEvery: 0, quiet: true)
        let engine = try ScoringEngine(options: options, sink: MemorySink(collector: RowCollector()))
        try WindowRows.feed(engine, (0..<7).map { WindowRows.line(index: $0) })
        let collector = try #require(engine.collectors.first)
        #expect(collector.storedValues == 4 * 5)
        let tradeCounts = stride(from: 0, to: 20, by: 5).map { collector.orderedBuffer()[$0] }
        let expected = (3..<7).map { i in Double(1000 + Int(Double((i * 7919) % 97) / 97 * 400)) }
        #expect(tradeCounts == expected)
    }
}
