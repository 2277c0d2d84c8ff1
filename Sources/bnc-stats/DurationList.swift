import ArgumentParser
import BNCCore
import ResultStats

/// A comma-separated list of durations on the command line: `1m,5m,15m`.
struct DurationList: ExpressibleByArgument {
    var values: [DurationSpec]

    init(_ values: [DurationSpec]) { self.values = values }

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: true)
        var values: [DurationSpec] = []
        for p in parts {
            guard let d = DurationSpec(String(p)) else { return nil }
            values.append(d)
        }
        guard !values.isEmpty else { return nil }
        self.values = values
    }

    var defaultValueDescription: String { values.map(\.description).joined(separator: ",") }
}
