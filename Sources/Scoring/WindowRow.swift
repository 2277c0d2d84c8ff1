/// One window row (DESIGN.md §2) as the scorer needs it, parsed in place: a reusable value whose
/// buffers are sized once, so reading a row allocates nothing.
public struct WindowRow {
    /// The five result columns (DESIGN.md §3 order): trade_count, volume, avg_trade_size, return, volatility.
    public static let columnKeys = ["trade_count", "volume", "avg_trade_size", "price_return", "price_volatility"]

    /// Window start and end, epoch milliseconds.
    public var start: Int64 = 0
    public var end: Int64 = 0
    public var complete = false
    /// The five result columns; NaN where the row lacks the key or holds null.
    public var columns: (Double, Double, Double, Double, Double) = (.nan, .nan, .nan, .nan, .nan)
    /// The model's features, in `--features` order.
    public var features: [Double]
    /// False when a feature is null (an empty window's price, say): the row is written unscored.
    public var featuresUsable = true
    /// Byte range of the symbol inside the line being parsed.
    public var symbolRange: Range<Int> = 0..<0

    public init(featureCount: Int) {
        features = [Double](repeating: 0, count: featureCount)
    }

    @inline(__always)
    public func column(_ index: Int) -> Double {
        switch index {
        case 0: return columns.0
        case 1: return columns.1
        case 2: return columns.2
        case 3: return columns.3
        default: return columns.4
        }
    }
}
