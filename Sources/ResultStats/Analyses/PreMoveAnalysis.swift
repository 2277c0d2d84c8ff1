import BNCCore

/// `premove`: do anomalies come before larger price moves? For each horizon, the future move of
/// row i is Σ|return| over rows i+1 … i+h (h = horizon / window size, rounded half-to-even as
/// Python's `round`, at least 1), computed exactly as pandas'
/// `abs(return).rolling(h).sum().shift(-h)` over the whole series in time order (warm-up rows
/// included, as they are real windows). Rows within h of the end have no full horizon and are
/// left out. Scored rows with a future move are grouped normal / vol_only / if_only / both by
/// the IF prediction and the volatility baseline (`BaselineAnalysis`), and each group is compared
/// with normal: mean future move, ratio to normal, two-sided Mann–Whitney U (`MannWhitneyU`).
package struct PreMoveAnalysis: Sendable {
    package enum Group: String, CaseIterable, Sendable {
        case normal, volOnly = "vol_only", ifOnly = "if_only", both
        var index: Int { switch self { case .normal: 0; case .volOnly: 1; case .ifOnly: 2; case .both: 3 } }
    }

    package struct GroupResult: Sendable {
        package var group: Group
        package var count: Int
        package var meanFutureMove: Double
        package var ratioToNormal: Double
        /// nil for normal itself and for an empty group.
        package var test: MannWhitneyU?
    }

    package struct HorizonResult: Sendable {
        package var horizon: DurationSpec
        package var windows: Int
        package var groups: [GroupResult]
        package func group(_ g: Group) -> GroupResult { groups.first { $0.group == g }! }
    }

    package var windowMilliseconds: Double
    package var threshold: Double
    package var horizons: [HorizonResult]

    package static let defaultHorizons: [DurationSpec] = ["1m", "5m", "15m", "30m"].map { DurationSpec($0)! }

    /// Windows a horizon spans for a window size.
    package static func windows(for horizon: DurationSpec, windowMilliseconds w: Double) -> Int {
        let h = (Double(horizon.milliseconds) / w).rounded(.toNearestOrEven)
        // Beyond any series length (a tiny inferred window): capped before it becomes an Int.
        guard h < 1e15 else { return 1_000_000_000_000_000 }
        return max(1, Int(h))
    }

    /// Future moves are kept as 9 bytes (the move and its group) per scored row and horizon;
    /// horizons are taken as many per pass as fit in this many bytes (the four defaults in one
    /// pass up to ~750 k scored rows, two passes at 1 M, one horizon per pass from ~3 M): with
    /// the process's ~28 MiB of code and read buffers, 1 M rows stay under 64 MiB.
    static let passBudget = 28 << 20

    /// Passes over `s`: the volatility threshold (unless given), then the horizons, as many per
    /// pass as `passBudget` allows. Per horizon: a ring of h + 1 rows and, reserved at the exact
    /// size the scored rows bound, the future moves with their groups; then the groups' means in
    /// row order (`StreamingPairwiseSum`, NumPy's bits), the moves partitioned by group and each
    /// group sorted in place for the Mann–Whitney ranks: nothing is copied.
    package init<S: ResultRowSource>(_ s: S, horizons: [DurationSpec], windowMilliseconds w: Double,
                                     threshold given: BaselineAnalysis.Threshold? = nil) throws(S.Failure) {
        windowMilliseconds = w
        let t: BaselineAnalysis.Threshold
        if let given { t = given } else { t = try BaselineAnalysis.Threshold(s) }
        let threshold = t.value
        self.threshold = threshold
        let perPass = max(1, Self.passBudget / max(1, 9 * t.scored))
        var results: [HorizonResult] = []
        var k = 0
        while k < horizons.count {
            let batch = Array(horizons[k..<min(k + perPass, horizons.count)])
            k += batch.count
            let windows = batch.map { PreMoveAnalysis.windows(for: $0, windowMilliseconds: w) }
            // A horizon at least as long as the series has no future moves: no ring for it.
            var sums = windows.map { ForwardRollingSum(window: $0 < t.rows ? $0 : 0) }
            var moves = [[Double]](repeating: [], count: batch.count)
            var groups = [[Int8]](repeating: [], count: batch.count)
            for b in batch.indices where sums[b].h > 0 {
                moves[b].reserveCapacity(t.scored); groups[b].reserveCapacity(t.scored)
            }
            try s.forEachRow { r in
                // -1: not scored (no group); else the group's index.
                var tag: Int8 = -1
                if r.isScored {
                    let a = r.isAnomaly, v = r.volatility > threshold
                    tag = Int8((a ? (v ? Group.both : .ifOnly) : (v ? .volOnly : .normal)).index)
                }
                let move = abs(r.ret)
                for b in sums.indices where sums[b].h > 0 {
                    if let (future, g) = sums[b].push(move, tag: tag), g >= 0, !future.isNaN {
                        moves[b].append(future); groups[b].append(g)
                    }
                }
            }
            for b in batch.indices {
                results.append(Self.compare(batch[b], windows[b], &moves[b], &groups[b]))
                moves[b] = []; groups[b] = []
            }
        }
        self.horizons = results
    }

    /// Means per group (NumPy's pairwise sums over the row order), then the moves partitioned by
    /// group in place, each group sorted in place, and each ranked against normal.
    private static func compare(_ horizon: DurationSpec, _ h: Int, _ moves: inout [Double], _ groups: inout [Int8]) -> HorizonResult {
        let groupCount = Group.allCases.count
        var counts = [Int](repeating: 0, count: groupCount)
        for g in groups { counts[Int(g)] += 1 }
        var sums = counts.map { StreamingPairwiseSum(count: $0) }
        for i in moves.indices { sums[Int(groups[i])].add(moves[i]) }
        let means = (0..<groupCount).map { counts[$0] > 0 ? sums[$0].result! / Double(counts[$0]) : Double.nan }
        // In-place partition by group (American flag sort's one pass): bucket g is
        // moves[starts[g] ..< starts[g] + counts[g]].
        var starts = [Int](repeating: 0, count: groupCount)
        for g in 1..<groupCount { starts[g] = starts[g - 1] + counts[g - 1] }
        var next = starts
        for g in 0..<groupCount {
            let end = starts[g] + counts[g]
            while next[g] < end {
                let i = next[g]
                let target = Int(groups[i])
                if target == g { next[g] += 1; continue }
                let j = next[target]
                moves.swapAt(i, j); groups.swapAt(i, j)
                next[target] += 1
            }
        }
        groups = []
        let results = moves.withUnsafeMutableBufferPointer { buffer -> [GroupResult] in
            let all = buffer
            let sample = { (g: Int) in UnsafeMutableBufferPointer(rebasing: all[starts[g] ..< starts[g] + counts[g]]) }
            for g in 0..<groupCount { InPlaceSort.sort(sample(g)) }
            let normal = UnsafeBufferPointer(sample(Group.normal.index))
            let normalMean = means[Group.normal.index]
            return Group.allCases.map { g -> GroupResult in
                let mean = means[g.index]
                return GroupResult(group: g, count: counts[g.index], meanFutureMove: mean, ratioToNormal: mean / normalMean,
                                   test: g == .normal ? nil : MannWhitneyU.test(sortedX: UnsafeBufferPointer(sample(g.index)), sortedY: normal))
            }
        }
        moves = []
        return HorizonResult(horizon: horizon, windows: h, groups: results)
    }

    package var json: JSONValue {
        .object([
            ("window_seconds", .number(windowMilliseconds / 1000)),
            ("volatility_threshold", .number(threshold)),
            ("horizons", .array(horizons.map { h in
                .object([
                    ("horizon", .string(h.horizon.description)),
                    ("horizon_seconds", .number(h.horizon.seconds)),
                    ("windows", .int(h.windows)),
                    ("groups", .array(h.groups.map { g in
                        .object([
                            ("group", .string(g.group.rawValue)),
                            ("count", .int(g.count)),
                            ("mean_future_move", .number(g.meanFutureMove)),
                            ("ratio_to_normal", .number(g.ratioToNormal)),
                            ("u_statistic", .number(g.test?.statistic)),
                            ("p_value", .number(g.test?.pValue)),
                            ("method", g.test.map { .string($0.method.rawValue) } ?? .null),
                        ])
                    })),
                ])
            })),
        ])
    }

    package func text() -> String {
        var out = "future move = Σ|return| over the next h windows (window \(Format.number(windowMilliseconds / 1000)) s); "
        out += "groups by IF prediction and volatility > \(Format.number(threshold))\n"
        out += "p: two-sided Mann–Whitney U of the group against normal (SciPy defaults)\n"
        for h in horizons {
            out += "\nhorizon \(h.horizon.description) (\(h.windows) windows)\n"
            var t = TextTable(["group", "windows", "mean move", "× normal", "U", "p", "method"])
            for g in h.groups {
                t.add([g.group.rawValue, Format.count(g.count), Format.number(g.meanFutureMove, 5),
                       g.group == .normal ? "1" : Format.number(g.ratioToNormal, 4),
                       g.test.map { Format.number($0.statistic, 10) } ?? "", g.test.map { Format.number($0.pValue, 3) } ?? "",
                       g.test?.method.rawValue ?? ""])
            }
            out += t.render()
        }
        return out
    }
}
