/// numpy's `percentile(values, q)` with its default `linear` method, bit for bit: sort, virtual
/// index `q/100 · (n − 1)`, and numpy's two-sided `_lerp` between the neighbours.
package enum Percentile {
    /// `q` in [0, 100]; `values` non-empty. Sorts a copy.
    package static func linear(_ values: [Double], _ q: Double) -> Double {
        precondition(!values.isEmpty)
        let sorted = values.sorted()
        let n = sorted.count
        let virtualIndex = (q / 100.0) * Double(n - 1)
        let below = Int(virtualIndex.rounded(.down))
        let lowerIndex = max(0, min(n - 1, below))
        let upperIndex = min(n - 1, lowerIndex + 1)
        let t = virtualIndex - Double(below)
        let a = sorted[lowerIndex], b = sorted[upperIndex]
        let diff = b - a
        // numpy: lerp = a + diff·t, but b − diff·(1 − t) when t ≥ 0.5 (exact at t = 1).
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
    }
}
