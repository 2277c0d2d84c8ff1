/// One metrics file's text in Prometheus' text exposition format (version 0.0.4), the format
/// node_exporter's textfile collector reads: for each family a `# HELP` and a `# TYPE` line, then
/// its samples `name{label="value",…} number`. The one writer of the format in the package, so the
/// escaping rules live in one place: in label values `\`, `"` and newline are escaped, in HELP
/// text `\` and newline; numbers are Go's `ParseFloat` spellings (`NaN`, `+Inf`, `-Inf`).
///
/// A family must be declared (`family`) before its samples, and each family at most once per
/// file: promtool and node_exporter refuse a file that repeats one.
package struct MetricsText: Sendable {
    package enum Kind: String, Sendable {
        case counter, gauge, summary, histogram, untyped
    }

    package private(set) var text = ""

    package init() {}

    /// The `# HELP` and `# TYPE` lines of the family `name`.
    package mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    /// One sample: `name{labels} value`.
    package mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (i, (key, labelValue)) in labels.enumerated() {
                if i > 0 { text += "," }
                text += key + "=\"" + Self.escapeLabelValue(labelValue) + "\""
            }
            text += "}"
        }
        text += " " + Self.number(value) + "\n"
    }

    /// A whole-number sample (counts, versions), written without a fraction.
    package mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Int64) {
        sample(name, labels, Double(exactly: value) ?? Double(value))
    }

    /// A family with one sample per item labelled `symbol`, the shape of every per-symbol
    /// counter and gauge the tools write; an item whose `value` is nil has no sample.
    package mutating func perSymbol<Item>(_ name: String, _ kind: Kind, _ help: String, _ items: [Item],
                                          symbol: (Item) -> String, _ value: (Item) -> Double?) {
        family(name, kind, help)
        for item in items { if let v = value(item) { sample(name, [("symbol", symbol(item))], v) } }
    }

    /// Epoch milliseconds as the seconds Prometheus timestamps are written in.
    package static func seconds(_ milliseconds: Int64) -> Double { Double(milliseconds) / 1000 }

    /// A family of one unlabelled sample, the common case for process-wide gauges.
    package mutating func single(_ name: String, _ kind: Kind, _ help: String, _ value: Double) {
        family(name, kind, help)
        sample(name, [], value)
    }

    /// A label value with `\`, `"` and line feeds escaped (the exposition format's three).
    package static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// HELP text with `\` and line feeds escaped (quotes stay as they are there).
    package static func escapeHelp(_ help: String) -> String {
        var out = ""
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A sample value: whole numbers up to 2^53 without a fraction (`42`), others in Swift's
    /// shortest round-trip form (`0.25`, `1.5e-07`), and `NaN`, `+Inf`, `-Inf`.
    package static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A label value that fits on one line of a status report and in a scrape: the first `limit`
    /// characters of `text` (a connection error from a hostile server can be long).
    package static func clipped(_ text: String, limit: Int = 200) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
