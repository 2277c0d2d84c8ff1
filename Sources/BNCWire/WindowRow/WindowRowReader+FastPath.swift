import BNCCore

/// `WindowRowReader`'s fast path: most rows come from bnc-window (or one pipeline) and have the
/// same keys in the same order, without whitespace, escapes or nested values. For those, one pass
/// over the bytes checks the JSON, predicts each key from the previous row's order (one word
/// compare instead of a search), and reads each number once (`DecimalParser.leadingDouble` finds
/// its end while parsing it), instead of `JSONObjectScanner` finding the ranges and the key
/// table and `DecimalParser` reading them again.
///
/// It only ever accepts: whenever a row is anything but plain and valid (an escape, an object or
/// array value, a number or type the general path would refuse, a missing key, a window time out
/// of order, malformed JSON), it returns false and the line goes to `parseGeneral`, which fills
/// `row` again from scratch and owns every error. What it accepts it fills exactly as
/// `parseGeneral` does (duplicate keys: the last one wins; `null` features make the row unusable).
extension WindowRowReader {
    /// The keys the fast path knows, flat and trivially copyable: the reader's own (the four
    /// fixed ones, the five columns, the features; a feature that is also a column is one key),
    /// then other keys met in rows (bnc-window's `open`, `high`, …), up to `maxKeys`, so that a
    /// row's ignored keys are predicted too.
    struct FastKeys {
        enum Action: UInt8 { case end, start, symbol, complete, number, ignore }

        struct Key {
            var length: Int
            /// First word of the name in `words`, how many, which bytes of the last one count.
            var word: Int
            var wordCount = 0
            var lastMask: UInt64 = 0
            var action: Action
            /// Result column (0…4) or −1.
            var column: Int
            /// Feature index or −1.
            var feature: Int
            /// The key's rule as a column and as a feature (the same rule when it is both).
            var columnRule: WindowRowLimits.Rule
            var featureRule: WindowRowLimits.Rule
        }

        static let maxKeys = 64
        /// False when the feature names are unusual (a repeated name, one that is also a fixed
        /// key, one with a quote or backslash, over 64 features): every row takes the general path.
        let enabled: Bool
        var keys: [Key] = []
        /// Key names, little-endian words, each name zero-padded to whole words.
        var words: [UInt64] = []
        /// Key indices of the last row's members, in order (−1: a key not kept).
        var order: [Int] = []
        /// One bit per feature.
        let allFeatures: UInt64

        init(featureNames: [String], fixedKeys: [String], columnKeys: [String]) {
            let n = featureNames.count
            enabled = n <= 64 && Set(featureNames).count == n
                && featureNames.allSatisfy { name in
                    !fixedKeys.contains(name) && !name.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 })
                }
            allFeatures = n == 64 ? ~0 : (UInt64(1) << UInt64(n)) - 1
            let any = WindowRowLimits.rule(for: "")
            let actions: [Action] = [.end, .start, .symbol, .complete]
            for (k, name) in fixedKeys.enumerated() {
                add(name.utf8, Key(length: 0, word: 0, action: actions[k], column: -1, feature: -1, columnRule: any, featureRule: any))
            }
            for (c, name) in columnKeys.enumerated() {
                let rule = WindowRowLimits.rule(for: name)
                add(name.utf8, Key(length: 0, word: 0, action: .number, column: c, feature: featureNames.firstIndex(of: name) ?? -1,
                              columnRule: rule, featureRule: rule))
            }
            for (f, name) in featureNames.enumerated() where !columnKeys.contains(name) {
                add(name.utf8, Key(length: 0, word: 0, action: .number, column: -1, feature: f,
                              columnRule: any, featureRule: WindowRowLimits.rule(for: name)))
            }
        }

        mutating func add(_ name: some Collection<UInt8>, _ key: Key) {
            var key = key
            key.length = name.count
            key.word = words.count
            key.wordCount = max(1, (key.length + 7) / 8)
            let tail = key.length - 8 * (key.wordCount - 1)
            key.lastMask = tail == 8 ? ~0 : (UInt64(1) << UInt64(8 * tail)) &- 1
            var word: UInt64 = 0, shift: UInt64 = 0
            for b in name {
                word |= UInt64(b) << shift
                shift += 8
                if shift == 64 { words.append(word); word = 0; shift = 0 }
            }
            if shift > 0 || name.isEmpty { words.append(word) }
            keys.append(key)
        }

        /// True when the bytes at `i` are key `k`'s name followed by `"`: whole words compared
        /// (the last one masked) when the line has room to load them, else byte by byte.
        @inline(__always)
        func matches(_ k: Int, _ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Bool {
            let key = keys[k]
            let length = key.length
            guard i + length < n, p[i + length] == UInt8(ascii: "\"") else { return false }
            let last = key.wordCount - 1
            if i + 8 * key.wordCount <= n {
                var w = 0
                while w < last {
                    if UnsafeRawPointer(p + i + 8 * w).loadUnaligned(as: UInt64.self) != words[key.word + w] { return false }
                    w += 1
                }
                return UnsafeRawPointer(p + i + 8 * last).loadUnaligned(as: UInt64.self) & key.lastMask == words[key.word + last]
            }
            for b in 0..<length where p[i + b] != UInt8(truncatingIfNeeded: words[key.word + b / 8] >> UInt64(8 * (b % 8))) {
                return false
            }
            return true
        }

        /// The key whose name is `p[range]` (no escapes in it), adding it as ignored while there
        /// is room; −1 when unknown and not added.
        mutating func lookup(_ p: UnsafePointer<UInt8>, _ range: Range<Int>, _ n: Int) -> Int {
            for k in keys.indices where keys[k].length == range.count && matches(k, p, range.lowerBound, n) { return k }
            guard keys.count < Self.maxKeys else { return -1 }
            let any = WindowRowLimits.rule(for: "")
            add(UnsafeBufferPointer(start: p + range.lowerBound, count: range.count),
                Key(length: 0, word: 0, action: .ignore, column: -1, feature: -1, columnRule: any, featureRule: any))
            return keys.count - 1
        }
    }

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool { b <= 0x20 && (b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09) }

    /// The fast path (see above): true when `row` now holds the row, false when the line must
    /// go to `parseGeneral`.
    mutating func fastParse(_ line: UnsafeRawBufferPointer, into row: inout Fields) -> Bool {
        guard fast.enabled, line.baseAddress != nil else { return false }
        // The features are written through a pointer (one uniqueness check a row instead of one
        // a number): the array leaves `row` for the scan (a move, no copy) and comes back after.
        var features: [Double] = []
        swap(&features, &row.features)
        defer { swap(&features, &row.features) }
        return features.withUnsafeMutableBufferPointer { features in
            fastScan(line, into: &row, features: features)
        }
    }

    /// `fastParse` with `row.features` lent as `features`.
    @inline(__always)
    private mutating func fastScan(_ line: UnsafeRawBufferPointer, into row: inout Fields,
                                   features: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard let base = line.baseAddress else { return false }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = line.count
        var i = 0
        while i < n, Self.isSpace(p[i]) { i += 1 }
        guard i < n, p[i] == UInt8(ascii: "{") else { return false }
        i += 1
        row.columns = (.nan, .nan, .nan, .nan, .nan)
        row.featuresUsable = true
        var have: UInt8 = 0          // end, start, symbol, complete
        var seen: UInt64 = 0
        var member = 0
        while true {
            while i < n, Self.isSpace(p[i]) { i += 1 }
            guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            // The key: the one at this place in the last row, or looked up (and remembered).
            var k: Int
            if member < fast.order.count, fast.order[member] >= 0, fast.matches(fast.order[member], p, i, n) {
                k = fast.order[member]
                i += fast.keys[k].length + 1
            } else {
                let keyStart = i
                while i < n {
                    let b = p[i]
                    if b == UInt8(ascii: "\"") { break }
                    if b == UInt8(ascii: "\\") || b < 0x20 { return false }
                    i += 1
                }
                guard i < n else { return false }
                k = fast.lookup(p, keyStart..<i, n)
                i += 1
                if member < fast.order.count { fast.order[member] = k } else { fast.order.append(k) }
            }
            member += 1
            while i < n, Self.isSpace(p[i]) { i += 1 }
            guard i < n, p[i] == UInt8(ascii: ":") else { return false }
            i += 1
            while i < n, Self.isSpace(p[i]) { i += 1 }
            guard i < n else { return false }
            let action = k >= 0 ? fast.keys[k].action : .ignore
            switch action {
            case .end, .start:
                // Plain digits, no sign, no leading zero, at most 18 (no overflow); `1.5`, `1e3`
                // and the rest go to the general path, which refuses them.
                var value: Int64 = 0
                if p[i] == UInt8(ascii: "0") {
                    i += 1
                } else {
                    guard let (next, digits) = DigitBlocks.scanDigits(p, i, n), next > i, next - i <= 18 else { return false }
                    value = Int64(digits)
                    i = next
                }
                if action == .end { row.end = value; have |= 1 } else { row.start = value; have |= 2 }
            case .symbol:
                guard p[i] == UInt8(ascii: "\"") else { return false }
                i += 1
                let symbolStart = i
                while i < n {
                    let b = p[i]
                    if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { break }
                    i += 1
                }
                guard i < n, p[i] == UInt8(ascii: "\""), i > symbolStart, i - symbolStart <= WireLimits.maxSymbolLength else { return false }
                row.symbolRange = symbolStart..<i
                i += 1
                have |= 4
            case .complete:
                if i + 4 <= n, p[i] == UInt8(ascii: "t"), p[i + 1] == UInt8(ascii: "r"), p[i + 2] == UInt8(ascii: "u"), p[i + 3] == UInt8(ascii: "e") {
                    row.complete = true
                    i += 4
                } else if i + 5 <= n, p[i] == UInt8(ascii: "f"), p[i + 1] == UInt8(ascii: "a"), p[i + 2] == UInt8(ascii: "l"),
                          p[i + 3] == UInt8(ascii: "s"), p[i + 4] == UInt8(ascii: "e") {
                    row.complete = false
                    i += 5
                } else {
                    return false
                }
                have |= 8
            case .number:
                let key = fast.keys[k]
                if p[i] == UInt8(ascii: "n") {
                    guard i + 4 <= n, p[i + 1] == UInt8(ascii: "u"), p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "l") else { return false }
                    i += 4
                    if key.column >= 0 { row.setColumn(key.column, .nan) }
                    if key.feature >= 0 {
                        row.featuresUsable = false
                        seen |= UInt64(1) << UInt64(key.feature)
                    }
                    break
                }
                // JSON forbids a leading zero before more digits; leadingDouble would take it.
                let digit = p[i] == UInt8(ascii: "-") ? i + 1 : i
                if digit + 1 < n, p[digit] == UInt8(ascii: "0"), p[digit + 1] &- UInt8(ascii: "0") < 10 { return false }
                guard let (value, next) = DecimalParser.leadingDouble(p, i, n, line) else { return false }
                i = next
                if key.column >= 0 {
                    guard key.columnRule.allows(value) else { return false }
                    row.setColumn(key.column, value)
                }
                if key.feature >= 0 {
                    // A column that is also a feature has one rule for both: checked once above.
                    guard key.column >= 0 || key.featureRule.allows(value) else { return false }
                    features[key.feature] = value
                    seen |= UInt64(1) << UInt64(key.feature)
                }
            case .ignore:
                guard Self.skipPlainValue(p, &i, n) else { return false }
            }
            while i < n, Self.isSpace(p[i]) { i += 1 }
            guard i < n else { return false }
            let b = p[i]
            i += 1
            if b == UInt8(ascii: ",") { continue }
            guard b == UInt8(ascii: "}") else { return false }
            break
        }
        while i < n, Self.isSpace(p[i]) { i += 1 }
        guard i == n else { return false }
        if member < fast.order.count { fast.order.removeLast(fast.order.count - member) }
        guard have == 15, seen == fast.allFeatures,
              row.start < row.end, row.end <= WindowRowLimits.latestTime else { return false }
        return true
    }

    /// Steps over an ignored key's value when it is a string without escapes, a number, `true`,
    /// `false` or `null`, checking it as `JSONObjectScanner` does; false for anything else.
    @inline(__always)
    private static func skipPlainValue(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        let b = p[i]
        switch b {
        case UInt8(ascii: "\""):
            i += 1
            while i < n {
                let c = p[i]
                if c == UInt8(ascii: "\"") { i += 1; return true }
                if c == UInt8(ascii: "\\") || c < 0x20 { return false }
                i += 1
            }
            return false
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let word: StaticString = b == UInt8(ascii: "t") ? "true" : b == UInt8(ascii: "f") ? "false" : "null"
            let length = word.utf8CodeUnitCount
            guard i + length <= n else { return false }
            for k in 0..<length where p[i + k] != word.utf8Start[k] { return false }
            i += length
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
            if b == UInt8(ascii: "-") { i += 1 }
            guard i < n, p[i] &- UInt8(ascii: "0") < 10 else { return false }
            if p[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                while i < n, p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            }
            if i < n, p[i] == UInt8(ascii: ".") {
                i += 1
                guard i < n, p[i] &- UInt8(ascii: "0") < 10 else { return false }
                while i < n, p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            }
            if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
                i += 1
                if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
                guard i < n, p[i] &- UInt8(ascii: "0") < 10 else { return false }
                while i < n, p[i] &- UInt8(ascii: "0") < 10 { i += 1 }
            }
            return true
        default:
            return false
        }
    }
}

extension WindowRowReader.Fields {
    @inline(__always)
    mutating func setColumn(_ index: Int, _ value: Double) {
        switch index {
        case 0: columns.0 = value
        case 1: columns.1 = value
        case 2: columns.2 = value
        case 3: columns.3 = value
        default: columns.4 = value
        }
    }
}
