// Model-file loading (`bnc-score --model PATH`): the file may be truncated by a crash, damaged on
// disk, or not ours at all. The fuzzer's bytes get a correct FNV-1a checksum written over their
// last 8 bytes (otherwise nearly every input would stop at the checksum), so the structural
// decoder is exercised. Decoding must throw, never trap; whatever decodes must re-encode to a
// fixed point and score (and explain) any row without trapping.
//
// With BNC_FUZZ_WRITE_SEEDS=DIR set, the binary writes real model files (trained on small data
// with the library itself) into DIR and exits: scripts/fuzz.sh seeds the corpus that way.
import BNCCore
import AnomalyModel

private func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes { hash ^= UInt64(b); hash &*= 0x0000_0100_0000_01B3 }
    return hash
}

private func writeSeeds(to dir: String) {
    let names = ["trade_count", "volume", "avg_trade_size", "price_return", "price_volatility"]
    var rows: [Double] = []
    var state: UInt64 = 7
    for _ in 0..<40 * names.count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        rows.append(Double(state >> 11) / Double(1 << 53))
    }
    for (k, (trees, withBuffer)) in [(2, false), (3, true), (1, true)].enumerated() {
        let detector = try! rows.withUnsafeBufferPointer {
            try AnomalyDetector.train(rows: $0, rowCount: 40, featureNames: names,
                                      parameters: ModelParameters(treeCount: trees, maxSamples: .auto,
                                                                  contamination: k == 1 ? .auto : .fraction(0.05)),
                                      seed: UInt64(k))
        }
        let entry = ModelFile.Entry(symbol: "BTCUSDT", modelVersion: k + 1, rowsScoredSinceTraining: k,
                                    buffer: withBuffer ? Array(rows[0..<(3 * names.count)]) : [], detector: detector)
        let warmup = ModelFile.Entry(symbol: "ETHUSDT", modelVersion: 0, rowsScoredSinceTraining: 0,
                                     buffer: Array(rows[0..<(2 * names.count)]), detector: nil)
        let bytes = ModelFile(featureNames: names, entries: k == 2 ? [entry, warmup] : [entry]).encoded()
        writeFile("\(dir)/model-\(k)", bytes)
    }
    // The default profile's file (issue 14): a silence feature per model, one more scaler column.
    let bnc = try! rows.withUnsafeBufferPointer {
        try AnomalyDetector.train(rows: $0, rowCount: 40, featureNames: names,
                                  parameters: ModelParameters(treeCount: 2, profile: .bnc), seed: 9)
    }
    let entry = ModelFile.Entry(symbol: "BTCUSDT", modelVersion: 1, rowsScoredSinceTraining: 0, buffer: [], detector: bnc)
    writeFile("\(dir)/model-bnc", ModelFile(featureNames: names, entries: [entry], profile: .bnc).encoded())
}

private func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzModelFileInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutableRawPointer) -> CInt {
    if let dir = getenv("BNC_FUZZ_WRITE_SEEDS") {
        writeSeeds(to: String(cString: dir))
        exit(0)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes.count >= 28 {
        let sum = fnv1a(bytes[0..<(bytes.count - 8)])
        for k in 0..<8 { bytes[bytes.count - 8 + k] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(k))) }
    }
    do throws(ModelError) {
        let model = try ModelFile(decoding: bytes)
        let once = model.encoded()
        let twice = try ModelFile(decoding: once).encoded()
        precondition(once == twice, "model file encoding is not a fixed point")
        for entry in model.entries {
            precondition(entry.buffer.count % model.featureNames.count == 0)
            guard let detector = entry.detector else { continue }
            let row = [Double](repeating: 0.5, count: detector.featureCount)
            _ = row.withUnsafeBufferPointer { detector.score($0) }
            let big = [Double](repeating: 1e300, count: detector.featureCount)
            _ = big.withUnsafeBufferPointer { detector.score($0) }
            // The attribution behind the reason (issue 14): same walk, the leaves' tables.
            var attribution = Attribution(featureCount: detector.featureCount)
            let explained = row.withUnsafeBufferPointer { detector.explain($0, into: &attribution) }
            let plain = row.withUnsafeBufferPointer { detector.score($0) }
            precondition(explained.scoreSample.bitPattern == plain.scoreSample.bitPattern, "explain and score disagree")
            _ = attribution.reason(rank: Attribution.nameRank(detector.featureNames))
        }
    } catch {
        _ = error.description
    }
    return 0
}
