/// A plain-text table for the human-readable output: a header row, right-aligned numbers,
/// left-aligned text, two spaces between columns.
package struct TextTable: Sendable {
    package var header: [String]
    package var rows: [[String]] = []
    /// Columns that hold text (left-aligned); the rest are right-aligned.
    package var leftAligned: Set<Int> = [0]

    package init(_ header: [String], leftAligned: Set<Int> = [0]) {
        self.header = header
        self.leftAligned = leftAligned
    }

    package mutating func add(_ row: [String]) { rows.append(row) }

    package func render(indent: String = "  ") -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (k, cell) in row.enumerated() where k < widths.count { widths[k] = max(widths[k], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (k, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[k] - cell.count))
                parts.append(leftAligned.contains(k) ? cell + pad : pad + cell)
            }
            var s = indent + parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s
        }
        var out = line(header) + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}

/// Number formatting for the text output (the JSON carries full precision).
package enum Format {
    /// `%.{digits}g`-like: significant digits, no trailing zeros, `—` for NaN.
    package static func number(_ v: Double, _ digits: Int = 6) -> String {
        guard v.isFinite else { return v.isNaN ? "—" : (v > 0 ? "inf" : "-inf") }
        return cFormat("%.\(digits)g", v)
    }

    /// Fixed decimals.
    package static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "—" }
        return cFormat("%.\(decimals)f", v)
    }

    /// A percentage with two decimals.
    package static func percent(_ v: Double) -> String {
        guard v.isFinite else { return "—" }
        return cFormat("%.2f", v * 100) + " %"
    }

    /// Thousands separators for counts: 12,345.
    package static func count(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (k, c) in s.enumerated() {
            if k > 0 && (s.count - k) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func cFormat(_ format: String, _ v: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf in
            let n = format.withCString { snprintf(ptr: buf.baseAddress!, 64, $0, v) }
            return String(decoding: UnsafeRawBufferPointer(start: buf.baseAddress!, count: Int(min(n, 63))), as: UTF8.self)
        }
    }

    /// An epoch-ms timestamp as the input wrote it: ISO 8601 UTC, or the original's wall clock.
    package static func timestamp(_ ms: Int64, _ basis: TimeBasis) -> String {
        let t = UTCTime(epochMilliseconds: ms)
        switch basis {
        case .utc: return t.iso8601
        case .naiveLocal:
            let iso = t.iso8601
            return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
        }
    }
}

import BNCCore
private func snprintf(ptr: UnsafeMutablePointer<CChar>, _ size: Int, _ format: UnsafePointer<CChar>, _ value: Double) -> Int32 {
    withVaList([value]) { vsnprintf(ptr, size, format, $0) }
}
