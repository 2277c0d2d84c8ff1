/// The values a window row can hold (docs/formats.md §2): defined here once, checked by
/// `WindowRowReader` on every number it reads. A value outside them (`trade_count` −5, a negative
/// volume, `1e308`, `1e400`) cannot come from real trades; such a row is a bad line, skipped and
/// counted like malformed JSON, so it never reaches a model or a results file.
public enum WindowRowLimits {
    /// Largest magnitude of any size, price or feature: 10^18. Far above any real window (a day of
    /// the busiest coin trades below 10^15 units of it) and far below where a square overflows, so
    /// the scaler's variance stays finite.
    @inlinable public static var maxMagnitude: Double { 1e18 }

    /// Largest count (`trade_count`, `missing_trades`, `duplicates`, `late_trades`): 2^53, the
    /// largest whole number a double holds exactly.
    @inlinable public static var maxCount: Double { 9_007_199_254_740_992 }

    /// Window times: `0 ≤ start < end ≤ latestTime` (epoch ms; 10^14 ms is the year 5138, where
    /// trade-line times turn into microseconds, `WireLimits.microsecondThreshold`).
    @inlinable public static var latestTime: Int64 { WireLimits.microsecondThreshold }

    /// What a numeric key may hold.
    public struct Rule: Sendable, Equatable {
        public var range: ClosedRange<Double>
        /// Counts and ids: whole numbers only.
        public var integral: Bool

        /// Inlinable: the readers check every number they take (five or more a row).
        @inlinable @inline(__always)
        public func allows(_ value: Double) -> Bool {
            // Whole: every double of magnitude 2^52 or more is one; below, a round trip through
            // Int64 (exact there) tells, where `rounded(.towardZero)` was a call to libm's trunc.
            value.isFinite && range.contains(value)
                && (!integral || value.magnitude >= 4_503_599_627_370_496 || value == Double(Int64(value)))
        }

        /// `0 to 1e+18`, `a whole number from 0 to 9007199254740992`, for messages.
        public var description: String {
            let bounds = "from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound))"
            return integral ? "a whole number \(bounds)" : "a number \(bounds)"
        }

        private static func text(_ v: Double) -> String {
            if v == .leastNonzeroMagnitude { return "above 0" }
            if v == v.rounded(), abs(v) < 1e17 { return String(Int64(v)) }
            return v.description
        }
    }

    /// The rule for a numeric key; a key bnc-window does not write (any other `--features` key)
    /// may hold any number up to `maxMagnitude` either way.
    public static func rule(for name: String) -> Rule {
        let any = Rule(range: -maxMagnitude...maxMagnitude, integral: false)
        guard let key = WindowRowKey(rawValue: name) else { return any }
        switch key {
        case .tradeCount, .missingTrades, .duplicates, .lateTrades, .outlierTrades:
            return Rule(range: 0...maxCount, integral: true)
        case .firstTradeID, .lastTradeID:
            return Rule(range: 0...Double(Int64.max), integral: true)
        case .volume, .averageTradeSize, .quoteVolume, .buyVolume, .maxTradeSize, .priceVolatility:
            return Rule(range: 0...maxMagnitude, integral: false)
        case .open, .high, .low, .close, .vwap:
            return Rule(range: Double.leastNonzeroMagnitude...maxMagnitude, integral: false)
        case .priceReturn:
            // (close − open) / open with positive prices: above −1.
            return Rule(range: -1...maxMagnitude, integral: false)
        default:
            return any
        }
    }
}
