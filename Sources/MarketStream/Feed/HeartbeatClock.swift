/// When the live feed may write a heartbeat line, and which exchange time it carries
/// (formats.md §1, *Heartbeat lines*; the reasons are there). Pure bookkeeping over times the
/// feed passes in, so its rules are tested without sockets or sleeps.
///
/// - **The clock.** Every live trade received at local monotonic time `r` with trade time `T`
///   gives an offset `r − T` (network delay plus the two clocks' difference). The estimate of the
///   exchange clock is `proof − offset`, with the *largest* offset seen in the last
///   `offsetSpan` (the last estimate is kept through a longer silence): a trade still in flight
///   will arrive after `proof` with an offset no larger than that, so its `T` is later than the
///   estimate. Conservative, so a window rarely closes before its last trades arrive; the local
///   wall clock is never used (the monotonic clock does not jump).
/// - **The proof.** `proof` is the last time bytes arrived on the primary connection. TCP
///   delivers in order, so everything the exchange sent before those bytes is here. When nothing
///   has arrived for `pingAfter`, the feed sends a WebSocket ping and the pong is the next proof;
///   a connection that answers nothing for `maxProofAge` gets no heartbeats (it may be dead
///   without having said so; the idle timeout will replace it), so an outage is never
///   reported as a silence.
/// - **Per symbol, once it is known complete on this connection.** A symbol gets heartbeats only
///   once the feed knows it has every trade of it up to the new connection: after a REST
///   catch-up right after the reconnection, or else its first trade on the connection (where a
///   gap is found and backfilled). Until then the symbol's rows wait, as without heartbeats. A
///   lost connection forgets every symbol; a rollover keeps them (the two connections overlap).
package struct HeartbeatClock: Sendable {
    /// Least time between two heartbeats (and their least advance in exchange time).
    package let interval: Int64
    /// Ask the server for a pong when nothing has arrived for this long.
    package let pingAfter: Int64
    /// No bytes for longer than this: the connection is in doubt, no heartbeats.
    package let maxProofAge: Int64
    /// How long an observed offset counts toward the largest one.
    package let offsetSpan: Int64

    private static let bucketCount = 6
    /// Largest offset per bucket of `offsetSpan / bucketCount`, newest last.
    private var buckets: [(start: Int64, offset: Int64)] = []
    private var lastOffset: Int64?
    private var proof: Int64?
    private var pingSentAt: Int64?
    private var lastBeatAt: Int64?
    /// Exchange time of the last heartbeat written: heartbeats never go back.
    package private(set) var lastBeat: Int64?
    /// Symbol slots (`SymbolLedger`) confirmed on the current connection, in order of confirmation.
    package private(set) var confirmed: [Int] = []
    private var confirmedSet: Set<Int> = []

    package init(interval: Int64 = 500, pingAfter: Int64 = 500, maxProofAge: Int64 = 3_000, offsetSpan: Int64 = 30_000) {
        precondition(interval > 0 && pingAfter > 0 && maxProofAge > 0 && offsetSpan > 0)
        self.interval = interval
        self.pingAfter = pingAfter
        self.maxProofAge = maxProofAge
        self.offsetSpan = offsetSpan
    }

    /// The offset used now: the largest of the last `offsetSpan`, else the last one seen.
    package func offset(now: Int64) -> Int64? {
        var largest: Int64?
        for b in buckets where now - b.start < offsetSpan {
            largest = max(largest ?? b.offset, b.offset)
        }
        return largest ?? lastOffset
    }

    /// A live trade (not backfilled) with trade time `tradeTime` (epoch ms) arrived at `now`.
    package mutating func tradeReceived(tradeTime: Int64, at now: Int64) {
        let (observed, overflow) = now.subtractingReportingOverflow(tradeTime)
        guard !overflow else { return }
        let width = max(1, offsetSpan / Int64(Self.bucketCount))
        let start = now - now % width
        if let last = buckets.last, last.start == start {
            buckets[buckets.count - 1].offset = max(last.offset, observed)
        } else {
            buckets.append((start, observed))
            if buckets.count > Self.bucketCount { buckets.removeFirst() }
        }
        lastOffset = offset(now: now)
    }

    /// Bytes arrived on the primary connection at `now`.
    package mutating func bytesReceived(at now: Int64) {
        proof = max(proof ?? now, now)
        pingSentAt = nil
    }

    /// A trade of `slot` was written from the current connection (after any backfill before it).
    package mutating func confirm(slot: Int) {
        if confirmedSet.insert(slot).inserted { confirmed.append(slot) }
    }

    /// The primary connection is gone (and no rollover connection takes over): every symbol must
    /// be confirmed again on the next one.
    package mutating func connectionLost() {
        confirmed.removeAll()
        confirmedSet.removeAll()
        proof = nil
        pingSentAt = nil
    }

    /// Whether to ping now: the connection has been quiet for `pingAfter` and no ping is out
    /// (a ping unanswered for `pingAfter` is repeated).
    package func pingDue(now: Int64) -> Bool {
        guard !confirmed.isEmpty else { return false }
        if let sent = pingSentAt { return now - sent >= pingAfter }
        guard let proof else { return true }   // confirmed by a catch-up, nothing received yet
        return now - proof >= pingAfter
    }

    package mutating func pingSent(at now: Int64) { pingSentAt = now }

    /// The exchange time for a heartbeat to write now, or nil: none when no symbol is confirmed,
    /// no offset is known, the proof is older than `maxProofAge`, the last heartbeat was less than
    /// `interval` ago, or the clock has not moved on by `interval` since the last one.
    package mutating func beat(now: Int64) -> Int64? {
        guard !confirmed.isEmpty, let proof, now - proof <= maxProofAge, let largest = offset(now: now) else { return nil }
        if let at = lastBeatAt, now - at < interval { return nil }
        let (time, overflow) = proof.subtractingReportingOverflow(largest)
        guard !overflow, time >= 0 else { return nil }
        if let last = lastBeat, time < last + interval { return nil }
        lastBeat = time
        lastBeatAt = now
        return time
    }
}
