import BNCCore

/// One line of the trade-line stream (formats.md §1) as bnc-window takes it: a trade, or the live
/// feed's heartbeat. The one place that decides between the two, for the sequential reader and
/// the parsing threads alike, so a file read on several threads sees the heartbeats where one
/// thread would.
package enum StreamLine: Sendable {
    case trade(Trade)
    case heartbeat(HeartbeatLine)

    /// Parses `line` (without its `\n`) with `TradeLineParser`; a line that is not a trade is a
    /// heartbeat if it is one, otherwise the trade parser's error stands (a malformed heartbeat
    /// throws its own).
    package static func parse(_ line: UnsafeRawBufferPointer) throws(TradeLineError) -> StreamLine {
        do throws(TradeLineError) {
            return .trade(try TradeLineParser.parse(line))
        } catch {
            guard let beat = try HeartbeatLine.read(line) else { throw error }
            return .heartbeat(beat)
        }
    }
}
