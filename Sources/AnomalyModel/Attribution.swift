/// Why one window scored as it did: each model feature's share in isolating it, and on which side
/// of the training data it lies (docs/model.md, *Attribution*).
///
/// The shares are path-based: along the path of the window through every tree, each split is
/// credited to its feature with log₂(rows in the node / rows in the branch the window takes) —
/// the bits of isolation that split achieved. A split that cuts the window off from most of the
/// training rows earns a lot, one that keeps it with the crowd earns almost nothing. Per tree the
/// credits add up to log₂(ψ / rows in the leaf reached); the shares are each feature's credits
/// over all trees divided by the total, so they add up to exactly 1 (all 0 in the degenerate case
/// of a forest whose trees never split). The direction of a feature is the sign of the same
/// credits counted + when the window went right (above the threshold) and − when it went left.
///
/// A reused value: `AnomalyDetector.explain` fills it without allocating.
package struct Attribution: Sendable, Equatable {
    /// Bits of isolation per feature (model feature order).
    package var bits: [Double]
    /// The same bits, + above the split's threshold, − at or below it.
    package var lean: [Double]

    package init(featureCount: Int) {
        bits = [Double](repeating: 0, count: featureCount)
        lean = [Double](repeating: 0, count: featureCount)
    }

    package var featureCount: Int { bits.count }

    /// Σ bits: what the shares are fractions of.
    package var total: Double {
        var sum = 0.0
        for b in bits { sum += b }
        return sum
    }

    /// Feature `f`'s share in isolating the window, in [0, 1]; the shares add up to 1 (0 when no
    /// tree split at all).
    package func share(_ f: Int) -> Double {
        let t = total
        return t > 0 ? bits[f] / t : 0
    }

    /// All shares, in feature order.
    package var shares: [Double] {
        let t = total
        return bits.map { t > 0 ? $0 / t : 0 }
    }

    /// Whether the window lies above the training data in feature `f` (↑) rather than below (↓).
    package func isAbove(_ f: Int) -> Bool { lean[f] > 0 }

    /// The reason, at most three features, the largest share first: the leading feature always
    /// (when any tree split), then the next ones whose share is at least an even split (1/F).
    /// Equal shares are ordered by `rank` (each feature's position in the features sorted by
    /// name), so the reason does not depend on the order the features were given in.
    ///
    /// One pass keeps the three leading features (a row of a batch asks for its reason, so this
    /// runs per written row): the order — more bits first, then the lower rank — is total over
    /// the features with bits > 0 (ranks differ; equal ones keep the earlier feature first), so
    /// its first three are those that picking the leader again and again would pick.
    package func reason(rank: [Int]) -> ReasonFeatures {
        let t = total
        return bits.withUnsafeBufferPointer { bits in
            rank.withUnsafeBufferPointer { rank in
                var picked = ReasonFeatures()
                guard t > 0 else { return picked }
                let f = bits.count
                @inline(__always) func ahead(_ i: Int, of j: Int) -> Bool {
                    j < 0 || bits[i] > bits[j] || (bits[i] == bits[j] && rank[i] < rank[j])
                }
                var first = -1, second = -1, third = -1
                for i in 0..<f where bits[i] > 0 {
                    if ahead(i, of: first) {
                        (first, second, third) = (i, first, second)
                    } else if ahead(i, of: second) {
                        (second, third) = (i, second)
                    } else if ahead(i, of: third) {
                        third = i
                    }
                }
                guard first >= 0 else { return picked }
                picked.append(first)
                // The next ones only while at least an even split (1/F).
                if second >= 0, !(bits[second] * Double(f) < t) {
                    picked.append(second)
                    if third >= 0, !(bits[third] * Double(f) < t) { picked.append(third) }
                }
                return picked
            }
        }
    }

    /// Each feature's position when the names are sorted (the tie-break of `reason`).
    package static func nameRank(_ names: [String]) -> [Int] {
        var rank = [Int](repeating: 0, count: names.count)
        for (position, index) in names.indices.sorted(by: { names[$0] < names[$1] }).enumerated() { rank[index] = position }
        return rank
    }
}

/// Up to three feature indices, most important first, held without allocation.
package struct ReasonFeatures: Sendable {
    package static let capacity = 3
    package private(set) var count = 0
    private var items: (Int, Int, Int) = (-1, -1, -1)

    package init() {}

    package subscript(_ i: Int) -> Int {
        switch i {
        case 0: return items.0
        case 1: return items.1
        default: return items.2
        }
    }

    package func contains(_ feature: Int) -> Bool {
        (count > 0 && items.0 == feature) || (count > 1 && items.1 == feature) || (count > 2 && items.2 == feature)
    }

    mutating func append(_ feature: Int) {
        switch count {
        case 0: items.0 = feature
        case 1: items.1 = feature
        default: items.2 = feature
        }
        count += 1
    }

    package var indices: [Int] { (0..<count).map { self[$0] } }
}
