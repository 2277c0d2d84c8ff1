import ArgumentParser
import BNCCore
import BNCWire
import MarketHistory


/// `bnc-stream simulate`: a synthetic market with planted, labelled anomalies.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write SYNTHETIC trades (not market data) with planted, labelled anomaly episodes.",
        discussion: """
            A simulated BTCUSDT-like market in Binance's exact trade payload format, for demos \
            and for measuring detection quality: clustered (Hawkes) arrivals in calm/normal/busy \
            regimes, log-normal trade sizes with a Pareto tail, a random-walk price with bid-ask \
            bounce on a 0.01 tick, consecutive trade ids. Planted episodes - volume bursts, flash \
            moves of several percent, silences, runs of huge trades - are listed in --labels. \
            Same options and seed give byte-identical output. Nothing here is real market data.
            """)

    @Option(help: "Simulated hours to generate.")
    var hours: Double = 1

    @Option(help: "Seed of the generator (SplitMix64); the same seed gives byte-identical output.")
    var seed: UInt64 = 1

    @Option(help: "First simulated instant, UTC: 2024-01-01, 2024-01-01T12:00:00Z, or 'now'.")
    var start: String = "2024-01-01T00:00:00Z"

    @Option(help: "0 = as fast as possible, 1 = real time, 10 = ten times faster.")
    var speed: Double = 0

    @Option(help: "Symbol written in the trades.")
    var symbol: String = "BTCUSDT"

    @Option(help: "Write the planted episodes here: a JSON array of {kind, start, end (epoch ms), start_iso, end_iso, magnitude}.")
    var labels: String?

    @Option(help: "Anomaly episodes planted per simulated hour (0 = none).")
    var episodesPerHour: Double = 1

    @Option(help: "Price at the start, in quote currency.")
    var initialPrice: Double = 60_000

    func validate() throws {
        guard hours.isFinite, hours > 0, hours <= 24 * 366 else { throw ValidationError("--hours must be in (0, 8784]") }
        guard speed.isFinite, speed == 0 || speed >= 0.01 else {
            // Slower than 1/100 would stretch an hour of exchange time (the most one pause may
            // last, `Pacer.maxJumpMicroseconds`) beyond four days of waiting.
            throw ValidationError("--speed must be 0 (as fast as possible) or at least 0.01")
        }
        guard episodesPerHour.isFinite, episodesPerHour >= 0, episodesPerHour <= 60 else {
            throw ValidationError("--episodes-per-hour must be in [0, 60]")
        }
        guard initialPrice.isFinite, initialPrice >= 1, initialPrice <= 1e9 else {
            throw ValidationError("--initial-price must be in [1, 1e9]")
        }
        guard WireLimits.isWritableSymbol(symbol) else {
            throw ValidationError("--symbol must be 1–\(WireLimits.maxSymbolLength) letters and digits, like BTCUSDT")
        }
        guard let startMilliseconds = startMilliseconds() else {
            throw ValidationError("--start must be a real date, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS(.fff)Z, or now")
        }
        let end = startMilliseconds + Int64((hours * 3_600_000).rounded())
        guard startMilliseconds >= Self.earliestStart, end < Self.latestEnd else {
            throw ValidationError("--start must lie in 2017-01-01 … 5138-11-16T09:46Z with all --hours after it "
                + "(later times are taken for microseconds by every reader)")
        }
    }

    /// Binance opened in 2017: an earlier start is a typo, not a market.
    static let earliestStart = UTCTime(year: 2017, month: 1, day: 1).epochMilliseconds
    /// Every simulated `E`/`T` must stay below the magnitude readers take for microseconds
    /// (`WireLimits.microsecondThreshold`, 10^14 ms, year 5138); one second of margin for `E = T + 1`.
    static let latestEnd = WireLimits.microsecondThreshold - 1000

    /// The start in epoch ms; nil for text that is not an existing instant. `UTCTime(parsing:)`
    /// only range-checks the fields (day ≤ 31, second ≤ 60), so `2024-02-30` or `…T23:59:60Z`
    /// would silently roll over into the next month or minute: the parsed fields must survive
    /// the round trip through epoch milliseconds unchanged. (Checked here so it holds whatever
    /// `UTCTime` itself does.)
    private func startMilliseconds() -> Int64? {
        if start == "now" { return MonotonicClock.wallClockMilliseconds() }
        guard let parsed = UTCTime(parsing: Substring(start)) else { return nil }
        let back = UTCTime(epochMilliseconds: parsed.epochMilliseconds)
        guard back.year == parsed.year, back.month == parsed.month, back.day == parsed.day,
              back.hour == parsed.hour, back.minute == parsed.minute, back.second == parsed.second
        else { return nil }
        return parsed.epochMilliseconds
    }

    mutating func run() {
        ToolExit.run(tool: "bnc-stream") {
            SignalTrap.install()
            var configuration = SimulationConfiguration()
            configuration.symbol = symbol.uppercased()
            configuration.seed = seed
            configuration.startMilliseconds = startMilliseconds() ?? configuration.startMilliseconds
            configuration.durationMilliseconds = Int64((hours * 3_600_000).rounded())
            configuration.episodesPerHour = episodesPerHour
            configuration.initialPrice = initialPrice
            var simulator = MarketSimulator(configuration: configuration)
            if let labels { try SimulationEpisode.writeLabels(simulator.episodes, to: labels) }
            // A closed stdout (downstream went away) is a quiet success; another failure is 74.
            _ = try simulator.write(to: OutputBuffer(), speed: speed)
        }
    }
}
