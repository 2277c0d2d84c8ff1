/// A fixed-capacity ring of the newest values (nil = no value, e.g. an unscored window): what
/// the live view keeps per symbol, so memory does not grow with the run.
package struct RingBuffer<Element: Sendable>: Sendable {
    package let capacity: Int
    private var storage: [Element] = []
    private var head = 0

    package init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(self.capacity)
    }

    package mutating func append(_ value: Element) {
        if storage.count < capacity { storage.append(value); return }
        storage[head] = value
        head = (head + 1) % capacity
    }

    package var count: Int { storage.count }

    /// The newest `n` values, oldest first.
    package func suffix(_ n: Int) -> [Element] {
        let ordered = storage.count < capacity ? storage : Array(storage[head...] + storage[..<head])
        return Array(ordered.suffix(n))
    }
}

/// Unicode block sparklines (▁▂▃▄▅▆▇█) scaled between the shown values' minimum and maximum.
package enum Sparkline {
    package static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value; a missing value is a space, a flat series the lowest block.
    package static func render(_ values: [Double?]) -> String {
        let present = values.compactMap { $0 }.filter(\.isFinite)
        guard let lo = present.min(), let hi = present.max() else { return String(repeating: " ", count: values.count) }
        let span = hi - lo
        return String(values.map { v -> Character in
            guard let v, v.isFinite else { return " " }
            guard span > 0 else { return blocks[0] }
            let level = Int(((v - lo) / span * Double(blocks.count - 1)).rounded())
            return blocks[min(blocks.count - 1, max(0, level))]
        })
    }
}
