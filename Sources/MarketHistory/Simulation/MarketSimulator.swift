import BNCCore
import BNCWire

/// A SYNTHETIC BTCUSDT-like market that writes trade lines in Binance's exact payload format,
/// for demos and for measuring detection quality against known (planted) anomalies. No number it
/// produces is market data.
///
/// The model, with `SplitMix64` as the only source of randomness (same seed ⇒ same bytes):
/// - **Arrivals** of taker orders follow a Hawkes process (exponential kernel, decay 2/s,
///   branching ratio 0.6: every order raises the rate briefly, so trades cluster) on top of a
///   baseline that switches between calm, normal and busy regimes (×0.4, ×1, ×2.5, each lasting
///   10 minutes on average). Each order fills 1.7 trades on average at the same trade time,
///   consecutive ids, walking the book a tick at a time now and then.
/// - **Sizes** are log-normal (median 0.0006 BTC, σ 1.5) with a 3 % Pareto tail (from 0.02 BTC,
///   α 1.3), in lots of 0.00001.
/// - **Price**: the mid is a geometric random walk (3 % daily volatility); buys fill at the ask
///   and sells at the bid one tick (0.01) below, which gives the bid–ask bounce; order flow is
///   persistent (the next order takes the same side with probability 0.75).
/// - **Episodes** (`SimulationEpisode`) are planted at random in equal slots of the timeline:
///   volume bursts (rate ×8–15), flash moves (±3–6 % in 30 % of the episode, half given back, with
///   rate ×3), silences (no trades at all) and runs of huge trades (sizes ×30–100).
package struct MarketSimulator: ~Copyable {
    package let configuration: SimulationConfiguration
    /// The planted anomalies, in time order (what `--labels` writes).
    package let episodes: [SimulationEpisode]
    /// Trades generated so far.
    package private(set) var tradeCount = 0

    private var rng: SplitMix64
    private var builder = TradeLineWriter()
    private let symbol: UnsafeMutableRawBufferPointer
    private let symbolCount: Int

    static let hawkesDecay = 2.0
    static let branchingRatio = 0.6
    static let regimeMultipliers = [0.4, 1.0, 2.5]
    static let meanRegimeSeconds = 600.0
    static let tick = 0.01

    package init(configuration: SimulationConfiguration) {
        self.configuration = configuration
        episodes = Self.scheduleEpisodes(configuration)
        rng = SplitMix64(seed: configuration.seed)
        let bytes = Array(configuration.symbol.uppercased().utf8.prefix(WireLimits.maxSymbolLength))
        symbol = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        symbol.copyBytes(from: bytes)
        symbolCount = bytes.count
    }

    deinit { symbol.deallocate() }

    /// Places `hours × episodesPerHour` episodes (rounded), one in each equal slot of the
    /// timeline, kinds taken in shuffled rounds of four so every kind appears equally often.
    package static func scheduleEpisodes(_ configuration: SimulationConfiguration) -> [SimulationEpisode] {
        let duration = configuration.durationMilliseconds
        let count = Int((Double(duration) / 3_600_000 * configuration.episodesPerHour).rounded())
        guard count > 0, duration > 0 else { return [] }
        var rng = SplitMix64(seed: configuration.seed ^ 0x5EED_E915_0DE5_0001)
        var kinds: [SimulationEpisode.Kind] = []
        while kinds.count < count {
            var round = SimulationEpisode.Kind.allCases
            for i in stride(from: round.count - 1, to: 0, by: -1) {
                round.swapAt(i, Int(rng.below(UInt64(i + 1))))
            }
            kinds += round
        }
        let slot = duration / Int64(count)
        var episodes: [SimulationEpisode] = []
        for i in 0..<count {
            let kind = kinds[i]
            let (low, high): (Double, Double)
            let magnitude: Double
            switch kind {
            case .volumeBurst: (low, high) = (30, 60); magnitude = rng.uniform(8, 15)
            case .flashMove:
                (low, high) = (40, 90)
                magnitude = rng.uniform(0.03, 0.06) * (rng.chance(0.5) ? 1 : -1)
            case .silence: (low, high) = (60, 120); magnitude = 0
            case .hugeTrades: (low, high) = (30, 60); magnitude = rng.uniform(30, 100)
            }
            let length = min(Int64(rng.uniform(low, high) * 1000), max(slot / 2, 1))
            let slotStart = configuration.startMilliseconds + Int64(i) * slot
            let margin = min(slot / 10, 60_000)
            let earliest = slotStart + margin
            let latest = slotStart + slot - margin - length
            let start = latest > earliest ? earliest + Int64(rng.below(UInt64(latest - earliest + 1))) : slotStart
            episodes.append(SimulationEpisode(kind: kind, start: start, end: start + length, magnitude: magnitude))
        }
        return episodes
    }

    /// Generates the whole timeline in order, calling `body` with each trade line (`\n`
    /// included, valid only during the call) and its trade time; stops early when `body`
    /// returns false. Returns whether it ran to the end.
    @discardableResult
    package mutating func generate<E: Error>(_ body: (UnsafeRawBufferPointer, _ tradeTime: Int64) throws(E) -> Bool) throws(E) -> Bool {
        let config = configuration
        let total = Double(config.durationMilliseconds) / 1000
        let alpha = Self.branchingRatio * Self.hawkesDecay
        let sigma = config.dailyVolatility / 86_400.0.squareRoot()
        // Episode boundaries in simulated seconds.
        let bounds = episodes.map {
            (Double($0.start - config.startMilliseconds) / 1000, Double($0.end - config.startMilliseconds) / 1000)
        }
        var t = 0.0
        var excitation = 0.0
        var regime = 1
        var regimeEnd = rng.exponential(rate: 1 / Self.meanRegimeSeconds)
        var logBase = log(config.initialPrice)
        var settledOffset = 0.0
        var lastOrderTime = 0.0
        var takerBuy = rng.chance(0.5)
        var next = 0                       // first episode not yet over
        while t < total {
            let active = next < bounds.count && t >= bounds[next].0 ? next : -1
            let kind = active >= 0 ? episodes[active].kind : nil
            var mu = config.baseOrderRate * Self.regimeMultipliers[regime]
            switch kind {
            case .volumeBurst?: mu *= episodes[active].magnitude
            case .flashMove?: mu *= 3
            case .silence?: mu = 0; excitation = 0
            default: break
            }
            var change = min(regimeEnd, total)
            if next < bounds.count { change = min(change, active >= 0 ? bounds[next].1 : bounds[next].0) }
            let ceiling = mu + excitation
            let candidate = ceiling > 0 ? t + rng.exponential(rate: ceiling) : .infinity
            if candidate >= change {
                excitation *= exp(-Self.hawkesDecay * (change - t))
                t = change
                if t >= regimeEnd {
                    regime = regime == 1 ? (rng.chance(0.5) ? 0 : 2) : (rng.chance(0.8) ? 1 : 2 - regime)
                    regimeEnd = t + rng.exponential(rate: 1 / Self.meanRegimeSeconds)
                }
                if active >= 0, t >= bounds[active].1 {
                    if episodes[active].kind == .flashMove { settledOffset += episodes[active].magnitude / 2 }
                    next += 1
                }
                continue
            }
            excitation *= exp(-Self.hawkesDecay * (candidate - t))
            t = candidate
            guard rng.unit() * ceiling < mu + excitation else { continue }
            excitation += alpha

            // One taker order at time t.
            logBase += sigma * (t - lastOrderTime).squareRoot() * rng.normal()
            lastOrderTime = t
            var offset = settledOffset
            var sizeFactor = 1.0
            switch kind {
            case .flashMove?:
                let move = episodes[active].magnitude
                let u = (t - bounds[active].0) / (bounds[active].1 - bounds[active].0)
                offset += u < 0.3 ? move * u / 0.3 : move * (1 - 0.5 * (u - 0.3) / 0.7)
                takerBuy = rng.chance(move > 0 ? 0.8 : 0.2)
                sizeFactor = 1.5
            case .volumeBurst?:
                if !rng.chance(0.75) { takerBuy.toggle() }
                sizeFactor = 1.5
            case .hugeTrades?:
                if !rng.chance(0.75) { takerBuy.toggle() }
                sizeFactor = episodes[active].magnitude
            default:
                if !rng.chance(0.75) { takerBuy.toggle() }
            }
            let mid = exp(logBase + offset) / Self.tick
            let bid = Int64(mid.rounded(.down))
            var priceTicks = takerBuy ? bid + 1 : bid
            var fills = 1
            while fills < 20, rng.chance(0.4) { fills += 1 }
            let tradeTime = config.startMilliseconds + Int64(t * 1000)
            let eventTime = tradeTime + (rng.chance(0.3) ? 1 : 0)
            for k in 0..<fills {
                if k > 0, rng.chance(0.3) { priceTicks += takerBuy ? 1 : -1 }
                let lots = max(1, Int64((drawSize() * sizeFactor * 100_000).rounded()))
                builder.buildTrade(
                    eventTime: eventTime, symbol: UnsafeRawBufferPointer(rebasing: symbol[0..<symbolCount]),
                    tradeID: config.firstTradeID + Int64(tradeCount),
                    priceE8: max(priceTicks, 1) * 1_000_000, quantityE8: lots * 1000,
                    tradeTime: tradeTime, buyerIsMaker: !takerBuy, bestMatch: true)
                tradeCount += 1
                if try !body(builder.line, tradeTime) { return false }
            }
        }
        return true
    }

    /// One trade's size in BTC: log-normal body, Pareto tail.
    private mutating func drawSize() -> Double {
        if rng.chance(0.03) {
            return min(0.02 / pow(rng.openUnit(), 1 / 1.3), 50)
        }
        return min(exp(log(0.0006) + 1.5 * rng.normal()), 5)
    }

    /// Writes the trades to `output`, paced by trade time at `speed` (0 = as fast as possible;
    /// then flushed in large blocks, else every line as it becomes due). Stops cleanly on
    /// SIGINT/SIGTERM. Returns whether it ran to the end.
    @discardableResult
    package mutating func write(to output: OutputBuffer, speed: Double) throws(OutputError) -> Bool {
        var pacer = Pacer(speed: speed)
        var written = 0
        let finished = try generate { line, tradeTime throws(OutputError) in
            written += 1
            if pacer.isPacing {
                if !pacer.wait(untilExchangeTime: tradeTime) { return false }
            } else if written & 0xFFF == 0, SignalTrap.stopRequested {
                return false
            }
            try output.append(line)
            if pacer.isPacing { try output.flush() }
            return true
        }
        try output.flush()
        return finished
    }
}
