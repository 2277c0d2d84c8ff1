/// The numeric rules of the wire formats (DESIGN.md §1–2), each defined here and nowhere else:
/// every reader and writer of trade lines and window rows, and every command-line check of a
/// symbol, uses these. (Computed and inlinable, so hot loops in other modules see constants.)
public enum WireLimits {
    /// Longest symbol, in UTF-8 bytes: the inline capacity of `Symbol` (three machine words less
    /// the length byte). Trade lines and window rows with a longer `s`/`symbol` are rejected, and
    /// no tool writes one (`bnc-stream simulate --symbol` refuses it as a usage error).
    @inlinable public static var maxSymbolLength: Int { 23 }

    /// Timestamps (`E`, `T`) at or above this are epoch microseconds, below it milliseconds
    /// (DESIGN.md §1): 10^14 ms is the year 5138, 10^14 µs is 1973.
    @inlinable public static var microsecondThreshold: Int64 { 100_000_000_000_000 }

    /// Most trades one aggTrade line may cover (`l − f + 1`). Binance's aggregates cover a few
    /// thousand at most; a wider range is a corrupt line (its count could overflow every sum it
    /// enters), refused by the trade-line reader as a bad line.
    @inlinable public static var maxTradesPerAggTrade: Int64 { 1_000_000 }

    /// The one aggTrade id rule every reader and converter applies (the trade-line reader, the
    /// live feed's message check, REST backfill, public-data CSV): `0 ≤ f ≤ l` and
    /// `l − f + 1 ≤ maxTradesPerAggTrade`, so a written line is always one bnc-window accepts.
    @inlinable public static func isPlausibleAggTradeRange(first: Int64, last: Int64) -> Bool {
        first >= 0 && last >= first && last - first < maxTradesPerAggTrade
    }

    /// Why `first…last` breaks `isPlausibleAggTradeRange`, for diagnostics; nil when it does not.
    public static func aggTradeRangeProblem(first: Int64, last: Int64) -> String? {
        if first < 0 { return "f is negative" }
        if last < first { return "l is below f" }
        if last - first >= maxTradesPerAggTrade { return "l − f + 1 is more than \(maxTradesPerAggTrade) trades" }
        return nil
    }

    /// Longest line a reader accepts (1 MiB, without its `\n`); a longer one is skipped unbuffered.
    @inlinable public static var maxLineLength: Int { 1 << 20 }

    /// Longest decimal string (`p`, `q`) a writer copies into a trade line; writers' callers
    /// reject longer input.
    @inlinable public static var maxDecimalLength: Int { 64 }

    /// A timestamp as written (ms, or µs when ≥ `microsecondThreshold`) in epoch milliseconds.
    @inlinable @inline(__always)
    public static func milliseconds(_ value: Int64) -> Int64 {
        value >= microsecondThreshold ? value / 1000 : value
    }

    /// Whether a tool may write `text` as the symbol of the lines it makes (a command-line
    /// `--symbol`, a file name's symbol): 1…`maxSymbolLength` ASCII letters and digits, any case.
    public static func isWritableSymbol<S: StringProtocol>(_ text: S) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maxSymbolLength else { return false }
        return utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z"))
        }
    }
}
