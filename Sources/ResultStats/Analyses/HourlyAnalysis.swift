/// `hourly`: windows, scored windows, anomalies and the anomaly rate (anomalies / scored) per
/// hour of the day, 0–23, over all days (pandas' `groupby(timestamp.dt.hour)`). The hour is UTC
/// for our files and the wall-clock hour as written for the original's.
package struct HourlyAnalysis: Sendable {
    package struct Hour: Sendable {
        package var hour: Int
        package var windows: Int
        package var scored: Int
        package var anomalies: Int
        package var anomalyRate: Double { scored > 0 ? Double(anomalies) / Double(scored) : .nan }
    }

    /// Only hours that have rows, ascending.
    package var hours: [Hour]
    package var timeBasis: TimeBasis

    /// One pass over `s`: 24 counters.
    package init<S: ResultRowSource>(_ s: S) throws(S.Failure) {
        var accumulator = Accumulator()
        try s.forEachRow { accumulator.add($0) }
        self = accumulator.finish(timeBasis: s.timeBasis)
    }

    /// The counters, fed one row at a time.
    package struct Accumulator {
        private var table = (0..<24).map { Hour(hour: $0, windows: 0, scored: 0, anomalies: 0) }
        package init() {}

        @inline(__always)
        package mutating func add(_ r: ResultRow) {
            var h = Int((r.timestamp / 3_600_000) % 24)
            if r.timestamp < 0 && r.timestamp % 3_600_000 != 0 { h -= 1 }
            if h < 0 { h += 24 }
            table[h].windows += 1
            if r.isScored {
                table[h].scored += 1
                if r.isAnomaly { table[h].anomalies += 1 }
            }
        }

        package func finish(timeBasis: TimeBasis) -> HourlyAnalysis {
            HourlyAnalysis(hours: table.filter { $0.windows > 0 }, timeBasis: timeBasis)
        }
    }

    init(hours: [Hour], timeBasis: TimeBasis) {
        self.hours = hours
        self.timeBasis = timeBasis
    }

    package var json: JSONValue {
        .object([
            ("time_basis", .string(timeBasis.rawValue)),
            ("hours", .array(hours.map { h in
                .object([
                    ("hour", .int(h.hour)), ("windows", .int(h.windows)), ("scored", .int(h.scored)),
                    ("anomalies", .int(h.anomalies)), ("anomaly_rate", .number(h.anomalyRate)),
                ])
            })),
        ])
    }

    package func text() -> String {
        let peak = hours.map(\.anomalyRate).filter(\.isFinite).max() ?? 0
        var table = TextTable([timeBasis == .utc ? "hour (UTC)" : "hour (local)", "windows", "scored", "anomalies", "rate", ""], leftAligned: [5])
        for h in hours {
            let bar = peak > 0 && h.anomalyRate.isFinite ? String(repeating: "█", count: Int((h.anomalyRate / peak * 30).rounded())) : ""
            table.add([String(format2: h.hour) + ":00", Format.count(h.windows), Format.count(h.scored), Format.count(h.anomalies), Format.percent(h.anomalyRate), bar])
        }
        return table.render()
    }
}

extension String {
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
}
