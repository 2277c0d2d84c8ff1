/// The last id written per symbol: what makes duplicates droppable and gaps visible across
/// reconnects and rollovers. Lookup by the raw `s` bytes; the last hit is checked first, so the
/// single-symbol case never hashes.
package struct SymbolLedger: Sendable {
    package struct Entry: Sendable {
        package var symbol: String
        var bytes: [UInt8]
        package var lastID: Int64?
    }

    package private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]
    private var lastHit = 0

    package init() {}

    /// The slot of `symbol`, created on first sight.
    package mutating func slot(for symbol: UnsafeRawBufferPointer) -> Int {
        if lastHit < entries.count, entries[lastHit].bytes.elementsEqual(symbol) { return lastHit }
        let name = String(decoding: symbol, as: UTF8.self)
        if let i = index[name] { lastHit = i; return i }
        entries.append(Entry(symbol: name, bytes: Array(symbol), lastID: nil))
        index[name] = entries.count - 1
        lastHit = entries.count - 1
        return lastHit
    }

    package mutating func slot(for symbol: String) -> Int {
        var s = symbol
        return s.withUTF8 { slot(for: UnsafeRawBufferPointer($0)) }
    }

    package subscript(slot: Int) -> Entry { entries[slot] }

    package mutating func setLastID(_ id: Int64, slot: Int) { entries[slot].lastID = id }

    package func lastID(of symbol: String) -> Int64? { index[symbol].flatMap { entries[$0].lastID } }
}
