import BNCCore

/// c(n), the average path length of an unsuccessful search in a binary search tree of n items
/// (Liu, Ting & Zhou 2008), exactly as scikit-learn's `_average_path_length` computes it:
/// c(n ≤ 1) = 0, c(2) = 1, otherwise 2·(ln(n − 1) + γ) − 2·(n − 1)/n.
/// It normalises path lengths (c(ψ)) and stands in for the unbuilt subtree below a leaf (c(leaf size)).
package enum AveragePathLength {
    package static let eulerGamma = 0.577_215_664_901_532_9

    package static func c(_ n: Int) -> Double {
        if n <= 1 { return 0 }
        if n == 2 { return 1 }
        let m = Double(n)
        return 2.0 * (log(m - 1.0) + eulerGamma) - 2.0 * (m - 1.0) / m
    }
}
