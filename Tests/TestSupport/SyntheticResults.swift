import Foundation

/// Deterministic result files (DESIGN.md §3 CSV) for the bnc-stats tests of both tiers.
package enum SyntheticResults {
    package typealias Row = (score: Double?, ret: Double, vol: Double)

    /// Our CSV rows from (score, return, volatility) tuples, 20 s apart; the prediction follows the score's sign.
    package static func csv(_ rows: [Row], symbol: String = "BTCUSDT", start: Int = 1_772_294_400) -> String {
        var s = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"
        for (k, r) in rows.enumerated() {
            let t = start + 20 * k
            let iso = { (sec: Int) -> String in
                let d = Date(timeIntervalSince1970: TimeInterval(sec))
                let f = ISO8601DateFormatter()
                f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                return f.string(from: d)
            }
            let count = 100 + (k * 37) % 900
            let volume = Double(count) * 0.0021 + Double(k % 7) * 0.013
            let scoreText = r.score.map { "\($0)" } ?? ""
            let prediction = r.score.map { $0 < 0 ? "-1" : "1" } ?? ""
            s += "\(iso(t)),\(count),\(volume),\(volume / Double(count)),\(r.ret),\(r.vol),\(scoreText),\(prediction),\(symbol),\(iso(t + 20)),true,\(r.score == nil ? 0 : 1),\n"
        }
        return s
    }

    /// A deterministic pseudo-random stream (no Foundation randomness: same rows every run).
    struct Rand {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// `n` rows; every `anomalyEvery`th scored row is an anomaly, the first `warmup` are unscored,
    /// `quantized` returns take few distinct values (ties in Mann–Whitney).
    package static func series(_ n: Int, anomalyEvery: Int?, warmup: Int = 0, quantized: Bool = false, seed: UInt64 = 7) -> [Row] {
        var r = Rand(state: seed)
        return (0..<n).map { k in
            var ret = (r.next() - 0.5) * 0.002
            if quantized { ret = (ret * 10_000).rounded() / 10_000 }
            let vol = r.next() * 10 + (k % 17 == 0 ? 40 : 0)
            if k < warmup { return (nil, ret, vol) }
            var score = 0.05 + r.next() * 0.2
            if let every = anomalyEvery, k % every == 0 { score = -0.01 - r.next() * 0.1 }
            return (score, ret, vol)
        }
    }
}
