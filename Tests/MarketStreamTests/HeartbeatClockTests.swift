import Testing
@testable import MarketStream

/// `HeartbeatClock`'s rules (formats.md §1) on times passed in: no sockets, no sleeps.
/// Local times are monotonic ms from 0; trade times are exchange ms near 1.7·10^12.
@Suite("Heartbeat clock")
struct HeartbeatClockTests {
    static let epoch: Int64 = 1_771_000_000_000

    @Test("no heartbeat before a symbol is confirmed and an offset known; then proof − largest offset")
    func estimate() {
        var clock = HeartbeatClock(interval: 500, pingAfter: 500, maxProofAge: 3_000, offsetSpan: 30_000)
        #expect(clock.beat(now: 0) == nil)
        clock.bytesReceived(at: 100)
        clock.tradeReceived(tradeTime: Self.epoch, at: 100)          // offset 100 − epoch
        #expect(clock.beat(now: 100) == nil)                           // no symbol confirmed yet
        clock.confirm(slot: 0)
        #expect(clock.beat(now: 100) == Self.epoch)
        clock.bytesReceived(at: 700)
        clock.tradeReceived(tradeTime: Self.epoch + 350, at: 700)     // delayed by 250 ms more
        #expect(clock.offset(now: 700) == 350 - Self.epoch)
        #expect(clock.beat(now: 700) == nil)                           // 700 − 350 = epoch + 350: not 500 on
        clock.bytesReceived(at: 1_000)
        #expect(clock.beat(now: 1_000) == Self.epoch + 650)           // the larger offset rules
    }

    @Test("at most one heartbeat per interval, never going back")
    func pacing() {
        var clock = HeartbeatClock(interval: 500)
        clock.confirm(slot: 3)
        clock.tradeReceived(tradeTime: Self.epoch, at: 0)
        var beats: [Int64] = []
        for now in stride(from: Int64(0), through: 2_000, by: 50) {
            clock.bytesReceived(at: now)
            if let b = clock.beat(now: now) { beats.append(b) }
        }
        #expect(beats == [Self.epoch, Self.epoch + 500, Self.epoch + 1_000, Self.epoch + 1_500, Self.epoch + 2_000])
        // A trade that comes in very late raises the offset: the clock waits instead of going back.
        clock.tradeReceived(tradeTime: Self.epoch + 1_000, at: 2_050)
        clock.bytesReceived(at: 2_600)
        #expect(clock.beat(now: 2_600) == nil)
        clock.bytesReceived(at: 3_600)
        #expect(clock.beat(now: 3_600) == Self.epoch + 2_550)
    }

    @Test("a quiet connection is pinged; without any bytes for maxProofAge it gets no heartbeats")
    func proofAndPings() {
        var clock = HeartbeatClock(interval: 500, pingAfter: 500, maxProofAge: 3_000)
        clock.tradeReceived(tradeTime: Self.epoch, at: 0)
        clock.bytesReceived(at: 0)
        #expect(!clock.pingDue(now: 1_000))                            // nothing confirmed: no need
        clock.confirm(slot: 0)
        #expect(clock.beat(now: 0) == Self.epoch)
        #expect(!clock.pingDue(now: 499))
        #expect(clock.pingDue(now: 500))
        clock.pingSent(at: 500)
        #expect(!clock.pingDue(now: 900))
        // No bytes since 0: the estimate stays at the proof, whatever the local time.
        #expect(clock.beat(now: 900) == nil)
        #expect(clock.pingDue(now: 1_000))                             // unanswered: ask again
        clock.pingSent(at: 1_000)
        clock.bytesReceived(at: 1_020)                                 // the pong
        #expect(clock.beat(now: 1_020) == Self.epoch + 1_020)
        // Silence for longer than maxProofAge: in doubt, no heartbeats even if bytes came once.
        #expect(clock.beat(now: 4_021) == nil)
        clock.bytesReceived(at: 4_100)
        #expect(clock.beat(now: 4_100) == Self.epoch + 4_100)
    }

    @Test("a lost connection forgets every symbol and its proof; each comes back with its first trade")
    func reconnect() {
        var clock = HeartbeatClock(interval: 500)
        clock.tradeReceived(tradeTime: Self.epoch, at: 0)
        clock.bytesReceived(at: 0)
        clock.confirm(slot: 0)
        clock.confirm(slot: 1)
        clock.confirm(slot: 0)
        #expect(clock.confirmed == [0, 1])
        #expect(clock.beat(now: 0) == Self.epoch)
        clock.connectionLost()
        #expect(clock.confirmed.isEmpty)
        #expect(clock.beat(now: 5_000) == nil)
        #expect(!clock.pingDue(now: 5_000))
        clock.bytesReceived(at: 6_000)                                 // connected again: bytes, no trade yet
        #expect(clock.beat(now: 6_000) == nil)
        clock.confirm(slot: 1)                                         // slot 1's first trade (after its backfill)
        #expect(clock.beat(now: 6_000) == Self.epoch + 6_000)
        #expect(clock.confirmed == [1])
    }

    @Test("offsets older than offsetSpan stop counting, but the last estimate outlives a long silence")
    func offsetSpan() {
        var clock = HeartbeatClock(interval: 500, offsetSpan: 30_000)
        clock.tradeReceived(tradeTime: Self.epoch - 2_000, at: 0)    // a 2 s spike
        clock.tradeReceived(tradeTime: Self.epoch + 10_000, at: 10_000)
        #expect(clock.offset(now: 10_000) == 2_000 - Self.epoch)
        clock.tradeReceived(tradeTime: Self.epoch + 40_000, at: 40_000)
        #expect(clock.offset(now: 40_000) == -Self.epoch)             // the spike has aged out
        #expect(clock.offset(now: 1_000_000) == -Self.epoch)          // no trades for long: kept
    }
}
