import BNCCore

/// The trade lines of a stretch of whole lines, parsed: the trades in order and, between them,
/// the other lines: the live feed's heartbeats, and the lines that are not trades with what is
/// wrong with them. What a worker thread makes of one
/// range of a file (`OrderedChunkMap`), so that the thread that windows can replay the range
/// exactly as if it had read the lines itself: same trades, same bad lines at the same places,
/// line numbers relative to the range.
///
/// Parsing is `TradeLineParser`'s, in the same two steps as a sequential reader: the template
/// matcher on the bytes where they lie, then the three tiers on any line it does not take.
package struct TradeLineBatch: Sendable {
    /// A line that is not a trade: a heartbeat, or a bad line.
    package struct OtherLine: Sendable {
        package enum Kind: Sendable {
            case bad(TradeLineError)
            case heartbeat(HeartbeatLine)
        }
        /// How many of `trades` come before it.
        package var tradesBefore: Int
        /// 1-based line number within the batch.
        package var line: Int
        package var kind: Kind
    }

    package var trades: [Trade] = []
    package var otherLines: [OtherLine] = []
    /// Lines in the batch (trades, heartbeats and bad lines).
    package var lines = 0

    package init() {}

    /// Parses `bytes`, which hold whole lines (the last one may lack its `\n`), with the line cap
    /// `maxLineLength`, into the storage of `recycled` if given (a batch already replayed).
    package static func parse(_ bytes: UnsafeRawBufferPointer, maxLineLength: Int,
                              reusing recycled: inout TradeLineBatch?) -> TradeLineBatch {
        // Taken out of the optional, so its arrays are uniquely referenced and keep their storage.
        var batch = recycled.take() ?? TradeLineBatch()
        batch.trades.removeAll(keepingCapacity: true)
        batch.otherLines.removeAll(keepingCapacity: true)
        // About 130 bytes a line in Binance's layout.
        batch.trades.reserveCapacity(bytes.count / 120 + 1)
        var splitter = LineSplitter(maxLineLength: maxLineLength)
        splitter.push(bytes, claiming: { start, available in
            // `TradeLineParser.parseLeadingLine`'s checks, with the template scanner inlined here
            // (same module): the worker threads do nothing else.
            guard available > 0, available < Int(Int32.max),
                  let (trade, length) = TradeTemplateScanner.parseLeadingLine(start, available)
            else { return .none }
            batch.trades.append(trade)
            return .line(length: length, keepGoing: true)
        }) { line, number in
            batch.take(line, number)
            return true
        }
        splitter.finish { line, number in
            batch.take(line, number)
            return true
        }
        batch.lines = splitter.lineNumber
        return batch
    }

    private mutating func take(_ line: LineSplitter.Line, _ number: Int) {
        do throws(TradeLineError) {
            switch line {
            case .text(let bytes):
                switch try StreamLine.parse(bytes) {
                case .trade(let trade): trades.append(trade)
                case .heartbeat(let beat):
                    otherLines.append(OtherLine(tradesBefore: trades.count, line: number, kind: .heartbeat(beat)))
                }
            case .oversized(let length): throw TradeLineError.oversized(length: length)
            }
        } catch {
            otherLines.append(OtherLine(tradesBefore: trades.count, line: number, kind: .bad(error)))
        }
    }
}
