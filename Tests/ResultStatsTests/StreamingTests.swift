import Foundation
import Testing
import BNCCore
@testable import ResultStats

/// The streaming side of bnc-stats (issue 15): the bounded-memory pieces give what the
/// whole-array versions give, bit for bit, and a `ResultStream` delivers the rows `ResultReader`
/// would have held — in order, repeats dropped — however the inputs are ordered.
@Suite("Streaming statistics in bounded memory")
struct StreamingTests {
    static func random(_ n: Int, seed: UInt64) -> [Double] {
        var g = SplitMix64(seed: seed)
        return (0..<n).map { _ in Double(g.next() >> 11) / Double(1 << 53) * 2 - 0.7 }
    }

    @Test("the streamed pairwise sum is NumPySum's, bit for bit, for every tree shape")
    func streamingPairwiseSum() {
        for n in [0, 1, 7, 8, 9, 15, 16, 127, 128, 129, 255, 256, 257, 1000, 4097, 100_003] {
            let v = Self.random(n, seed: UInt64(n) + 1)
            var s = StreamingPairwiseSum(count: n)
            for x in v { s.add(x) }
            #expect(s.result?.bitPattern == NumPySum.sum(v).bitPattern, "n = \(n)")
        }
    }

    @Test("in-place sort and selection agree with sorted(); quantiles by selection with Quantile.linear")
    func inPlaceSortAndSelect() {
        for n in [1, 2, 3, 24, 25, 100, 1000, 50_000] {
            var v = Self.random(n, seed: 9).map { ($0 * 20).rounded() }   // many ties
            let sorted = v.sorted()
            var copy = v
            InPlaceSort.sort(&copy)
            #expect(copy == sorted)
            for q in [0.0, 0.25, 0.5, 0.75, 1.0] {
                let want = Quantile.linear(sorted: sorted, q)
                let got = v.withUnsafeMutableBufferPointer { Quantile.linear(selectingIn: $0, q) }
                #expect(got == want, "n = \(n), q = \(q)")
            }
        }
        var constant = [Double](repeating: 3, count: 10_000)
        InPlaceSort.sort(&constant)
        #expect(constant.allSatisfy { $0 == 3 })
    }

    @Test("the streamed forward rolling sum is pandas' rolling(h).sum().shift(-h), runs of equal values included")
    func forwardRollingSum() {
        var values = Self.random(2_000, seed: 4).map { abs($0) * 1e-3 }
        for i in 500..<600 { values[i] = 0.25 }   // a run of equal values: pandas' fix-up
        for h in [1, 2, 3, 15, 90, 1_999, 2_000] {
            let want = RollingSum.forward(values, window: h)
            var rolling = ForwardRollingSum(window: h)
            var got = [Double](repeating: .nan, count: values.count)
            for (i, v) in values.enumerated() {
                if let (move, tag) = rolling.push(v, tag: Int8(truncatingIfNeeded: i % 100)) {
                    #expect(Int(tag) == (i - h) % 100)
                    got[i - h] = move
                }
            }
            #expect(zip(got, want).allSatisfy { $0.bitPattern == $1.bitPattern }, "h = \(h)")
        }
    }

    /// Our CSV of `n` rows 20 s apart from `start` (seconds), values varying with the row.
    static func csv(_ n: Int, start: Int, symbol: String = "BTCUSDT", seed: UInt64 = 1) -> String {
        var g = SplitMix64(seed: seed)
        var text = HostileInputTests.header
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for k in 0..<n {
            let t = Date(timeIntervalSince1970: TimeInterval(start + 20 * k))
            let u = Double(g.next() >> 11) / Double(1 << 53)
            let score = k < 5 ? "" : "\((u - 0.2).rounded(toPlaces: 4))"
            let prediction = k < 5 ? "" : (u < 0.2 ? "-1" : "1")
            text += "\(f.string(from: t)),\(10 + k % 7),\(u * 3),\(u * 0.01),\((u - 0.5) * 1e-3),\(u * 20),\(score),\(prediction),\(symbol),\(f.string(from: t.addingTimeInterval(20))),true,1,\n"
        }
        return text
    }

    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func rows(_ stream: ResultStream) throws -> [ResultRow] {
        try stream.analyse { (s: ResultStream) throws(ResultReadError) in
            var rows: [ResultRow] = []
            try s.forEachRow { rows.append($0) }
            return rows
        }
    }

    static func same(_ a: [ResultRow], _ series: ResultSeries) -> Bool {
        a.count == series.count && a.indices.allSatisfy { i in
            let r = series.row(i), x = a[i]
            return x.timestamp == r.timestamp && x.windowEnd == r.windowEnd && x.tradeCount == r.tradeCount && x.volume == r.volume
                && x.ret == r.ret && x.volatility == r.volatility && x.prediction == r.prediction
                && (x.score == r.score || (x.score.isNaN && r.score.isNaN))
        }
    }

    @Test("a stream delivers the reader's merged series: in order, out of order (sorted in runs), a file twice")
    func streamMatchesReader() throws {
        let day1 = try Self.write(Self.csv(700, start: 1_772_236_800, seed: 1))
        let day2 = try Self.write(Self.csv(700, start: 1_772_236_800 + 14_000, seed: 2))
        defer { for p in [day1, day2] { try? FileManager.default.removeItem(atPath: p) } }
        for (paths, sorts) in [([day1, day2], false), ([day2, day1], true), ([day1, day1, day2], true), ([day2, day1, day2, day1], true)] {
            let reader = try ResultReader.read(paths.map(InputFile.init))
            let stream = try ResultStream(paths, symbol: nil, strict: false)
            stream.sortRunRows = 97   // many runs to merge
            let rows = try Self.rows(stream)
            #expect(stream.isSorted == sorts)
            #expect(Self.same(rows, reader.series), "\(paths.count) files")
            #expect(stream.repeatedRows == reader.repeatedRows && stream.conflictingRows == reader.conflictingRows)
            // A second pass gives the same rows.
            let again = try Self.rows(stream)
            #expect(again.count == rows.count && zip(again, rows).allSatisfy { a, b in
                a.timestamp == b.timestamp && a.score.bitPattern == b.score.bitPattern && a.ret == b.ret && a.symbol == b.symbol
            })
            // The analyses over the stream give the in-memory figures.
            let w = 20_000.0
            let a = try PreMoveAnalysis(stream, horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: w).json.serialized()
            #expect(a == PreMoveAnalysis(reader.series, horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: w).json.serialized())
            #expect(try BaselineAnalysis(stream).json.serialized() == BaselineAnalysis(reader.series).json.serialized())
            #expect(try HourlyAnalysis(stream).json.serialized() == HourlyAnalysis(reader.series).json.serialized())
            let cv = try WindowSizeStudy(rows: stream, sizes: WindowSizeStudy.defaultSizes, inputWindowMilliseconds: w)
            #expect(cv.json.serialized() == WindowSizeStudy(rows: reader.series, sizes: WindowSizeStudy.defaultSizes, inputWindowMilliseconds: w).json.serialized())
            let summary = try SummaryAnalysis(stream)
            #expect(summary.score == DescribeStatistics(reader.series.score.filter { !$0.isNaN }))
            #expect(summary.windowMilliseconds == reader.series.inferredWindowMilliseconds)
        }
    }

    @Test("a stream checks what loading checked: several symbols, --symbol filtering, no usable rows")
    func streamChecks() throws {
        let btc = try Self.write(Self.csv(30, start: 1_772_236_800, symbol: "BTCUSDT"))
        let eth = try Self.write(Self.csv(20, start: 1_772_236_800, symbol: "ETHUSDT"))
        let empty = try Self.write(HostileInputTests.header)
        defer { for p in [btc, eth, empty] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(throws: ResultReadError.severalSymbols(["BTCUSDT", "ETHUSDT"])) { try ResultStream([btc, eth], symbol: nil, strict: false).check() }
        let only = try ResultStream([btc, eth], symbol: "ethusdt", strict: false)
        #expect(try Self.rows(only).count == 20)
        #expect(only.symbols[1] == "ETHUSDT")
        #expect(throws: ResultReadError.noUsableRows("no result rows in the input (only a header)")) {
            try ResultStream([empty], symbol: nil, strict: false).check()
        }
    }
}

private extension Double {
    func rounded(toPlaces p: Int) -> Double { (self * pow(10, Double(p))).rounded() / pow(10, Double(p)) }
}
