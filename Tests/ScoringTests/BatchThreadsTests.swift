import BNCCore
import Foundation
import Testing
import TestSupport
@testable import Scoring

/// `bnc-score --batch --threads N` in process: a file cut into many small ranges (parsed on N
/// threads) and rows encoded in many small blocks (on N threads) give the output file and the
/// model file of `--threads 1` byte for byte, in every format, with bad lines, blank lines, an
/// oversized line, several symbols, incomplete and null-feature rows, and a last line without `\n`.
@Suite("bnc-score --batch --threads", .serialized)
struct BatchThreadsTests {
    /// 1,800 rows of three symbols, interleaved, with every kind of line that is not a row.
    static func mixedInput() -> String {
        var lines: [String] = []
        let symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
        for i in 0..<600 {
            for (k, symbol) in symbols.enumerated() {
                lines.append(WindowRows.line(symbol: symbol, index: i, complete: i % 97 != 5, spike: (i + k) % 150 == 7))
            }
            switch i {
            case 3: lines.append("not json at all")
            case 40: lines.append("")
            case 41: lines.append("   \t ")
            case 77: lines.append(#"{"symbol":"BTCUSDT","start":1}"#)
            case 200: lines.append(String(repeating: "x", count: (1 << 20) + 10))
            case 333: lines.append(#"{"symbol":"ETHUSDT","start":1772294480000,"end":1772294500000,"trade_count":0,"volume":0,"avg_trade_size":null,"price_return":null,"price_volatility":null,"complete":true}"#)
            case 400, 401, 402, 555: lines.append("{\"oops\":\(i)}")
            default: break
            }
        }
        // The last line without its `\n`: left to the one-stream reader after the ranges.
        return lines.joined(separator: "\n") + "\n" + WindowRows.line(symbol: "ETHUSDT", index: 600)
    }

    /// Runs a batch over `input` with `threads` and returns the output file's and the model file's bytes.
    static func run(_ input: String, format: ResultFormat, threads: Int, in dir: URL) throws -> (output: Data, model: Data) {
        let tag = "\(format.rawValue)-\(threads)"
        let output = dir.appendingPathComponent("out-\(tag)").path
        let model = dir.appendingPathComponent("model-\(tag).bncmodel").path
        let options = ScoringOptions(parameters: .init(treeCount: 20, profile: .defaultProfile), batch: true, format: format,
                                     outputPath: output, modelPath: model, quiet: true, threads: threads,
                                     parallelChunkSize: 16 << 10, batchBlockRows: 100)
        try ScoringSessionTests.run(options, [input])
        return (try Data(contentsOf: URL(fileURLWithPath: output)), try Data(contentsOf: URL(fileURLWithPath: model)))
    }

    @Test("threads 2 and 3 write the bytes of threads 1: csv, ndjson, original")
    func threadsGiveTheSameBytes() throws {
        let dir = try ToolRunner.temporaryDirectory("batch-threads")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("rows.ndjson")
        try Data(Self.mixedInput().utf8).write(to: input)
        // Many ranges indeed: the parallel reading is what is tested.
        let fd = open(input.path, O_RDONLY)
        defer { close(fd) }
        let size = Int(lseek(fd, 0, SEEK_END))
        let chunks = try #require(LineAlignedChunks.cut(fileDescriptor: fd, from: 0, size: size, targetSize: 16 << 10))
        #expect(chunks.count > 20)
        for format in ResultFormat.allCases {
            let one = try Self.run(input.path, format: format, threads: 1, in: dir)
            let rows = String(decoding: one.output, as: UTF8.self).split(separator: "\n")
            // 1,802 rows (one of them with null features, one the last line); the header except in NDJSON.
            #expect(rows.count == 1_802 + (format == .ndjson ? 0 : 1), "\(format)")
            for threads in [2, 3] {
                let many = try Self.run(input.path, format: format, threads: threads, in: dir)
                #expect(many.output == one.output, "\(format), --threads \(threads): rows differ")
                #expect(many.model == one.model, "\(format), --threads \(threads): model files differ")
            }
        }
    }

    @Test("ranges parsed apart and absorbed in order: the rows and counters of one stream, and blocks written through a row-by-row sink")
    func absorbMatchesProcess() throws {
        let lines = Self.mixedInput().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func engine(_ collector: RowCollector) throws -> ScoringEngine {
            try ScoringEngine(options: ScoringOptions(parameters: .init(treeCount: 10, profile: .defaultProfile), batch: true,
                                                      quiet: true, threads: 2, batchBlockRows: 77),
                              sink: MemorySink(collector: collector))
        }
        let straight = RowCollector(), split = RowCollector()
        let one = try engine(straight), many = try engine(split)
        try StopFlag.exclusive(clear: { SignalTrap.requestStop(0) }) {
            try WindowRows.feed(one, lines)
            try one.finish()
            // Ranges of 37 lines, as a worker would parse them; then absorbed in order.
            var lineBase = 0
            var recycled: WindowRowBatch? = nil
            for from in stride(from: 0, to: lines.count, by: 37) {
                let text = lines[from..<min(lines.count, from + 37)].joined(separator: "\n") + "\n"
                let parsed = Array(text.utf8).withUnsafeBytes { WindowRowBatch.parse($0, featureNames: ScoringOptions.defaultFeatures, reusing: &recycled) }
                #expect(try many.absorb(parsed, lineBase: lineBase, source: "test"))
                lineBase += parsed.lines
                recycled = parsed
            }
            #expect(lineBase == lines.count)
            try many.finish()
        }
        #expect(split.rows.count == 1_802)
        #expect(split.rows == straight.rows)
        let counted: [Int] = [many.rowsRead, many.badLines, many.rowsWritten, many.rowsScored, many.unscorableRows]
        let expected: [Int] = [one.rowsRead, one.badLines, one.rowsWritten, one.rowsScored, one.unscorableRows]
        #expect(counted == expected)
        #expect(many.badLines == 7 && many.unscorableRows == 1)
        // Line numbers run on across ranges: the bad lines are named where they are.
        #expect(many.firstBadLines == one.firstBadLines)
        #expect(one.firstBadLines == [13, 238, 608, 1210, 1214])
    }
}
