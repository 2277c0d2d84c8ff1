import BNCCore

/// The live feed's state for the view's header, from the Prometheus text file the live tools
/// write (`DATA/metrics/bnc-stream.prom`: `bnc_stream_connected 1`,
/// `bnc_stream_last_trade_timestamp_seconds 1.7e9`, `bnc_stream_lag_seconds{quantile="0.5"} 0.3`).
/// Parsed minimally and forgivingly: `name{labels} value [timestamp]` lines, comments and
/// anything unreadable skipped; a file that is missing or old says so instead of failing.
package struct FeedMetrics: Sendable, Equatable {
    /// `name` or `name{labels as written}` → value.
    package var samples: [String: Double] = [:]
    /// When the file was last written (epoch ms).
    package var modified: Int64 = 0

    package init(samples: [String: Double] = [:], modified: Int64 = 0) {
        self.samples = samples
        self.modified = modified
    }

    package static func parse(_ text: Substring) -> [String: Double] {
        var out: [String: Double] = [:]
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(10_000) {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            guard !line.isEmpty, line.first != "#" else { continue }
            // The name, with its label block if any (labels may hold spaces inside quotes).
            var end = line.startIndex
            var inBraces = false, inQuotes = false
            while end < line.endIndex {
                let c = line[end]
                if inQuotes { if c == "\"" { inQuotes = false } else if c == "\\" { end = line.index(after: end); if end == line.endIndex { break } } }
                else if c == "\"" && inBraces { inQuotes = true }
                else if c == "{" { inBraces = true }
                else if c == "}" { inBraces = false }
                else if (c == " " || c == "\t") && !inBraces { break }
                end = line.index(after: end)
            }
            guard end < line.endIndex else { continue }
            let key = String(line[..<end]).replacingSpaces()
            let rest = line[end...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = rest.first else { continue }
            let value: Double?
            switch first {
            case "+Inf": value = .infinity
            case "-Inf": value = -.infinity
            case "NaN": value = .nan
            default: value = Double(first)
            }
            if let value { out[key] = value }
        }
        return out
    }

    /// Reads `DIR/bnc-stream.prom`; nil when it is not there (or larger than 1 MiB).
    package static func load(directory: String) -> FeedMetrics? {
        let path = directory + "/bnc-stream.prom"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size <= 1 << 20 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n <= 0 { break }
            got += n
        }
        let text = String(decoding: bytes[0..<got], as: UTF8.self)
        let modified = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
        return FeedMetrics(samples: parse(text[...]), modified: modified)
    }

    /// A sample by name and, optionally, its quantile label.
    package func value(_ name: String, quantile: String? = nil) -> Double? {
        if let quantile {
            return samples["\(name){quantile=\"\(quantile)\"}"]
                ?? samples.first { $0.key.hasPrefix(name + "{") && $0.key.contains("quantile=\"\(quantile)\"") }?.value
        }
        return samples[name]
    }

    /// `feed: connected · last trade 0.8 s ago · lag p50 0.31 s p99 1.2 s` for the header.
    package func summary(now: Int64) -> String {
        var parts: [String] = []
        switch value("bnc_stream_connected") {
        case 1?: parts.append("connected")
        case 0?: parts.append("DISCONNECTED")
        default: parts.append("state unknown")
        }
        if let last = value("bnc_stream_last_trade_timestamp_seconds"), last > 0 {
            let age = Double(now) / 1000 - last
            parts.append("last trade \(NumberText.fixed(max(0, age), 1)) s ago")
        }
        var lag: [String] = []
        if let p50 = value("bnc_stream_lag_seconds", quantile: "0.5") { lag.append("p50 \(NumberText.short(p50)) s") }
        if let p99 = value("bnc_stream_lag_seconds", quantile: "0.99") { lag.append("p99 \(NumberText.short(p99)) s") }
        if !lag.isEmpty { parts.append("lag " + lag.joined(separator: " ")) }
        let age = (now - modified) / 1000
        if age > 30 { parts.append("metrics \(age) s old") }
        return "feed: " + parts.joined(separator: " · ")
    }
}

private extension String {
    /// Label blocks compared without the spaces some writers put after commas.
    func replacingSpaces() -> String { String(filter { $0 != " " }) }
}
