import Foundation
import Testing
import BNCCore
@testable import ResultStats

@Suite("Reading results")
struct ResultReaderTests {
    func withFiles(_ contents: [String], _ body: ([String]) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for (k, text) in contents.enumerated() {
            let url = dir.appendingPathComponent("f\(k)")
            try text.write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        try body(paths)
    }

    static let ourHeader = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score\n"

    @Test("format detection from the first line")
    func detection() {
        func detect(_ s: String) -> ResultFormat? {
            var s = s
            return s.withUTF8 { ResultFormat.detect(firstLine: UnsafeRawBufferPointer($0)) }
        }
        #expect(detect(String(Self.ourHeader.dropLast())) == .ourCSV)
        #expect(detect("timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction") == .originalCSV)
        #expect(detect("{\"timestamp\":\"2026-01-01T00:00:00.000Z\"}") == .ourNDJSON)
        #expect(detect("event_time,trades_per_sec") == .tradeRateCSV)
        #expect(detect("a,b,c") == nil)
    }

    @Test("timestamps: ISO 8601 UTC and the original's wall clock")
    func timestamps() {
        func ms(_ s: String) -> Int64? {
            var s = s
            return s.withUTF8 { TimestampParser.milliseconds(UnsafeRawBufferPointer($0), 0..<$0.count) }
        }
        #expect(ms("1970-01-01T00:00:01.500Z") == 1500)
        #expect(ms("2026-02-28T16:01:20.000Z") == UTCTime(year: 2026, month: 2, day: 28, hour: 16, minute: 1, second: 20).epochMilliseconds)
        #expect(ms("2026-02-28 16:01:26") == UTCTime(year: 2026, month: 2, day: 28, hour: 16, minute: 1, second: 26).epochMilliseconds)
        #expect(ms("2026-02-28") == nil)
        #expect(ms("2026-13-01T00:00:00Z") == nil)
    }

    @Test("our CSV, NDJSON and the original's CSV read to the same series; warm-up rows kept unscored")
    func formats() throws {
        let csv = Self.ourHeader
            + "2026-02-28T16:01:40.000Z,10,1.5,0.15,0.001,2.5,0.12,1,BTCUSDT,2026-02-28T16:02:00.000Z,true,1,0.4\n"
            + "2026-02-28T16:01:20.000Z,12,1.25,0.1,-0.002,3,,,BTCUSDT,2026-02-28T16:01:40.000Z,true,0,\n"
        let ndjson = """
            {"timestamp":"2026-02-28T16:01:20.000Z","trade_count":12,"volume":1.25,"avg_trade_size":0.1,"return":-0.002,"volatility":3,"score":null,"prediction":null,"symbol":"BTCUSDT","window_end":"2026-02-28T16:01:40.000Z","complete":true,"model_version":0,"anomaly_score":null}
            {"window_end":"2026-02-28T16:02:00.000Z","price_return":0.001,"trade_count":10,"volume":1.5,"avg_trade_size":0.15,"price_volatility":2.5,"score":0.12,"prediction":1,"symbol":"btcusdt","timestamp":"2026-02-28T16:01:40.000Z"}

            """
        let original = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction\n"
            + "2026-02-28 16:01:20,12,1.25,0.1,-0.002,3,,\n2026-02-28 16:01:40,10,1.5,0.15,0.001,2.5,0.12,1\n"
        try withFiles([csv, ndjson, original]) { paths in
            let a = try ResultReader.read([InputFile(paths[0])]).series
            let b = try ResultReader.read([InputFile(paths[1])]).series
            let c = try ResultReader.read([InputFile(paths[2])]).series
            for s in [a, b, c] {
                #expect(s.count == 2)
                #expect(s.timestamp[0] < s.timestamp[1])          // sorted by time
                #expect(s.score[0].isNaN && s.prediction[0] == 0)  // warm-up
                #expect(s.score[1] == 0.12 && s.prediction[1] == 1)
                #expect(s.returns == [-0.002, 0.001])
                #expect(s.volatility == [3, 2.5])
            }
            #expect(a.timestamp == c.timestamp)
            #expect(a.timeBasis == .utc && c.timeBasis == .naiveLocal)
            #expect(a.inferredWindowMilliseconds == 20_000 && c.inferredWindowMilliseconds == 20_000)
            #expect(b.presentSymbols == ["BTCUSDT"])
            // The original's local clock cannot be merged with UTC rows.
            #expect(throws: ResultReadError.mixedTimeBases) { try ResultReader.read([InputFile(paths[0]), InputFile(paths[2])]) }
        }
    }

    @Test("bad rows are skipped and counted, or stop the read under strict")
    func badRows() throws {
        let text = Self.ourHeader
            + "2026-02-28T16:01:20.000Z,12,1.25,0.1,-0.002,3,,,BTCUSDT,2026-02-28T16:01:40.000Z,true,0,\n"
            + "not a time,12,1.25,0.1,-0.002,3,,,BTCUSDT,,true,0,\n"
            + "2026-02-28T16:01:40.000Z,10,1.5,0.15,0.001,2.5,0.12,7,BTCUSDT,2026-02-28T16:02:00.000Z,true,1,0.4\n"
            + "2026-02-28T16:02:00.000Z,10\n"
        try withFiles([text]) { paths in
            let r = try ResultReader.read([InputFile(paths[0])])
            #expect(r.series.count == 1)
            #expect(r.skippedRows == 3)
            #expect(r.skipped.map(\.line) == [3, 4, 5])
            #expect(throws: ResultReadError.badRow(file: paths[0], line: 3, reason: "bad timestamp")) {
                try ResultReader.read([InputFile(paths[0])], strict: true)
            }
        }
    }

    @Test("several symbols need --symbol")
    func symbols() throws {
        let text = Self.ourHeader
            + "2026-02-28T16:01:20.000Z,12,1.25,0.1,-0.002,3,,,BTCUSDT,2026-02-28T16:01:40.000Z,true,0,\n"
            + "2026-02-28T16:01:20.000Z,5,2,0.4,0.01,0.3,0.1,1,ETHUSDT,2026-02-28T16:01:40.000Z,true,1,0.4\n"
        try withFiles([text]) { paths in
            #expect(throws: ResultReadError.severalSymbols(["BTCUSDT", "ETHUSDT"])) {
                try StatsInput.load(paths, symbol: nil, strict: false)
            }
            let eth = try StatsInput.load(paths, symbol: "ethusdt", strict: false)
            #expect(eth.series.count == 1 && eth.series.tradeCount == [5])
        }
    }
}
