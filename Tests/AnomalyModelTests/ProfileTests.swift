import AnomalyModel
import BNCCore
import Foundation
import Testing

/// Issue 14, part 2: the `bnc` profile (a silence feature from trade_count) and the model file's
/// record of the profile; `original` stays the model it was.
@Suite("Model profiles")
struct ProfileTests {
    static let names = ["trade_count", "volume", "avg_trade_size", "price_return", "price_volatility"]

    /// Market-like windows: trade counts around 100 (calm ones at 40, and 3 % lulls at 5–25 % of
    /// the usual count, as the simulator's calm regimes have), volumes and sizes that go with
    /// them, small returns; no window is empty.
    static func windows(_ n: Int, seed: UInt64 = 21) -> [[Double]] {
        var g = Xoshiro256StarStar(seed: seed)
        return (0..<n).map { _ in
            let calm = g.nextDouble() < 0.3, lull = g.nextDouble() < 0.03
            let count = lull ? 100 * (0.05 + 0.2 * g.nextDouble()) : (calm ? 40 : 100) * (0.6 + 0.8 * g.nextDouble())
            let size = 0.002 * (0.5 + g.nextDouble())
            return [count.rounded(), count * size, size, (g.nextDouble() - 0.5) * 1e-3, 5 + 10 * g.nextDouble()]
        }
    }

    static func train(_ rows: [[Double]], _ profile: ModelProfile, seed: UInt64 = 42) throws -> AnomalyDetector {
        let flat = rows.flatMap { $0 }
        return try flat.withUnsafeBufferPointer {
            try AnomalyDetector.train(rows: $0, rowCount: rows.count, featureNames: names,
                                      parameters: ModelParameters(profile: profile), seed: seed)
        }
    }

    @Test func anEmptyWindowIsFlaggedAndReadsTradeCountDown() throws {
        let bnc = try Self.train(Self.windows(500), .bnc)
        #expect(bnc.silence != nil && bnc.modelFeatureCount == 6 && bnc.forest.featureCount == 6)
        let empty: [Double] = [0, 0, 0, 0, 0]
        var a = Attribution(featureCount: 5)
        let score = empty.withUnsafeBufferPointer { bnc.explain($0, into: &a) }
        #expect(score.isAnomaly)
        // Empty, the window is below the training data in every feature (each reason item reads ↓),
        // and the silence feature adds to trade_count's share: more of it than the original gives.
        let reason = a.reason(rank: Attribution.nameRank(Self.names))
        #expect(reason.count >= 1 && reason.indices.allSatisfy { !a.isAbove($0) }, "shares \(a.shares), lean \(a.lean)")
        #expect(!a.isAbove(0))
        let original = try Self.train(Self.windows(500), .original)
        var b = Attribution(featureCount: 5)
        let originalScore = empty.withUnsafeBufferPointer { original.explain($0, into: &b) }
        #expect(a.share(0) > b.share(0), "bnc \(a.shares) vs original \(b.shares)")
        #expect(score.anomalyScore > originalScore.anomalyScore)
        #expect(abs(a.shares.reduce(0, +) - 1) < 1e-12)
        // explain and score agree bit for bit with the extra feature too.
        let plain = empty.withUnsafeBufferPointer { bnc.score($0) }
        #expect(plain.scoreSample.bitPattern == score.scoreSample.bitPattern)
    }

    @Test func theSilenceFeatureIsZeroAboveAQuarterOfTheMedian() {
        let q = SilenceFeature(source: 0, level: 100)
        #expect(q.value(100) == 0 && q.value(30) == 0 && q.value(25) == 0)
        #expect(abs(q.value(0) - log(250)) < 1e-12)
        #expect(q.value(10) > 0 && q.value(5) > q.value(10))
    }

    @Test func originalProfileHasNoExtraFeatureAndIsTheSameModel() throws {
        let rows = Self.windows(300)
        let original = try Self.train(rows, .original)
        let plain = try rows.flatMap { $0 }.withUnsafeBufferPointer {
            try AnomalyDetector.train(rows: $0, rowCount: rows.count, featureNames: Self.names, parameters: ModelParameters(), seed: 42)
        }
        #expect(original.silence == nil && original.modelFeatureCount == 5)
        #expect(original == plain)
        // Without trade_count among the features the bnc profile adds nothing.
        let flat = rows.flatMap { Array($0.dropFirst()) }
        let noCount = try flat.withUnsafeBufferPointer {
            try AnomalyDetector.train(rows: $0, rowCount: rows.count, featureNames: Array(Self.names.dropFirst()),
                                      parameters: ModelParameters(profile: .bnc), seed: 42)
        }
        #expect(noCount.silence == nil)
    }

    @Test func modelFilesRecordTheProfile() throws {
        let rows = Self.windows(200)
        let bnc = try Self.train(rows, .bnc)
        let file = ModelFile(featureNames: Self.names, entries: [
            ModelFile.Entry(symbol: "BTCUSDT", modelVersion: 1, rowsScoredSinceTraining: 3, buffer: rows[0].map { $0 }, detector: bnc),
        ], profile: .bnc)
        let loaded = try ModelFile(decoding: file.encoded(), expectedFeatures: Self.names, expectedProfile: .bnc)
        #expect(loaded == file && loaded.profile == .bnc && loaded.entries[0].detector?.silence == bnc.silence)
        let x: [Double] = [0, 0, 0, 0, 0]
        #expect(x.withUnsafeBufferPointer { bnc.score($0) } == x.withUnsafeBufferPointer { loaded.entries[0].detector!.score($0) })
        #expect(throws: ModelError.profileMismatch(file: .bnc, requested: .original, fileVersion: 2)) {
            try ModelFile(decoding: file.encoded(), expectedProfile: .original)
        }
    }

    /// A file written before profiles (format version 1) loads as `original`; asked for another
    /// profile it is refused with a message that says why and what to do.
    @Test func versionOneFilesLoadAsOriginal() throws {
        let rows = Self.windows(200)
        let names = Self.names
        let file = ModelFile(featureNames: names, entries: [
            ModelFile.Entry(symbol: "BTCUSDT", modelVersion: 2, rowsScoredSinceTraining: 0, buffer: [], detector: try Self.train(rows, .original)),
        ], profile: .original)
        var bytes = file.encoded()
        // Version 1's layout: no profile string after the version, no silence byte in an entry.
        let profileStart = 12, profileLength = 4 + "original".utf8.count
        let entryStart = profileStart + profileLength + 4 + names.reduce(0) { $0 + 4 + $1.utf8.count } + 4
        let silenceByte = entryStart + 4 + "BTCUSDT".utf8.count + 8 + 8 + 4 + 1 + 8 + 1 + 8
        #expect(bytes[silenceByte] == 0)
        bytes.remove(at: silenceByte)
        bytes.removeSubrange(profileStart..<(profileStart + profileLength))
        bytes[8] = 1
        bytes.removeLast(8)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { hash ^= UInt64(b); hash &*= 0x0000_0100_0000_01B3 }
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: hash >> (8 * UInt64(k)))) }

        let old = try ModelFile(decoding: bytes, expectedFeatures: names)
        #expect(old.profile == .original && old.version == 1)
        #expect(old.entries == file.entries)
        #expect(throws: ModelError.profileMismatch(file: .original, requested: .bnc, fileVersion: 1)) {
            try ModelFile(decoding: bytes, expectedProfile: .bnc)
        }
        let message = ModelError.profileMismatch(file: .original, requested: .bnc, fileVersion: 1).description
        #expect(message.contains("before profiles") && message.contains("--profile original"))
    }
}
