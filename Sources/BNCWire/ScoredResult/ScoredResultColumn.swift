/// The columns of a scored result (DESIGN.md §3), in file order: the CSV header's names and the
/// NDJSON keys. The one place their spelling and order live: bnc-score's writer and bnc-stats'
/// readers both take them from here.
public enum ScoredResultColumn: String, CaseIterable, Sendable {
    // The original project's eight, in its order.
    case timestamp
    case tradeCount = "trade_count"
    case volume
    case averageTradeSize = "avg_trade_size"
    case `return`
    case volatility
    case score
    case prediction
    // Ours.
    case symbol
    case windowEnd = "window_end"
    case complete
    case modelVersion = "model_version"
    case anomalyScore = "anomaly_score"
    /// Added last (issue 14): the features that isolated the window (`ResultReason`); readers that
    /// go by position keep working, and files written before it (13 columns) are still read.
    case reason

    /// The original project's columns (`timestamp … prediction`), which its CSV has alone.
    public static let originalColumns = Array(allCases.prefix(8))

    /// The NDJSON-only key after `reason`: each model feature's share in isolating the window.
    public static let attributionKey = "attribution"

    /// The CSV header line of a bnc-score file, `\n` included.
    public static let csvHeader = allCases.map(\.name).joined(separator: ",") + "\n"

    /// The header bnc-score wrote before `reason` existed (thirteen columns, no `\n`): bnc-stats
    /// still reads such files; bnc-score does not append rows of fourteen columns under it.
    public static let csvHeaderWithoutReason = allCases.prefix(13).map(\.name).joined(separator: ",")

    /// The column as written in the header and as an NDJSON key.
    @inlinable public var name: String { rawValue }

    /// The column whose name is the bytes at `range` of `bytes` (an NDJSON key, unescaped), or
    /// nil. No allocation: lengths first, then bytes.
    public init?(key bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        let names = Self.nameBytes
        for index in names.indices where names[index].count == range.count {
            let name = names[index]
            var i = 0
            while i < name.count, bytes[range.lowerBound + i] == name[i] { i += 1 }
            if i == name.count {
                self = Self.allCases[index]
                return
            }
        }
        return nil
    }

    private static let nameBytes: [[UInt8]] = allCases.map { Array($0.name.utf8) }
}
