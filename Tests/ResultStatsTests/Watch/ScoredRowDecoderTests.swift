import Testing
@testable import ResultStats

@Suite("watch: reading rows one line at a time")
struct ScoredRowDecoderTests {
    static func decode(_ lines: [String]) -> [ScoredRowDecoder.Line] {
        var d = ScoredRowDecoder()
        return lines.map { line in
            var line = line
            return line.withUTF8 { d.decode(UnsafeRawBufferPointer($0)) }
        }
    }

    static func row(_ line: ScoredRowDecoder.Line) -> WatchRow? {
        if case .row(let r) = line { return r }
        return nil
    }

    @Test("our CSV: every column, a warm-up row, a bad row")
    func ourCSV() throws {
        let out = Self.decode([
            "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score",
            "2026-02-28T16:01:20.000Z,1529,2.45,0.0016,-0.0008,16.6,-0.041,-1,btcusdt,2026-02-28T16:01:40.000Z,true,3,0.63",
            "2026-02-28T16:01:40.000Z,10,1,0.1,0,0,,,BTCUSDT,2026-02-28T16:02:00.000Z,true,0,",
            "2026-02-30T16:01:40.000Z,10,1,0.1,0,0,,,BTCUSDT,2026-02-28T16:02:00.000Z,true,0,",
            "2026-02-28T16:02:00.000Z,10,1,0.1,0,0,0.1,1,BTCUSDT",
        ])
        #expect(out[0] == .none)
        let r = try #require(Self.row(out[1]))
        #expect(r.symbol == "BTCUSDT" && r.prediction == -1 && r.score == -0.041 && r.anomalyScore == 0.63 && r.tradeCount == 1529)
        #expect(r.end == r.start + 20_000 && r.timeBasis == .utc && r.reason == nil)
        #expect(r.format(r.start) == "2026-02-28T16:01:20.000Z")
        let warm = try #require(Self.row(out[2]))
        #expect(warm.prediction == 0 && warm.score == nil && warm.anomalyScore == nil)
        #expect(out[3] == .bad("bad timestamp"))
        if case .bad(let why) = out[4] { #expect(why.contains("fields")) } else { Issue.record("short row read") }
    }

    @Test("the original's CSV: local wall clock, no symbol, empty score and prediction")
    func originalCSV() throws {
        let out = Self.decode([
            "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction",
            "2026-02-28 16:01:26,1529,2.458,0.0016,-0.00083,16.6,,",
            "2026-02-28 16:42:36,6117,12.3,0.002,0.0012,36.5,-0.1424,-1",
        ])
        let a = try #require(Self.row(out[1])), b = try #require(Self.row(out[2]))
        #expect(a.symbol == "" && a.timeBasis == .naiveLocal && a.prediction == 0 && a.end == nil)
        #expect(b.isAnomaly && b.format(b.start) == "2026-02-28 16:42:36")
    }

    @Test("our NDJSON, with the model branch's reason (escaped) and a quoted CSV reason")
    func ndjsonAndReason() throws {
        let out = Self.decode([
            #"{"timestamp":"2026-02-28T16:01:20.000Z","trade_count":5,"volume":1,"avg_trade_size":0.2,"return":0,"volatility":0,"score":-0.1,"prediction":-1,"symbol":"ETHUSDT","window_end":"2026-02-28T16:01:40.000Z","complete":true,"model_version":1,"anomaly_score":0.7,"reason":"price_volatility\u2191;volume\u2191","attribution":{"volume":0.5}}"#,
            #"{"start":1772294480000,"end":1772294500000,"symbol":"ETHUSDT","prediction":null,"score":null}"#,
            #"{"symbol":"ETHUSDT"}"#,
        ])
        let r = try #require(Self.row(out[0]))
        #expect(r.reason == "price_volatility↑;volume↑" && r.anomalyScore == 0.7 && r.symbol == "ETHUSDT")
        let aliased = try #require(Self.row(out[1]))
        #expect(aliased.start == 1_772_294_480_000 && aliased.end == 1_772_294_500_000 && aliased.prediction == 0)
        #expect(out[2] == .bad("no timestamp"))

        let csv = Self.decode([
            "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score,reason",
            "2026-02-28T16:01:20.000Z,1,1,1,0,0,-0.1,-1,BTCUSDT,2026-02-28T16:01:40.000Z,true,1,0.7,\"volume↑;a \"\"b\"\"\"",
            "2026-02-28T16:01:40.000Z,1,1,1,0,0,0.1,1,BTCUSDT,2026-02-28T16:02:00.000Z,true,1,0.4,",
        ])
        #expect(Self.row(csv[1])?.reason == "volume↑;a \"b\"")
        #expect(Self.row(csv[2])?.reason == nil, "an empty reason is none")
    }

    @Test("a trade-rate file or an unknown header is refused; reset starts a new file")
    func detection() {
        #expect(Self.decode(["event_time,trades_per_sec"]).first.map { if case .bad = $0 { true } else { false } } == true)
        #expect(Self.decode(["a,b"]).first.map { if case .bad = $0 { true } else { false } } == true)
        var d = ScoredRowDecoder()
        var header = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction"
        _ = header.withUTF8 { d.decode(UnsafeRawBufferPointer($0)) }
        #expect(d.format == .originalCSV)
        d.reset()
        #expect(d.format == nil)
    }
}
