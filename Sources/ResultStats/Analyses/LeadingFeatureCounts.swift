import BNCWire

/// Anomalies counted by the leading feature of their `reason` (formats.md §3): which feature
/// most often isolated the flagged windows. Fed one row at a time and bounded (at most
/// `maxFeatures` names; later ones count under `other`), so it fits a streaming pass as well as
/// a loop over a loaded series.
package struct LeadingFeatureCounts: Sendable, Equatable {
    /// Distinct leading features kept by name; a model has at most 64 features.
    package static let maxFeatures = 256
    package static let otherName = "other"

    private var index: [String: Int] = [:]
    private var names: [String] = []
    private var counts: [Int] = []
    /// Anomalies whose row has no reason (a file written before the column, the original's CSV).
    package private(set) var withoutReason = 0
    package private(set) var anomalies = 0

    package init() {}

    /// Counts one row; only anomalies (`prediction` −1) count.
    package mutating func add(isAnomaly: Bool, reason: String?) {
        guard isAnomaly else { return }
        add(anomalies: 1, reason: reason)
    }

    /// Counts `n` anomalies with the same reason (a streaming pass counts by reason first).
    package mutating func add(anomalies n: Int, reason: String?) {
        anomalies += n
        guard let reason, let leading = ResultReason.leadingFeature(Substring(reason)) else { withoutReason += n; return }
        let name = String(leading)
        if let i = index[name] { counts[i] += n; return }
        let key = names.count < Self.maxFeatures ? name : Self.otherName
        if let i = index[key] { counts[i] += n; return }
        index[key] = names.count
        names.append(key)
        counts.append(n)
    }

    /// Whether any anomaly carried a reason (files without the column show no table).
    package var hasReasons: Bool { anomalies > withoutReason }

    /// Leading features by count, largest first (equal counts by name).
    package var sorted: [(feature: String, count: Int)] {
        names.indices.map { (names[$0], counts[$0]) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }
}
