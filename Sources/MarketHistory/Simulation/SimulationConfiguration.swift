import BNCCore

/// The knobs of the synthetic market (`bnc-stream simulate`). Defaults give BTCUSDT-like
/// magnitudes: a price near 60,000 USDT with a 0.01 tick, about 10–15 trades per second on
/// average (≈ 5 in calm regimes, bursts of 50+), mostly small trades with a heavy tail.
package struct SimulationConfiguration: Sendable, Equatable {
    package var symbol: String = "BTCUSDT"
    package var seed: UInt64 = 1
    /// First instant simulated, epoch ms (default 2024-01-01T00:00:00Z).
    package var startMilliseconds: Int64 = UTCTime(year: 2024, month: 1, day: 1).epochMilliseconds
    package var durationMilliseconds: Int64 = 3_600_000
    /// Planted anomaly episodes per simulated hour (0 = none).
    package var episodesPerHour: Double = 1
    package var initialPrice: Double = 60_000
    /// Taker orders per second in the normal regime before self-excitation (each order fills
    /// 1.7 trades on average, and the Hawkes branching ratio 0.6 multiplies arrivals by 2.5).
    package var baseOrderRate: Double = 3
    /// Annualised-looking volatility expressed per day (fraction of price).
    package var dailyVolatility: Double = 0.03
    package var firstTradeID: Int64 = 3_000_000_000

    package init() {}

    package var endMilliseconds: Int64 { startMilliseconds + durationMilliseconds }
}
