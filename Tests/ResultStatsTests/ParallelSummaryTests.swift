import Foundation
import Testing
import BNCCore
@testable import ResultStats

/// `bnc-stats summary --threads` (issue 15): a regular file cut into many line-aligned ranges
/// (forced small here) and decoded on several threads gives, byte for byte, the text and JSON of
/// one thread — the same rows in the same order (so the same floating-point sums), the same bad
/// lines with the same line numbers, the same symbol and reason tables — in both CSV layouts
/// (13 columns, and 14 with `reason`), in NDJSON, with `--strict`, `--symbol`, and an input that
/// has to be sorted.
@Suite("summary on several threads")
struct ParallelSummaryTests {
    static let header13 = ReasonReadingTests.header13
    static let header14 = ReasonReadingTests.header14
    static let reasons = ["volume↑;trade_count↑", "price_return↓", "price_volatility↑;volume↑", "avg_trade_size↓", "trade_count↑"]

    /// `n` rows of our CSV (`reason` when `withReason`), 20 s apart, with warm-up rows, anomalies,
    /// symbols written in either case, bad lines of several kinds, blank and CRLF lines, an exact
    /// repeat, and no `\n` after the last line.
    static func csv(_ n: Int, withReason: Bool, seed: UInt64, symbols: [String] = ["BTCUSDT", "btcusdt"]) -> String {
        var g = SplitMix64(seed: seed)
        var text = withReason ? header14 : header13
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let start = 1_772_236_800
        var previous = ""
        for k in 0..<n {
            let t = Date(timeIntervalSince1970: TimeInterval(start + 20 * k))
            let u = Double(g.next() >> 11) / Double(1 << 53)
            let v = Double(g.next() >> 11) / Double(1 << 53)
            let scored = k >= 40
            let anomaly = scored && u < 0.15
            let score = scored ? "\(anomaly ? -u * 0.3 : u * 0.25)" : ""
            let prediction = scored ? (anomaly ? "-1" : "1") : ""
            let reason = withReason && anomaly ? "," + reasons[Int(v * Double(reasons.count))] : (withReason ? "," : "")
            let symbol = symbols[k % 13 == 0 ? 1 % symbols.count : 0]
            var line = "\(f.string(from: t)),\(10 + Int(v * 3000)),\(u * 3.7),\(v * 0.01),\((u - 0.5) * 1e-3),\(v * 20),\(score),\(prediction),\(symbol),\(f.string(from: t.addingTimeInterval(20))),true,\(scored ? 1 : 0),\(scored ? "\(u)" : "")\(reason)"
            switch k % 97 {
            case 11: line = line.replacingOccurrences(of: ",true,", with: ",true,x,")       // a field too many
            case 23: line = line.replacingOccurrences(of: ",\(10 + Int(v * 3000)),", with: ",ten,")   // a bad number
            case 37: line += "\r"                                                              // CRLF
            case 51: text += "\n"                                                              // a blank line first
            case 64 where withReason && anomaly: line = String(line.dropLast(2)) + "x"          // a bad reason
            case 70: text += previous + "\n"                                                   // an exact repeat
            case 83: line = "\"" + line                                                        // bad quoting
            default: break
            }
            text += line + (k == n - 1 ? "" : "\n")
            previous = line
        }
        return text
    }

    static func write(_ text: String, suffix: String = "csv") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-\(UUID().uuidString).\(suffix)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// What `bnc-stats summary` prints, on stdout and stderr, for `paths` read by `threads`
    /// threads in ranges of about 4 KiB; and how many ranges were decoded on threads.
    struct Output: Equatable {
        var text = "", json = ""
        var tables = Tables()
        var error: String? { tables.error }
        var skippedRows: Int { tables.skippedRows }
        var skipped: [ResultReader.SkippedRow] { tables.skipped }
        var repeatedRows: Int { tables.repeatedRows }
        var files: [String] { tables.files }
        var symbols: [String] { tables.symbols }
        var reasons: [String] { tables.reasons }
    }

    /// The error, the diagnostics and the tables a pass leaves.
    struct Tables: Equatable {
        var error: String? = nil
        var skippedRows = 0, skipped: [ResultReader.SkippedRow] = [], repeatedRows = 0, conflictingRows = 0
        var files: [String] = [], symbols: [String] = [], reasons: [String] = []
    }

    static func summary(_ paths: [String], threads: Int, symbol: String? = nil, strict: Bool = false,
                        chunkSize: Int = 4096) -> (Output, ranges: Int) {
        var out = Output()
        var ranges = 0
        do {
            let stream = try ResultStream(paths, symbol: symbol, strict: strict, threads: threads)
            stream.parallelChunkSize = chunkSize
            stream.sortRunRows = 211
            defer {
                out.tables.skippedRows = stream.skippedRows; out.tables.skipped = stream.skipped
                out.tables.repeatedRows = stream.repeatedRows; out.tables.conflictingRows = stream.conflictingRows
                out.tables.files = stream.files; out.tables.symbols = stream.symbols; out.tables.reasons = stream.reasons
                ranges = stream.rangesDecoded
            }
            let summary = try stream.analyse { (s: ResultStream) throws(ResultReadError) in try SummaryAnalysis(s) }
            out.text = summary.text()
            out.json = summary.json.serialized()
        } catch {
            out.tables.error = error.description
        }
        return (out, ranges)
    }

    /// `--threads 2` and `3` against `--threads 1` on `paths`; the threads must have decoded
    /// at least `minRanges` ranges.
    static func expectSame(_ paths: [String], symbol: String? = nil, strict: Bool = false, minRanges: Int,
                           sourceLocation: SourceLocation = #_sourceLocation) -> Output {
        let (one, none) = summary(paths, threads: 1, symbol: symbol, strict: strict)
        #expect(none == 0, "one thread reads in one stream", sourceLocation: sourceLocation)
        for threads in [2, 3] {
            let (many, ranges) = summary(paths, threads: threads, symbol: symbol, strict: strict)
            #expect(ranges >= minRanges, "--threads \(threads): \(ranges) ranges", sourceLocation: sourceLocation)
            #expect(many.text == one.text, "--threads \(threads): text differs", sourceLocation: sourceLocation)
            #expect(many.json == one.json, "--threads \(threads): JSON differs", sourceLocation: sourceLocation)
            #expect(many.tables == one.tables, "--threads \(threads): diagnostics or tables differ", sourceLocation: sourceLocation)
        }
        return one
    }

    @Test("13 and 14 columns: text, JSON, bad lines (and their numbers), repeats, reasons as one thread", arguments: [false, true])
    func csvLayouts(withReason: Bool) throws {
        let path = try Self.write(Self.csv(3_000, withReason: withReason, seed: withReason ? 14 : 13))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let one = Self.expectSame([path], minRanges: 100)
        #expect(one.error == nil)
        #expect(one.skippedRows >= 3 * 30, "bad lines all over the file: \(one.skippedRows)")
        #expect(one.skipped.count == 5 && one.skipped.allSatisfy { $0.line > 1 })
        #expect(one.repeatedRows == (0..<3_000).filter { $0 % 97 == 70 }.count)
        #expect(one.symbols == ["", "BTCUSDT"], "both spellings are one symbol")
        #expect(one.text.contains("anomalies by leading feature") == withReason)
        if withReason { #expect(one.reasons.count == Self.reasons.count + 1) }
    }

    @Test("--strict stops at the same line; an oversized line is refused at the same line")
    func strictAndOversized() throws {
        let text = Self.csv(1_500, withReason: true, seed: 5)
        let path = try Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // (A pass that stops at an error does not report its ranges.)
        let strict = Self.expectSame([path], strict: true, minRanges: 0)
        #expect(strict.error?.contains(":\(1 + 12):") == true, "the first bad line (row 11, a field too many): \(strict.error ?? "")")
        // A line over the 1 MiB limit in the middle of a clean file, and a bad row after it.
        var lines = StreamingTests.csv(1_500, start: 1_772_236_800).split(separator: "\n").map(String.init)
        lines.insert(String(repeating: "9", count: (1 << 20) + 10), at: 700)
        lines[1_200] = lines[1_200].replacingOccurrences(of: "BTCUSDT", with: "BTC USDT")
        let long = try Self.write(lines.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: long) }
        let out = Self.expectSame([long], minRanges: 50)
        #expect(out.skipped.map(\.line) == [701, 1_201])
        #expect(out.skipped.first?.reason == "line of \((1 << 20) + 10) bytes is too long")
        let strictLong = Self.expectSame([long], strict: true, minRanges: 0)
        #expect(strictLong.error?.contains(":701: line of") == true)
    }

    @Test("several symbols: --symbol picks one, none is the same error; NDJSON; an input that must be sorted")
    func symbolsNDJSONAndSorting() throws {
        let two = try Self.write(Self.csv(2_000, withReason: true, seed: 8, symbols: ["ETHUSDT", "BTCUSDT"]))
        defer { try? FileManager.default.removeItem(atPath: two) }
        let eth = Self.expectSame([two], symbol: "ethusdt", minRanges: 50)
        #expect(eth.error == nil && eth.symbols == ["", "ETHUSDT", "BTCUSDT"])
        let neither = Self.expectSame([two], minRanges: 50)
        #expect(neither.error?.contains("BTCUSDT, ETHUSDT") == true)

        // NDJSON: the first line is a row too.
        let rows = try ResultReader.read([InputFile(two)]).series
        var ndjson = ""
        for i in 0..<rows.count {
            let r = rows.row(i)
            let score = r.score.isNaN ? "null" : "\(r.score)"
            let reason = rows.reason(i).map { "\"\($0)\"" } ?? "null"
            ndjson += "{\"timestamp\":\(r.timestamp),\"trade_count\":\(r.tradeCount),\"volume\":\(r.volume),\"avg_trade_size\":\(r.avgTradeSize),\"return\":\(r.ret),\"volatility\":\(r.volatility),\"score\":\(score),\"prediction\":\(r.isScored ? "\(r.prediction)" : "null"),\"symbol\":\"\(rows.symbols[Int(r.symbol)])\",\"reason\":\(reason)}\n"
            if i % 101 == 7 { ndjson += "{\"timestamp\":\"yesterday\"}\n" }
        }
        let json = try Self.write(ndjson, suffix: "ndjson")
        defer { try? FileManager.default.removeItem(atPath: json) }
        let fromJSON = Self.expectSame([json], symbol: "BTCUSDT", minRanges: 50)
        #expect(fromJSON.error == nil && fromJSON.skippedRows == (0..<rows.count).filter { $0 % 101 == 7 }.count)

        // Two files out of time order: the first pass stops, the input is sorted into runs (read
        // on threads too), and the summary starts over.
        let early = try Self.write(Self.csv(800, withReason: true, seed: 9))
        defer { try? FileManager.default.removeItem(atPath: early) }
        let later = try Self.write(Self.csv(800, withReason: true, seed: 10).replacingOccurrences(of: "2026-02-", with: "2026-03-"))
        defer { try? FileManager.default.removeItem(atPath: later) }
        let sorted = Self.expectSame([later, early], minRanges: 20)
        #expect(sorted.error == nil && sorted.files.count == 2)
    }

    @Test("the original project's 8-column CSV (local wall-clock times, no symbol)")
    func originalLayout() throws {
        var text = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction\n"
        for line in Self.csv(2_500, withReason: false, seed: 21).split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).prefix(8)
            text += fields.joined(separator: ",").replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: ".000Z", with: "") + "\n"
        }
        let path = try Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let one = Self.expectSame([path], minRanges: 50)
        #expect(one.error == nil && one.skippedRows > 0 && one.text.contains("local wall clock"))
    }

    @Test("a file smaller than one range, or only a header, is read in one stream")
    func smallFiles() throws {
        let small = try Self.write(Self.csv(20, withReason: false, seed: 1))
        let header = try Self.write(Self.header14)
        defer { for p in [small, header] { try? FileManager.default.removeItem(atPath: p) } }
        let (one, _) = Self.summary([small], threads: 1, chunkSize: 1 << 20)
        let (two, ranges) = Self.summary([small], threads: 2, chunkSize: 1 << 20)
        #expect(ranges == 0 && two == one && one.error == nil)
        let (h1, _) = Self.summary([header], threads: 1)
        let (h2, _) = Self.summary([header], threads: 2)
        #expect(h1 == h2 && h1.error?.contains("only a header") == true)
    }
}
