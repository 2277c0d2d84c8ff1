/// The `reason` of a scored result (formats.md §3): up to three items, most important first, each
/// a feature name followed by `↑` (above the training data) or `↓` (below), joined by `;`, e.g.
/// `price_volatility↑;volume↑`. Empty while the row is unscored. The one writer and the one
/// reader of that form: bnc-score writes it, bnc-stats reads it back.
public enum ResultReason {
    /// At most this many items.
    public static let maxItems = 3
    public static let up: [UInt8] = Array("↑".utf8)
    public static let down: [UInt8] = Array("↓".utf8)
    public static let separator = UInt8(ascii: ";")
    /// Longest reason a reader accepts (three 64-byte names with arrows and separators, with room).
    public static let maxLength = 256

    /// One item: the feature and its direction.
    public struct Item: Sendable, Equatable {
        public var feature: String
        public var above: Bool
        public init(feature: String, above: Bool) {
            self.feature = feature
            self.above = above
        }
        public var text: String { feature + (above ? "↑" : "↓") }
    }

    /// Appends item number `index` (0 first) to `bytes`: the separator before all but the first.
    @inlinable
    public static func append(feature: [UInt8], above: Bool, index: Int, to bytes: inout [UInt8]) {
        feature.withUnsafeBufferPointer { append(feature: $0, above: above, index: index, to: &bytes) }
    }

    /// As above, the name lent as bytes (the per-row path: no array retained per item).
    @inlinable
    public static func append(feature: UnsafeBufferPointer<UInt8>, above: Bool, index: Int, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(byteCount: itemBound(nameLength: feature.count), alignment: 1) { item in
            let n = write(feature: UnsafeRawBufferPointer(feature), above: above, index: index, at: item.baseAddress!)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: item[0..<n]))
        }
    }

    /// Most bytes `write(feature:above:index:at:)` stores for a name of `nameLength` bytes:
    /// separator, name, three-byte arrow.
    @inlinable
    public static func itemBound(nameLength: Int) -> Int { nameLength + 4 }

    /// Item number `index` stored at `p`, where the caller has reserved `itemBound(nameLength:)`
    /// bytes (the result formatter writes a row through a cursor, not an array): the one spelling
    /// of an item, which `append` uses too. Returns the bytes stored.
    @inlinable
    public static func write(feature: UnsafeRawBufferPointer, above: Bool, index: Int, at p: UnsafeMutableRawPointer) -> Int {
        var n = 0
        if index > 0 { p.storeBytes(of: separator, as: UInt8.self); n = 1 }
        if let name = feature.baseAddress { (p + n).copyMemory(from: name, byteCount: feature.count) }
        n += feature.count
        // `↑` U+2191 and `↓` U+2193 in UTF-8 (what `up` and `down` hold), without touching those arrays.
        p.storeBytes(of: 0xE2, toByteOffset: n, as: UInt8.self)
        p.storeBytes(of: 0x86, toByteOffset: n + 1, as: UInt8.self)
        p.storeBytes(of: above ? 0x91 : 0x93, toByteOffset: n + 2, as: UInt8.self)
        return n + 3
    }

    /// The text of `items`, as the writer spells it.
    public static func text(_ items: [Item]) -> String {
        items.map(\.text).joined(separator: ";")
    }

    /// `row` (one CSV row of our layout, `\n` included) without its last column, `reason`: the
    /// row as bnc-score wrote it before that column existed, for appending to such a file. The
    /// reason never holds a comma, so its field is what follows the row's last comma.
    public static func droppingReasonColumn(_ row: [UInt8]) -> [UInt8] {
        var end = row.count
        if end > 0, row[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        guard let comma = row[..<end].lastIndex(of: UInt8(ascii: ",")) else { return row }
        return Array(row[..<comma]) + row[end...]
    }

    /// Parses a reason; nil when it is not one (more than three items, an item without its arrow,
    /// an empty or malformed name, too long). An empty text is a valid reason of no items.
    public static func parse(_ text: Substring) -> [Item]? {
        guard text.utf8.count <= maxLength else { return nil }
        if text.isEmpty { return [] }
        var items: [Item] = []
        for part in text.split(separator: ";", omittingEmptySubsequences: false) {
            guard items.count < maxItems, let last = part.last, last == "↑" || last == "↓" else { return nil }
            let name = part.dropLast()
            guard !name.isEmpty, name.utf8.allSatisfy({ isNameByte($0) }) else { return nil }
            items.append(Item(feature: String(name), above: last == "↑"))
        }
        return items
    }

    /// The leading feature's name (the text before the first arrow), or nil for an empty or
    /// malformed reason.
    public static func leadingFeature(_ text: Substring) -> Substring? {
        guard let items = parse(text), let first = items.first else { return nil }
        return Substring(first.feature)
    }

    /// Feature names are window-row keys or the profile's derived names: ASCII letters, digits, `_`.
    @inlinable
    public static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }
}
