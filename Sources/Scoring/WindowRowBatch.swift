import BNCCore
import BNCWire

/// The window rows of one line-aligned range of a file, parsed on a worker thread
/// (`OrderedChunkMap`) for `bnc-score --batch --threads N`, and handed to `ScoringEngine.absorb`
/// in file order.
///
/// Only what a worker can decide alone is decided here: each line split and parsed, its symbol's
/// bytes kept. Whatever depends on the rows before it (a symbol's collector, the symbol limit,
/// the first-row check of `--features`, the bad-line report) is left to the engine, which sees
/// the rows and the other lines in their file order, so the run is the one-stream run.
package struct WindowRowBatch: Sendable {
    /// The parsed rows (their `symbol` column unset: symbols become indices in `absorb`).
    var rows: BatchTable
    /// Row `i`'s symbol is `symbolBytes[symbolEnds[i - 1]..<symbolEnds[i]]` (from 0 for row 0).
    var symbolBytes: [UInt8] = []
    var symbolEnds: [Int32] = []
    /// Row `i`'s 1-based line number within the range.
    var rowLines: [Int] = []
    /// Lines that did not parse, in order, for the engine to handle as it would in one stream.
    var otherLines: [OtherLine] = []
    /// Lines in the range (blank ones included), so the next range's numbers follow on.
    package private(set) var lines = 0

    struct OtherLine: Sendable {
        /// Rows of this batch before it.
        var rowsBefore: Int
        /// 1-based line number within the range.
        var line: Int
        /// The line's bytes (nil for a line over the cap, which `length` then counts).
        var bytes: [UInt8]?
        var length: Int
    }

    init(featureCount: Int) { rows = BatchTable(featureCount: featureCount) }

    var count: Int { rows.count }

    /// Parses `bytes`, which hold whole lines (the last one may lack its `\\n`), into the storage
    /// of `recycled` if given (a batch already absorbed).
    package static func parse(_ bytes: UnsafeRawBufferPointer, featureNames: [String],
                              reusing recycled: inout WindowRowBatch?) -> WindowRowBatch {
        var batch = recycled.take() ?? WindowRowBatch(featureCount: featureNames.count)
        batch.rows.removeAll()
        batch.symbolBytes.removeAll(keepingCapacity: true)
        batch.symbolEnds.removeAll(keepingCapacity: true)
        batch.rowLines.removeAll(keepingCapacity: true)
        batch.otherLines.removeAll(keepingCapacity: true)
        // Room for the rows at once (rows are over 64 bytes; untouched room costs no page), so a
        // fresh batch's arrays are not copied into larger ones again and again as they fill (and,
        // reserved once emptied, a recycled batch's old rows are not copied either).
        let rowsAtMost = bytes.count / 64 + 16
        batch.rows.reserveCapacity(rowsAtMost)
        batch.symbolEnds.reserveCapacity(rowsAtMost)
        batch.rowLines.reserveCapacity(rowsAtMost)
        batch.symbolBytes.reserveCapacity(bytes.count / 8)
        var parser = WindowRowReader(featureNames: featureNames)
        var row = WindowRowReader.Fields(featureCount: featureNames.count)
        var splitter = LineSplitter(maxLineLength: WireLimits.maxLineLength)
        // A static function with everything `inout`, not a nested function capturing the three
        // values: each capture cost a dynamic exclusivity check per line.
        splitter.push(bytes) { line, number in
            take(line, number, &batch, &parser, &row)
            return true
        }
        splitter.finish { line, number in
            take(line, number, &batch, &parser, &row)
            return true
        }
        batch.lines = splitter.lineNumber
        return batch
    }

    /// One line of `parse`: a row, a bad line, or nothing (a blank line).
    private static func take(_ line: LineSplitter.Line, _ number: Int, _ batch: inout WindowRowBatch,
                             _ parser: inout WindowRowReader, _ row: inout WindowRowReader.Fields) {
        guard case .text(let text) = line else {
            if case .oversized(let length) = line {
                batch.otherLines.append(OtherLine(rowsBefore: batch.count, line: number, bytes: nil, length: length))
            }
            return
        }
        // As `ScoringEngine.process`: blank lines are no rows and no bad lines.
        if text.isEmpty || text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        do {
            try parser.parse(text, into: &row)
        } catch {
            batch.otherLines.append(OtherLine(rowsBefore: batch.count, line: number, bytes: Array(text), length: text.count))
            return
        }
        batch.symbolBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[row.symbolRange]))
        batch.symbolEnds.append(Int32(batch.symbolBytes.count))
        batch.rowLines.append(number)
        batch.rows.append(row, symbol: -1)
    }
}
