/// How `MarketFeed` spreads symbols over connections: as few connections as Binance's limit of
/// `perConnection` streams allows, the symbols in their given order, repeats (case-insensitive)
/// dropped, and the groups as even as possible (sizes differ by at most one), so no connection
/// sits at the limit while another is half empty.
package enum SymbolPartition {
    package static func groups(_ symbols: [String], perConnection: Int = StreamEndpoint.maxStreamsPerConnection) -> [[String]] {
        var seen = Set<String>()
        let unique = symbols.filter { seen.insert($0.lowercased()).inserted }
        guard !unique.isEmpty else { return [] }
        let per = max(1, perConnection)
        let count = (unique.count + per - 1) / per
        var groups: [[String]] = []
        var start = 0
        for i in 0..<count {
            let size = unique.count / count + (i < unique.count % count ? 1 : 0)
            groups.append(Array(unique[start..<(start + size)]))
            start += size
        }
        return groups
    }
}
