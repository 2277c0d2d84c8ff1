import BNCCore
import BNCWire

/// The inputs bnc-stats understands, told apart by their first line (DESIGN.md §3).
package enum ResultFormat: String, Sendable, Equatable, CaseIterable {
    /// bnc-score's CSV: the original's eight columns, then `symbol,window_end,complete,
    /// model_version,anomaly_score`; ISO 8601 UTC timestamps.
    case ourCSV = "bnc-csv"
    /// bnc-score's `--format ndjson`: one object per row with the CSV's column names as keys.
    case ourNDJSON = "bnc-ndjson"
    /// The original Python project's CSV: `timestamp,trade_count,volume,avg_trade_size,return,
    /// volatility,score,prediction`, local wall-clock timestamps `YYYY-MM-DD HH:MM:SS`.
    case originalCSV = "original-csv"
    /// The original's per-second trade counts (`event_time,trades_per_sec`), for `cv` only.
    case tradeRateCSV = "trade-rate-csv"

    /// Tells the format from a file's first non-empty line; nil when it is none of them.
    package static func detect(firstLine: UnsafeRawBufferPointer) -> ResultFormat? {
        var i = 0
        while i < firstLine.count, firstLine[i] == 0x20 || firstLine[i] == 0x09 || firstLine[i] == 0xEF
            || firstLine[i] == 0xBB || firstLine[i] == 0xBF { i += 1 }   // spaces, a UTF-8 BOM
        guard i < firstLine.count else { return nil }
        if firstLine[i] == UInt8(ascii: "{") { return .ourNDJSON }
        let header = CSVHeader(line: UnsafeRawBufferPointer(rebasing: firstLine[i...]))
        if header.index(of: "event_time") != nil && header.index(of: "trades_per_sec") != nil { return .tradeRateCSV }
        guard header.index(of: ScoredResultColumn.timestamp.name) != nil else { return nil }
        if header.index(of: ScoredResultColumn.symbol.name) != nil || header.index(of: ScoredResultColumn.windowEnd.name) != nil
            || header.index(of: ScoredResultColumn.modelVersion.name) != nil { return .ourCSV }
        return .originalCSV
    }
}

/// A CSV header: column names in order (quotes and surrounding spaces removed).
package struct CSVHeader: Sendable {
    package let names: [String]

    package init(line: UnsafeRawBufferPointer) {
        var names: [String] = []
        var start = 0
        for i in 0...line.count where i == line.count || line[i] == UInt8(ascii: ",") {
            var s = String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<i]), as: UTF8.self)
            s = s.trimming(" \t\"")
            names.append(s.lowercased())
            start = i + 1
        }
        self.names = names
    }

    package func index(of name: String) -> Int? { names.firstIndex(of: name) }
}
