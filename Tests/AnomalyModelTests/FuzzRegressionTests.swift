import Testing
import AnomalyModel

/// Inputs that libFuzzer (scripts/fuzz.sh, target ModelFile) found to crash the model-file
/// decoder. Each runs in a child process (an exit test), so a regression fails this test instead
/// of killing the whole test run.
@Suite("Model file: fuzz regressions")
struct ModelFileFuzzRegressionTests {
    static let names = ["trade_count", "volume", "avg_trade_size", "price_return", "price_volatility"]

    /// A real file, then the u64 at `offset` set to `value` and the FNV-1a checksum fixed up:
    /// damage that passes the checksum, as a crafted file or a stray writer would.
    static func damagedFile(counterIndex: Int, value: UInt64) throws -> [UInt8] {
        var rows: [Double] = []
        for i in 0..<(20 * names.count) { rows.append(Double((i * 7919) % 101) / 10) }
        let detector = try rows.withUnsafeBufferPointer {
            try AnomalyDetector.train(rows: $0, rowCount: 20, featureNames: names,
                                      parameters: ModelParameters(treeCount: 2), seed: 1)
        }
        let file = ModelFile(featureNames: names, entries: [
            ModelFile.Entry(symbol: "BTCUSDT", modelVersion: 3, rowsScoredSinceTraining: 5, buffer: [], detector: detector),
        ])
        var bytes = file.encoded()
        // magic 8, version 4, profile, feature count 4, names, entry count 4, symbol, then the two u64 counters.
        var offset = 8 + 4 + 4 + file.profile.name.utf8.count + 4 + names.reduce(0) { $0 + 4 + $1.utf8.count } + 4 + 4 + "BTCUSDT".utf8.count
        offset += 8 * counterIndex
        for k in 0..<8 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes[0..<(bytes.count - 8)] { hash ^= UInt64(b); hash &*= 0x0000_0100_0000_01B3 }
        for k in 0..<8 { bytes[bytes.count - 8 + k] = UInt8(truncatingIfNeeded: hash >> (8 * UInt64(k))) }
        return bytes
    }

    @Test("the undamaged file still decodes (the damage helper is right)")
    func undamagedRoundTrip() throws {
        let bytes = try Self.damagedFile(counterIndex: 0, value: 3)
        let model = try ModelFile(decoding: bytes, expectedFeatures: Self.names)
        #expect(model.entries.first?.modelVersion == 3)
        #expect(model.entries.first?.rowsScoredSinceTraining == 5)
    }

    /// Decodes the damaged file in the current process: must throw `.corrupt`, never trap.
    static func expectCorrupt(counterIndex: Int, value: UInt64) {
        let bytes: [UInt8]
        do { bytes = try damagedFile(counterIndex: counterIndex, value: value) } catch { fatalError("\(error)") }
        do throws(ModelError) {
            _ = try ModelFile(decoding: bytes)
            fatalError("decoded a model with an impossible counter")
        } catch {
            guard case .corrupt = error else { fatalError("unexpected error \(error)") }
        }
    }

    // Found by libFuzzer: `Int(UInt64)` trapped on these (Fuzz/regressions/ModelFile-int-overflow.bin).
    // Exit tests capture nothing, hence one test per case.
    @Test("a model version of 2^63 is an error, not a trap")
    func hugeModelVersion() async {
        await #expect(processExitsWith: .success) {
            ModelFileFuzzRegressionTests.expectCorrupt(counterIndex: 0, value: 1 << 63)
        }
    }

    @Test("a scored-row counter of 2^64-1 is an error, not a trap")
    func hugeRowCounter() async {
        await #expect(processExitsWith: .success) {
            ModelFileFuzzRegressionTests.expectCorrupt(counterIndex: 1, value: .max)
        }
    }
}
