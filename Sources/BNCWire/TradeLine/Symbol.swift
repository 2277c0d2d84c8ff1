/// A Binance symbol (`BTCUSDT`) stored inline: up to 23 bytes of UTF-8 in three machine words,
/// so parsing a trade line and keying per-symbol state never allocates.
///
/// ASCII letters are upper-cased on the way in (symbols are case-insensitive on the command line
/// and rows carry Binance's upper-case form, DESIGN.md §6).
public struct Symbol: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Longest symbol that fits inline: `WireLimits.maxSymbolLength`, the one symbol limit of
    /// the wire formats.
    @inlinable public static var maxLength: Int { WireLimits.maxSymbolLength }

    /// Bytes 0…22 hold the symbol, byte 23 its length; unused bytes are zero so that
    /// equality and hashing can work on the words.
    @usableFromInline var words: (UInt64, UInt64, UInt64)

    /// Takes `bytes` (no quotes, no escapes); nil when empty or longer than `maxLength`.
    @inlinable
    public init?(bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0, n <= Symbol.maxLength, let source = bytes.baseAddress else { return nil }
        words = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { out in
            out.baseAddress!.copyMemory(from: source, byteCount: n)
            out[23] = UInt8(n)
        }
        words.0 = Symbol.upperCased(words.0)
        words.1 = Symbol.upperCased(words.1)
        words.2 = Symbol.upperCased(words.2 & 0x00FF_FFFF_FFFF_FFFF) | (words.2 & 0xFF00_0000_0000_0000)
    }

    /// From `count` bytes at `p` where `readable` (≥ `count`) bytes may be loaded: with 24 readable
    /// it takes three word loads instead of a copy. Nil when empty or too long.
    @inline(__always)
    init?(_ p: UnsafePointer<UInt8>, count n: Int, readable: Int) {
        guard n > 0, n <= Symbol.maxLength else { return nil }
        guard readable >= 24 else {
            guard let copied = Symbol(bytes: UnsafeRawBufferPointer(start: p, count: n)) else { return nil }
            self = copied
            return
        }
        self.init(words: p, count: n)
    }

    /// From `count` (1…23) bytes at `p`, of which at least 24 may be loaded: three word loads and
    /// masks, no copy and no branch (the hot path of the trade-line template matcher).
    @inline(__always)
    init(words p: UnsafePointer<UInt8>, count n: Int) {
        let raw = UnsafeRawPointer(p)
        let w0 = raw.loadUnaligned(as: UInt64.self) & Symbol.lowBytesMask(n)
        let w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & Symbol.lowBytesMask(n - 8)
        let w2 = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) & Symbol.lowBytesMask(n - 16)
            & 0x00FF_FFFF_FFFF_FFFF
        words = (Symbol.upperCased(w0), Symbol.upperCased(w1), Symbol.upperCased(w2) | UInt64(n) << 56)
    }

    /// From the first `count` (1…7) bytes of `w`, the other bytes of `w` zero.
    @inline(__always)
    init(word w: UInt64, count n: Int) {
        words = (Symbol.upperCased(w), 0, UInt64(n) << 56)
    }

    /// A mask of the low `bytes` bytes of a word (little-endian: the first bytes), `bytes`
    /// clamped to 0…8. Two shifts by 4·bytes so that 8 bytes (a shift of 64) needs no branch.
    @inline(__always)
    static func lowBytesMask(_ bytes: Int) -> UInt64 {
        let half = UInt64(min(max(bytes, 0), 8) &* 4)
        return ~((UInt64.max &<< half) &<< half)
    }

    /// ASCII `a`…`z` to upper case in eight bytes at once; other bytes (UTF-8 included) unchanged.
    @inlinable @inline(__always)
    static func upperCased(_ w: UInt64) -> UInt64 {
        let low7 = w & 0x7F7F_7F7F_7F7F_7F7F
        let atLeastA = low7 &+ 0x1F1F_1F1F_1F1F_1F1F       // high bit set where byte ≥ 0x61
        let aboveZ = low7 &+ 0x0505_0505_0505_0505         // high bit set where byte ≥ 0x7B
        let lower = atLeastA & ~aboveZ & ~w & 0x8080_8080_8080_8080
        return w &- (lower >> 2)                            // 0x80 >> 2 = 0x20
    }

    /// From text such as `btcusdt`; nil when empty or longer than `maxLength` UTF-8 bytes.
    public init?(_ text: String) {
        var text = text
        guard let symbol = text.withUTF8({ Symbol(bytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = symbol
    }

    /// Whether every byte is ASCII (the bytes after the symbol and the length byte excluded).
    @inlinable @inline(__always) public var isASCII: Bool {
        (words.0 | words.1 | (words.2 & 0x00FF_FFFF_FFFF_FFFF)) & 0x8080_8080_8080_8080 == 0
    }

    /// Whether the bytes are well-formed UTF-8 (a trade line's `s` must be: issue 11, where a
    /// broken one became U+FFFD in the rows). No allocation.
    public var isValidUTF8: Bool {
        if isASCII { return true }
        return withUTF8 { bytes in
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue: continue
                case .emptyInput: return true
                case .error: return false
                }
            }
        }
    }

    /// Number of UTF-8 bytes.
    @inlinable public var count: Int { Int(words.2 >> 56) }

    /// Calls `body` with the symbol's UTF-8 bytes.
    @inlinable
    public func withUTF8<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = words
        let n = count
        return try withUnsafeBytes(of: &copy) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }

    public var description: String { withUTF8 { String(decoding: $0, as: UTF8.self) } }

    @inlinable
    public static func == (a: Symbol, b: Symbol) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
    }

    /// Byte-wise order of the text (so `BTCUSDT` < `ETHUSDT`).
    public static func < (a: Symbol, b: Symbol) -> Bool {
        a.withUTF8 { x in b.withUTF8 { y in x.lexicographicallyPrecedes(y) } }
    }
}
