import Foundation
import Testing
import TestSupport

/// bnc-window, built, on the real Binance captures in ../shared/data, checked against the
/// independent Python reference (scripts/reference/window_reference.py, standard library only).
@Suite("bnc-window matches the Python reference on the real captures", .integration, .serialized)
struct WindowEndToEndTests {
    typealias Row = WindowRows.Row

    static let captures2024 = ["hftbacktest_spot_btcusdt_20240808.gz", "hftbacktest_spot_btcusdt_20240809.gz"]
    static let capture2023 = ["hftbacktest_spot_btcusdt_20230405.gz"]

    /// The trade lines of `files` exactly as the data README extracts them (combined-stream form).
    static func tradeLines(_ files: [String]) throws -> [String] {
        let paths = files.map { ToolRunner.sharedData.appendingPathComponent($0).path }
        let result = try ToolRunner.shell("zcat \(paths.joined(separator: " ")) | grep '@trade' | cut -d' ' -f2-")
        try #require(result.status == 0, "\(result.stderrText)")
        return result.stdoutText.split(separator: "\n").map(String.init)
    }




    static func reference(_ arguments: [String]) throws -> [Row] {
        try WindowRows.parse(try ReferencePython.text("scripts/reference/window_reference.py", arguments))
    }

    static let keys = ["symbol", "start", "end", "trade_count", "volume", "avg_trade_size", "price_return",
                       "price_volatility", "open", "high", "low", "close", "vwap", "quote_volume", "buy_volume",
                       "max_trade_size", "first_trade_id", "last_trade_id", "missing_trades", "duplicates",
                       "late_trades", "complete", "outlier_trades"]
    static let exactKeys: Set = ["symbol", "start", "end", "trade_count", "first_trade_id", "last_trade_id",
                                 "missing_trades", "duplicates", "late_trades", "complete", "outlier_trades", "open", "high",
                                 "low", "close", "max_trade_size"]

    /// Same rows, same order; counts, ids, flags and prices exact, sums and ratios within 1e-9.
    static func expectSame(_ ours: [Row], _ theirs: [Row], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.count == theirs.count, "row count", sourceLocation: sourceLocation)
        for (a, b) in zip(ours, theirs) {
            #expect(a.keys.sorted() == keys.sorted(), sourceLocation: sourceLocation)
            for key in keys {
                let x = a[key], y = b[key]
                if x is NSNull || y is NSNull {
                    #expect(x is NSNull && y is NSNull, "\(key) at \(b["start"] ?? "")", sourceLocation: sourceLocation)
                } else if exactKeys.contains(key) {
                    #expect("\(x!)" == "\(y!)", "\(key) at \(b["start"] ?? "")", sourceLocation: sourceLocation)
                } else {
                    let u = (x as? NSNumber)?.doubleValue ?? .nan, v = (y as? NSNumber)?.doubleValue ?? .nan
                    let close = abs(u - v) <= 1e-9 * max(abs(u), abs(v)) || abs(u - v) < 1e-12
                    #expect(close, "\(key) at \(b["start"] ?? ""): \(u) vs \(v)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    static func sum(_ rows: [Row], _ key: String) -> Int {
        rows.reduce(0) { $0 + (($1[key] as? NSNumber)?.intValue ?? 0) }
    }

    @Test func captures2024MatchTheReference() throws {
        let directory = try ToolRunner.temporaryDirectory("bnc-window")
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try Self.tradeLines(Self.captures2024)
        #expect(lines.count == 19_904)
        let path = try WindowRows.write(lines, in: directory)
        let (rows, result) = try WindowRows.run([path])
        #expect(result.status == 0)
        #expect(Self.sum(rows, "trade_count") == 19_904)
        #expect(Self.sum(rows, "missing_trades") == 0)
        #expect(Self.sum(rows, "duplicates") == 0 && Self.sum(rows, "late_trades") == 0)
        // Partial first window and the window still open at end of input are not complete.
        #expect(rows.first?["complete"] as? Bool == false)
        #expect(rows.last?["complete"] as? Bool == false)
        #expect(rows.dropFirst().dropLast().allSatisfy { $0["complete"] as? Bool == true })
        // Windows are contiguous and aligned.
        for (a, b) in zip(rows, rows.dropFirst()) { #expect("\(a["end"]!)" == "\(b["start"]!)") }
        #expect(((rows.first?["start"] as? NSNumber)?.int64Value ?? 1) % 20_000 == 0)
        #expect(result.stderrText.contains("19904 trades"))
        Self.expectSame(rows, try Self.reference([path]))

        // Other window sizes and the event time field agree with the reference too.
        for (window, ms) in [("500ms", "500"), ("5s", "5000"), ("1m", "60000")] {
            let (r, _) = try WindowRows.run(["--window", window, "--quiet", path])
            Self.expectSame(r, try Self.reference(["--window-ms", ms, path]))
        }
        let (byEvent, _) = try WindowRows.run(["--time-field", "event", "--lateness", "0", path])
        Self.expectSame(byEvent, try Self.reference(["--time-field", "event", "--lateness-ms", "0", path]))
    }

    @Test func oldPayload2023MatchesTheReference() throws {
        let directory = try ToolRunner.temporaryDirectory("bnc-window")
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try Self.tradeLines(Self.capture2023)
        #expect(lines.count == 3_144)
        let path = try WindowRows.write(lines, in: directory)
        let (rows, result) = try WindowRows.run([path])
        #expect(result.status == 0)
        #expect(Self.sum(rows, "trade_count") == 3_144)
        #expect(Self.sum(rows, "missing_trades") == 0)
        Self.expectSame(rows, try Self.reference([path]))
    }

    @Test func damagedCaptureIsCountedAndFlagged() throws {
        let directory = try ToolRunner.temporaryDirectory("bnc-window")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clean = try Self.tradeLines(Self.captures2024)
        let (cleanRows, _) = try WindowRows.run([try WindowRows.write(clean, in: directory, name: "clean.ndjson")])

        var damaged = clean
        // 1. Delete 250 consecutive trades (ids vanish from the stream).
        damaged.removeSubrange(5_000..<5_250)
        // 2. Duplicate 7 lines right after themselves.
        for i in [100, 2_000, 9_000, 12_000, 15_000, 18_000, 19_000] { damaged.insert(damaged[i], at: i + 1) }
        // 3. Garbage: binary junk, truncated JSON, a depth update, an empty line.
        damaged.insert("\u{1}\u{2}garbage", at: 300)
        damaged.insert(String(clean[10].prefix(40)), at: 700)
        damaged.insert(#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}}"#, at: 800)
        damaged.insert("", at: 900)
        // 4. Swap neighbours (reordered within the lateness: same or adjacent milliseconds).
        for i in stride(from: 1_000, to: 4_000, by: 97) { damaged.swapAt(i, i + 1) }
        let path = try WindowRows.write(damaged, in: directory, name: "damaged.ndjson")

        let (rows, result) = try WindowRows.run(["--max-errors", "2", path])
        #expect(result.status == 0)
        #expect(Self.sum(rows, "trade_count") == 19_904 - 250)
        #expect(Self.sum(rows, "missing_trades") == 250)
        #expect(Self.sum(rows, "duplicates") == 7)
        #expect(Self.sum(rows, "late_trades") == 0)
        #expect(rows.count == cleanRows.count)
        let gapRows = rows.filter { ($0["missing_trades"] as? Int ?? 0) > 0 }
        #expect(gapRows.count == 1)
        #expect(gapRows.first?["complete"] as? Bool == false)
        #expect(Self.sum(rows.map { r in r["complete"] as? Bool == true ? ["n": 1] : ["n": 0] }, "n")
            == Self.sum(cleanRows.map { r in r["complete"] as? Bool == true ? ["n": 1] : ["n": 0] }, "n") - 1)
        // Bad lines: named (the first two), then counted.
        let diagnostics = result.stderrText.split(separator: "\n")
        #expect(diagnostics.filter { $0.hasPrefix("bnc-window: \(path):") }.count == 2)
        #expect(diagnostics.contains { $0.hasPrefix("bnc-window: \(path):301: ") })
        #expect(result.stderrText.contains("bad lines 4 of \(damaged.count)"))
        Self.expectSame(rows, try Self.reference([path]))

        // Reordering alone changes nothing: same rows as the clean capture.
        var reordered = clean
        for i in stride(from: 1_000, to: 19_000, by: 53) { reordered.swapAt(i, i + 1) }
        let (reorderedRows, _) = try WindowRows.run([try WindowRows.write(reordered, in: directory, name: "reordered.ndjson")])
        Self.expectSame(reorderedRows, cleanRows)
    }

    @Test func lateTradesBeyondTheLatenessAreDropped() throws {
        let directory = try ToolRunner.temporaryDirectory("bnc-window")
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = try Self.tradeLines(Self.captures2024)
        // Move 3 trades ~15000 lines (minutes) later: far beyond a 1 s lateness, their windows have closed.
        for i in [1_000, 2_000, 3_000] { let line = lines.remove(at: i); lines.insert(line, at: i + 15_000) }
        let path = try WindowRows.write(lines, in: directory)
        let (rows, result) = try WindowRows.run([path])
        #expect(result.status == 0)
        #expect(Self.sum(rows, "late_trades") == 3)
        #expect(Self.sum(rows, "trade_count") == 19_904 - 3)
        // Their ids were skipped when they should have come; the windows charged with those gaps
        // closed long before the trades arrived, so the ids stay counted missing there.
        #expect(Self.sum(rows, "missing_trades") == 3)
        Self.expectSame(rows, try Self.reference([path]))
    }
}
