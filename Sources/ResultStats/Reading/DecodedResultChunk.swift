import BNCCore

/// A line-aligned range of a results file decoded on a parsing thread (`ResultReader`'s
/// parallel read, `OrderedChunkMap`): its rows and its bad lines, in their order, with line
/// numbers counted from the range's start.
///
/// Only what depends on the range alone is done here — finding the lines, `ResultLineDecoder`'s
/// values and checks, the score / prediction rule. What depends on the rows before it (the
/// stream's symbol and reason tables, `--strict`, the sink) stays with the one thread that takes
/// the ranges in file order, so the rows, their indices and the bad lines reported are those of
/// one sequential read, bit for bit. Symbols and reasons are therefore indices into tables of the
/// range's own (`symbols`, `reasons`), resolved against the stream's when the range is taken.
struct DecodedResultChunk: Sendable {
    /// A line that is not a row: why, where (1-based within the range), and how many rows of the
    /// range come before it.
    struct BadLine: Sendable {
        var line: Int
        var rowsBefore: Int
        var reason: String
    }

    /// The rows as the sink gets them, except `symbol` and `reason`: 0 for none, k for
    /// `symbols[k - 1]` / `reasons[k - 1]`. A row without a score has no reason (as `ResultReader`).
    var rows: [ResultRow] = []
    /// Each row's line number within the range (for a row the taker must still refuse: its
    /// symbol would pass `ResultSeries.maxSymbols`).
    var rowLines: [Int32] = []
    var badLines: [BadLine] = []
    /// The symbols' bytes as written (the taker upper-cases them, as the sequential read does).
    var symbols: [[UInt8]] = []
    var reasons: [String] = []
    /// Lines in the range (rows, bad lines and blank lines).
    var lines = 0

    /// Decodes the lines of `bytes` (whole lines, each ending with `\n`) with a copy of the
    /// file's decoder (its header already read); `recycled` is a chunk already taken, whose
    /// storage is reused.
    static func decode(_ bytes: UnsafeRawBufferPointer, decoder: ResultLineDecoder, maxLineLength: Int,
                       reusing recycled: inout DecodedResultChunk?) -> DecodedResultChunk {
        var chunk = recycled.take() ?? DecodedResultChunk()
        chunk.rows.removeAll(keepingCapacity: true)
        chunk.rowLines.removeAll(keepingCapacity: true)
        chunk.badLines.removeAll(keepingCapacity: true)
        chunk.symbols.removeAll(keepingCapacity: true)
        chunk.reasons.removeAll(keepingCapacity: true)
        chunk.lines = 0
        guard let base = bytes.baseAddress, bytes.count > 0 else { return chunk }
        if chunk.rows.capacity == 0 {
            // bnc-score's rows take about 190 bytes of text (the original's about 100: the arrays
            // then grow once, and keep their size when the chunk is recycled).
            chunk.rows.reserveCapacity(bytes.count / 128)
            chunk.rowLines.reserveCapacity(bytes.count / 128)
        }
        var decoder = decoder
        var reasonLookup: [String: UInt16] = [:]
        var symbolLookup: [[UInt8]: Int] = [:]
        var lastSymbol = 0   // 1-based index of the last symbol met, 0 before any
        let n = bytes.count
        var position = 0
        var number = 0
        while position < n {
            let end = memchr(base + position, 0x0A, n - position).map { UnsafeRawPointer($0) - base } ?? n
            number += 1
            defer { position = end + 1 }
            var length = end - position
            if length > maxLineLength {
                chunk.badLines.append(BadLine(line: number, rowsBefore: chunk.rows.count, reason: "line of \(length) bytes is too long"))
                continue
            }
            if length > 0, bytes[position + length - 1] == 0x0D { length -= 1 }
            let line = UnsafeRawBufferPointer(start: base + position, count: length)
            let row: ResultLineDecoder.Row
            switch decoder.decode(line) {
            case .blank: continue
            case .bad(let reason):
                chunk.badLines.append(BadLine(line: number, rowsBefore: chunk.rows.count, reason: reason))
                continue
            case .row(let decoded): row = decoded
            }
            var symbol: UInt16 = 0
            if let range = row.symbol {
                let written = UnsafeRawBufferPointer(rebasing: line[range])
                if lastSymbol == 0 || !Self.sameSymbol(chunk.symbols[lastSymbol - 1], written) {
                    // Upper-cased here as the taker does (symbols are printable ASCII), so the
                    // range's table holds each of the stream's symbols once.
                    let key = written.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
                    if let k = symbolLookup[key] {
                        lastSymbol = k
                    } else if chunk.symbols.count < ResultSeries.maxSymbols {
                        chunk.symbols.append(key)
                        lastSymbol = chunk.symbols.count
                        symbolLookup[key] = lastSymbol
                    } else {
                        // More distinct symbols in this range alone than the stream's table holds.
                        chunk.rows.append(ResultRow(timestamp: 0, tradeCount: 0, volume: 0, avgTradeSize: 0, ret: 0, volatility: 0,
                                                    score: .nan, prediction: 0, symbol: Self.tooManySymbols))
                        chunk.rowLines.append(Int32(number))
                        continue
                    }
                }
                symbol = UInt16(lastSymbol)
            }
            let (score, prediction) = ResultReader.scoreAndPrediction(row)
            var reason: UInt16 = 0
            if !score.isNaN, let text = row.reason {
                if let k = reasonLookup[text] {
                    reason = k
                } else {
                    chunk.reasons.append(text)
                    reason = UInt16(chunk.reasons.count)
                    reasonLookup[text] = reason
                }
            }
            chunk.rows.append(ResultRow(timestamp: row.timestamp!, windowEnd: row.windowEnd, tradeCount: row.tradeCount,
                                        volume: row.volume, avgTradeSize: row.avgTradeSize, ret: row.ret,
                                        volatility: row.volatility, score: score, prediction: prediction,
                                        symbol: symbol, reason: reason))
            chunk.rowLines.append(Int32(number))
        }
        chunk.lines = number
        return chunk
    }

    /// The `symbol` of a row whose symbol the stream's table cannot take (the taker refuses it).
    static let tooManySymbols = UInt16.max

    /// Whether `written` is `upper` as the file spells it (any case).
    @inline(__always)
    private static func sameSymbol(_ upper: [UInt8], _ written: UnsafeRawBufferPointer) -> Bool {
        guard upper.count == written.count else { return false }
        for k in 0..<upper.count {
            let b = written[k]
            if (b >= 0x61 && b <= 0x7A ? b - 0x20 : b) != upper[k] { return false }
        }
        return true
    }
}
