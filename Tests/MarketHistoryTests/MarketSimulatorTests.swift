import BNCCore
import Foundation
import Testing
@testable import MarketHistory

@Suite("The synthetic market")
struct MarketSimulatorTests {
    struct Trade { var id: Int64; var time: Int64; var price: Double; var quantity: Double; var line: String }

    func simulate(hours: Double, seed: UInt64, episodesPerHour: Double = 1) -> ([Trade], [SimulationEpisode]) {
        var configuration = SimulationConfiguration()
        configuration.seed = seed
        configuration.durationMilliseconds = Int64(hours * 3_600_000)
        configuration.episodesPerHour = episodesPerHour
        var simulator = MarketSimulator(configuration: configuration)
        var trades: [Trade] = []
        simulator.generate { line, time in
            let text = String(decoding: line, as: UTF8.self)
            let o = try! TestSupport.json(Substring(text))
            trades.append(Trade(id: o["t"] as! Int64, time: time, price: Double(o["p"] as! String)!,
                                quantity: Double(o["q"] as! String)!, line: text))
            return true
        }
        return (trades, simulator.episodes)
    }

    @Test func splitMix64MatchesTheReferenceOutputs() {
        // The first outputs of Vigna's splitmix64.c for seed 1234567.
        var rng = SplitMix64(seed: 1_234_567)
        #expect((0..<5).map { _ in rng.next() } == [
            6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
        ])
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        func bytes(_ seed: UInt64) throws -> String {
            var configuration = SimulationConfiguration()
            configuration.seed = seed
            configuration.durationMilliseconds = 1_800_000
            configuration.episodesPerHour = 4
            var simulator = MarketSimulator(configuration: configuration)
            return try TestSupport.capture { output in try simulator.write(to: output, speed: 0) }.1
                + SimulationEpisode.labelsJSON(simulator.episodes)
        }
        let a = try bytes(42), b = try bytes(42), c = try bytes(43)
        #expect(a.utf8.count > 1_000_000)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func tradesLookLikeBinanceBTCUSDT() {
        let (trades, _) = simulate(hours: 1, seed: 3, episodesPerHour: 0)
        let pattern = #/\{"e":"trade","E":\d{13},"s":"BTCUSDT","t":\d+,"p":"\d+\.\d{2}000000","q":"\d+\.\d{5}000","T":\d{13},"m":(true|false),"M":true\}\n/#
        #expect(trades.allSatisfy { $0.line.wholeMatch(of: pattern) != nil })
        #expect(zip(trades, trades.dropFirst()).allSatisfy { $1.id == $0.id + 1 && $1.time >= $0.time })
        let rate = Double(trades.count) / 3600
        #expect(rate >= 5 && rate <= 50)
        #expect(trades.allSatisfy { $0.price > 30_000 && $0.price < 120_000 && $0.quantity > 0 })
        // Bid-ask bounce: consecutive trades often alternate between two neighbouring prices.
        let ticks = trades.map { Int64(($0.price * 100).rounded()) }
        let bounces = zip(ticks, ticks.dropFirst()).filter { abs($0 - $1) == 1 }.count
        #expect(bounces > trades.count / 100)
        // Heavy tail: the largest trade dwarfs the median.
        let sizes = trades.map(\.quantity).sorted()
        #expect(sizes.last! > 100 * sizes[sizes.count / 2])
    }

    @Test func labelsAreValidJSONInTimeOrderWithEveryKind() throws {
        var configuration = SimulationConfiguration()
        configuration.durationMilliseconds = 8 * 3_600_000
        configuration.seed = 9
        let episodes = MarketSimulator.scheduleEpisodes(configuration)
        #expect(episodes.count == 8)
        let parsed = try JSONSerialization.jsonObject(with: Data(SimulationEpisode.labelsJSON(episodes).utf8)) as! [[String: Any]]
        #expect(parsed.count == 8)
        var previousEnd = configuration.startMilliseconds
        for (object, episode) in zip(parsed, episodes) {
            let start = object["start"] as! Int64, end = object["end"] as! Int64
            #expect(start >= previousEnd && end > start && end <= configuration.endMilliseconds)
            #expect(object["kind"] as? String == episode.kind.rawValue)
            #expect(object["start_iso"] as? String == UTCTime(epochMilliseconds: start).iso8601)
            #expect(object["end_iso"] as? String == UTCTime(epochMilliseconds: end).iso8601)
            #expect(object["magnitude"] is NSNumber)
            previousEnd = end
        }
        #expect(Set(episodes.map(\.kind)) == Set(SimulationEpisode.Kind.allCases))
        #expect(MarketSimulator.scheduleEpisodes({ var c = configuration; c.episodesPerHour = 0; return c }()).isEmpty)
    }

    /// Every planted episode shows in the trades the way its kind says.
    @Test(arguments: [UInt64(5), 11])
    func episodesAreVisibleInTheData(seed: UInt64) {
        let (trades, episodes) = simulate(hours: 4, seed: seed)
        #expect(episodes.count == 4)
        let start = trades[0].time
        // Trades per 20 s window, the tools' default window.
        var perWindow: [Int64: Int] = [:]
        for t in trades { perWindow[(t.time - start) / 20_000, default: 0] += 1 }
        let counts = perWindow.values.sorted()
        let medianWindow = Double(counts[counts.count / 2])
        let sizes = trades.map(\.quantity).sorted()
        let medianSize = sizes[sizes.count / 2]
        for episode in episodes {
            let inside = trades.filter { episode.contains($0.time) }
            let seconds = Double(episode.end - episode.start) / 1000
            switch episode.kind {
            case .volumeBurst:
                #expect(Double(inside.count) / seconds * 20 > 3 * medianWindow, "burst at \(episode.start)")
            case .silence:
                #expect(inside.isEmpty, "silence at \(episode.start)")
            case .flashMove:
                let before = trades.last { $0.time < episode.start }!.price
                let extreme = inside.map { abs($0.price / before - 1) }.max() ?? 0
                #expect(extreme > 0.6 * abs(episode.magnitude), "flash move at \(episode.start)")
            case .hugeTrades:
                let median = inside.map(\.quantity).sorted()[inside.count / 2]
                #expect(median > 10 * medianSize, "huge trades at \(episode.start)")
            }
        }
    }
}
