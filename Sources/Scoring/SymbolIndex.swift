/// Symbol bytes → collector index: an open-addressing hash table (FNV-1a, linear probing) that
/// looks a row's symbol up without making a String. With 2,000 symbols interleaved, a scan of
/// every collector per row would cost more than scoring the row.
struct SymbolIndex {
    /// Collector index + 1 per slot, 0 = empty; the size is a power of two, at most half full.
    private var slots = [Int32](repeating: 0, count: 64)
    private var count = 0

    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The index of the collector whose symbol is `bytes`, if any.
    func find(_ bytes: UnsafeRawBufferPointer, in collectors: [SymbolCollector]) -> Int? {
        let mask = slots.count - 1
        var i = Self.hash(bytes) & mask
        while slots[i] != 0 {
            let index = Int(slots[i]) - 1
            if collectors[index].symbolBytes.elementsEqual(bytes) { return index }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Adds a symbol not in the table yet.
    mutating func insert(_ bytes: UnsafeRawBufferPointer, index: Int) {
        if 2 * (count + 1) > slots.count { grow() }
        let entry = (hash: Self.hash(bytes), value: Int32(index + 1))
        place(entry.hash, entry.value)
        entries.append(entry)
        count += 1
    }

    /// Every inserted symbol's hash and slot value (to re-place them when the table grows).
    private var entries: [(hash: Int, value: Int32)] = []

    private mutating func place(_ hash: Int, _ value: Int32) {
        let mask = slots.count - 1
        var i = hash & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = value
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        for e in entries { place(e.hash, e.value) }
    }
}
