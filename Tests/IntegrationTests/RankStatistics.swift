import Foundation

/// Rank statistics for the parity checks (ties get average ranks).
enum RankStatistics {
    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = average }
            i = j + 1
        }
        return ranks
    }

    /// ROC-AUC of `scores` (higher = more anomalous) against labels (1 = anomaly), via Mann–Whitney U.
    static func rocAUC(scores: [Double], labels: [Int]) -> Double {
        let r = ranks(scores)
        let positives = labels.filter { $0 == 1 }.count
        let negatives = labels.count - positives
        var rankSum = 0.0
        for (i, l) in labels.enumerated() where l == 1 { rankSum += r[i] }
        return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }

    static func spearman(_ a: [Double], _ b: [Double]) -> Double { pearson(ranks(a), ranks(b)) }

    static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }

    /// Population standard deviation (numpy's default `std`).
    static func std(_ v: [Double]) -> Double {
        let m = mean(v)
        return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
    }

    /// Sample standard deviation (n − 1), for seed-to-seed spread.
    static func sampleStd(_ v: [Double]) -> Double {
        let m = mean(v)
        return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
    }
}
