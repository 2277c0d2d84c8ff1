import AnomalyModel
import Foundation
import Testing
import TestSupport

@Suite("Model files")
struct ModelFileTests {
    static let names = ["trade_count", "volume", "avg_trade_size", "price_return", "price_volatility"]

    static func sample() throws -> ModelFile {
        let rows = IsolationForestInvariantTests.randomRows(120, 5).flatMap { $0 }
        let detector = try rows.withUnsafeBufferPointer {
            try AnomalyDetector.train(rows: $0, rowCount: 120, featureNames: names, parameters: ModelParameters(), seed: 5)
        }
        return ModelFile(featureNames: names, entries: [
            ModelFile.Entry(symbol: "BTCUSDT", modelVersion: 4, rowsScoredSinceTraining: 17,
                            buffer: Array(rows[0..<(10 * 5)]), detector: detector),
            ModelFile.Entry(symbol: "ETHUSDT", modelVersion: 0, rowsScoredSinceTraining: 0, buffer: [1, 2, 3, 4, 5],
                            detector: nil),
        ])
    }

    @Test func saveAndLoadRoundTripScoresIdentically() throws {
        let dir = try ToolRunner.temporaryDirectory("bnc-model")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.bncmodel").path
        let file = try Self.sample()
        try file.save(path: path)
        let loaded = try #require(try ModelFile.load(path: path, expectedFeatures: Self.names))
        #expect(loaded == file)
        let x: [Double] = [3, -1, 0.5, 2, -4]
        let a = x.withUnsafeBufferPointer { file.entries[0].detector!.score($0) }
        let b = x.withUnsafeBufferPointer { loaded.entries[0].detector!.score($0) }
        #expect(a.scoreSample.bitPattern == b.scoreSample.bitPattern && a.decision.bitPattern == b.decision.bitPattern)
        // No temporary file is left behind by the atomic save.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.bncmodel"])
        #expect(try ModelFile.load(path: dir.appendingPathComponent("absent").path, expectedFeatures: Self.names) == nil)
    }

    @Test func mismatchesAreClearErrors() throws {
        let bytes = try Self.sample().encoded()
        #expect(throws: ModelError.featureMismatch(file: Self.names, requested: ["volume"])) {
            try ModelFile(decoding: bytes, expectedFeatures: ["volume"])
        }
        var otherVersion = bytes
        otherVersion[8] = 9
        #expect(throws: ModelError.unsupportedVersion(found: 9, supported: ModelFile.formatVersion)) {
            try ModelFile(decoding: otherVersion)
        }
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0x40
        #expect(throws: ModelError.self) { try ModelFile(decoding: damaged) }
        #expect(throws: ModelError.self) { try ModelFile(decoding: Array(bytes.dropLast(3))) }
        #expect(throws: ModelError.self) { try ModelFile(decoding: Array("not a model".utf8)) }
    }
}
