import AnomalyModel
import Foundation
import Testing
@testable import Scoring
import BNCWire

@Suite("The collector's life cycle")
struct CollectorLifeCycleTests {
    static func engine(_ options: ScoringOptions) throws -> (ScoringEngine, RowCollector) {
        let collector = RowCollector()
        var o = options
        o.quiet = true
        return (try ScoringEngine(options: o, sink: MemorySink(collector: collector)), collector)
    }

    @Test func warmUpRowsAreWrittenAtOnceThenTheBufferTrains() throws {
        let (engine, out) = try Self.engine(ScoringOptions(trainWindows: 20, retrainEvery: 0))
        let lines = (0..<50).map { WindowRows.line(index: $0, spike: $0 == 40) }
        for (i, l) in lines.enumerated() {
            try WindowRows.feed(engine, [l])
            #expect(out.rows.count == i + 1)  // nothing waits
        }
        let f = out.rows.map(WindowRows.fields)
        #expect(f.allSatisfy { $0.count == 14 })
        // Rows 1–19: empty score/prediction/anomaly_score and model_version 0; row 20 trains and is scored.
        for r in 0..<19 { #expect(f[r][6] == "" && f[r][7] == "" && f[r][12] == "" && f[r][11] == "0" && f[r][13] == "") }
        for r in 19..<50 { #expect(f[r][6] != "" && ["1", "-1"].contains(f[r][7]) && f[r][11] == "1" && !f[r][13].isEmpty) }
        #expect(f[40][7] == "-1")  // the spike
        // Every feature of the spike is far above the training data: each item of its reason is ↑.
        #expect(f[40][13].split(separator: ";").allSatisfy { $0.hasSuffix("↑") }, "the spike's reason: \(f[40][13])")
        #expect(out.flushes == 50)  // streaming: every row handed over at once
    }

    @Test func retrainsEveryNRowsOnTheLastCompleteWindows() throws {
        let (engine, out) = try Self.engine(ScoringOptions(trainWindows: 10, retrainEvery: 5))
        try WindowRows.feed(engine, (0..<40).map { WindowRows.line(index: $0) })
        let versions = out.rows.map { Int(WindowRows.fields($0)[11])! }
        // Model 1 scores rows 10–14, model 2 rows 15–19, …
        #expect(Array(versions[0..<9]) == [Int](repeating: 0, count: 9))
        for r in 9..<40 { #expect(versions[r] == 1 + (r - 9) / 5) }
        #expect(engine.collectors[0].count == 10)
    }

    @Test func retrainEveryZeroTrainsOnce() throws {
        let (engine, out) = try Self.engine(ScoringOptions(trainWindows: 10, retrainEvery: 0))
        try WindowRows.feed(engine, (0..<60).map { WindowRows.line(index: $0) })
        #expect(Set(out.rows[9...].map { WindowRows.fields($0)[11] }) == ["1"])
    }

    @Test func incompleteWindowsAreScoredButNeverTrainedOn() throws {
        let (engine, out) = try Self.engine(ScoringOptions(trainWindows: 10, retrainEvery: 0))
        // Every other window incomplete: the buffer needs 19 rows to hold 10 complete ones.
        try WindowRows.feed(engine, (0..<30).map { WindowRows.line(index: $0, complete: $0 % 2 == 1) })
        let f = out.rows.map(WindowRows.fields)
        let firstScored = try #require(f.firstIndex { $0[6] != "" })
        #expect(firstScored == 19)
        #expect(f[20][10] == "false" && f[20][6] != "")  // an incomplete window, scored
    }

    @Test func eachSymbolHasItsOwnModel() throws {
        let (engine, out) = try Self.engine(ScoringOptions(trainWindows: 5, retrainEvery: 0))
        var lines: [String] = []
        for i in 0..<8 { lines.append(WindowRows.line(symbol: "BTCUSDT", index: i)) }
        for i in 0..<3 { lines.append(WindowRows.line(symbol: "ETHUSDT", index: i)) }
        try WindowRows.feed(engine, lines)
        #expect(engine.collectors.map(\.symbol) == ["BTCUSDT", "ETHUSDT"])
        #expect(engine.collectors[0].modelVersion == 1 && engine.collectors[1].modelVersion == 0)
        #expect(out.rows.suffix(3).allSatisfy { WindowRows.fields($0)[6] == "" && WindowRows.fields($0)[8] == "ETHUSDT" })
    }

    @Test func batchTrainsOnAllCompleteWindowsThenScoresEveryRow() throws {
        let (engine, out) = try Self.engine(ScoringOptions(batch: true))
        let lines = (0..<300).map { WindowRows.line(index: $0, complete: $0 != 0 && $0 != 299, spike: $0 == 150) }
        try WindowRows.feed(engine, lines)
        #expect(out.rows.isEmpty)
        try engine.finish()
        let f = out.rows.map(WindowRows.fields)
        #expect(f.count == 300)
        #expect(f.allSatisfy { $0[6] != "" && $0[11] == "1" })
        #expect(f[150][7] == "-1")
        // Same as training the detector directly on the 298 complete rows with --seed.
        let parser = WindowRowReader(featureNames: ScoringOptions.defaultFeatures)
        _ = parser
        #expect(engine.collectors[0].detector?.forest.maxSamples == 256)
    }

    @Test func badLinesAreSkippedAndCounted() throws {
        let (engine, out) = try Self.engine(ScoringOptions(trainWindows: 5))
        try WindowRows.feed(engine, [
            WindowRows.line(index: 0), "not json", #"{"symbol":"BTCUSDT","start":1,"end":2,"complete":true}"#,
            WindowRows.line(index: 1),
        ])
        #expect(out.rows.count == 2)
        #expect(engine.badLines == 2)
    }

    @Test func nullFeaturesAreWrittenUnscoredAndNotTrainedOn() throws {
        let (engine, out) = try Self.engine(ScoringOptions(featureNames: ["trade_count", "vwap"], trainWindows: 3,
                                                            retrainEvery: 0))
        var lines: [String] = []
        for i in 0..<6 {
            let vwap = i == 1 ? "null" : "\(67000 + i)"
            lines.append(WindowRows.line(index: i).replacingOccurrences(of: "}", with: #","vwap":\#(vwap)}"#))
        }
        try WindowRows.feed(engine, lines)
        let f = out.rows.map(WindowRows.fields)
        #expect(f[1][6] == "")
        #expect(f[2][6] == "" && f[3][6] != "")  // the buffer needed a fourth row
        #expect(engine.unscorableRows == 1)
    }
}
