import BNCCore
import Foundation
import Testing
import TestSupport
@testable import MarketStream

/// A connection that plays a script of server frames into a real `WebSocketReader`: each
/// `receive` delivers the next step. What the feed sends back (pongs, close) is recorded.
final class ScriptedConnection: FeedConnection {
    enum Step {
        /// One server frame (unmasked), as bytes on the wire.
        case frame([UInt8])
        /// Nothing has arrived this time (`CURLE_AGAIN`).
        case pause
        /// The connection breaks.
        case fail(ConnectionError)
    }

    let reader = WebSocketReader(role: .client, maxMessageSize: 1 << 20)
    var socket: Int32 { -1 }
    var steps: [Step]
    let openError: ConnectionError?
    private(set) var opened = false
    private(set) var closeSent: (code: UInt16, reason: String)?
    private(set) var dropped = false
    private(set) var pongs: [[UInt8]] = []
    private(set) var pings: [[UInt8]] = []

    init(_ steps: [Step], openError: ConnectionError? = nil) {
        self.steps = steps
        self.openError = openError
    }

    func open(tls: TLSOptions, timeoutMilliseconds: Int64, stop: () -> Bool) throws(ConnectionError) {
        if let openError { throw openError }
        opened = true
    }

    func receive() throws(ConnectionError) -> WebSocketConnection.ReceiveResult {
        // Once we sent close, the server answers by hanging up.
        if closeSent != nil { throw .closedByPeer }
        guard !steps.isEmpty else { return .wouldBlock }
        switch steps.removeFirst() {
        case .frame(let bytes):
            reader.append(bytes)
            return .received(bytes.count)
        case .pause:
            return .wouldBlock
        case .fail(let error):
            throw error
        }
    }

    func sendPong(_ payload: UnsafeRawBufferPointer) throws(ConnectionError) { pongs.append(Array(payload)) }

    func sendPing(_ payload: [UInt8]) throws(ConnectionError) { pings.append(payload) }

    func sendClose(code: UInt16, reason: String) {
        if closeSent == nil { closeSent = (code, reason) }
    }

    func waitReadable(timeoutMilliseconds: Int64) {}

    func drop() { dropped = true }

    // MARK: Script building

    /// Trade messages for `ids`, tagged by price so a test can tell which source wrote a line.
    static func trades(_ ids: ClosedRange<Int64>, price: String) -> [Step] {
        ids.map { .frame(text(Self.trade(id: $0, price: price))) }
    }

    static func trade(id: Int64, price: String) -> String {
        #"{"e":"trade","E":\#(1_723_161_255_000 + id),"s":"BTCUSDT","t":\#(id),"p":"\#(price)","q":"0.001","T":\#(1_723_161_255_000 + id),"m":true,"M":true}"#
    }

    static func text(_ message: String) -> [UInt8] {
        WebSocketFrameEncoder.frame(opcode: .text, payload: Array(message.utf8), maskKey: nil)
    }

    static let serverShutdown: Step = .frame(text(#"{"e":"serverShutdown","E":1723161255000}"#))

    static func close(code: UInt16, reason: String) -> Step {
        .frame(WebSocketFrameEncoder.frame(opcode: .close, payload: WebSocketFrameEncoder.closePayload(code: code, reason: reason), maskKey: nil))
    }
}

/// Writes whatever ids it is asked for, tagged with price "9", and records the requests.
final class RecordingBackfiller: TradeBackfilling {
    private(set) var requests: [(symbol: String, range: Range<Int64>)] = []

    func fill(symbol: String, range: Range<Int64>, stop: () -> Bool,
              write: (Int64, UnsafeRawBufferPointer) throws(OutputError) -> Void) throws(OutputError) -> Backfiller.Outcome {
        requests.append((symbol, range))
        return try Self.write(range, write)
    }

    private static func write(_ range: Range<Int64>,
                              _ write: (Int64, UnsafeRawBufferPointer) throws(OutputError) -> Void) throws(OutputError) -> Backfiller.Outcome {
        for id in range {
            let line = Array(ScriptedConnection.trade(id: id, price: "9").utf8)
            let failure: OutputError? = line.withUnsafeBytes { bytes in
                do throws(OutputError) { try write(id, bytes); return nil } catch { return error }
            }
            if let failure { throw failure }
        }
        return Backfiller.Outcome(written: Int64(range.count), failure: nil)
    }

    /// What REST has after the feed's last id at a reconnection (none unless a test says so),
    /// and the last ids asked after.
    var newerTrades: ClosedRange<Int64>?
    private(set) var catchUps: [Int64] = []

    func catchUp(symbol: String, after lastID: Int64, max: Int64, stop: () -> Bool,
                 write: (Int64, UnsafeRawBufferPointer) throws(OutputError) -> Void) throws(OutputError) -> Backfiller.Outcome {
        catchUps.append(lastID)
        guard let newer = newerTrades, newer.upperBound > lastID else { return Backfiller.Outcome(written: 0, failure: nil) }
        let range = Swift.max(lastID + 1, newer.lowerBound)..<(newer.upperBound + 1)
        return try Self.write(range, write)
    }
}

/// `LiveFeed`'s decisions (reconnect, rollover, gap backfill, duplicate dropping) driven in
/// process through the `FeedConnection` seam, with scripted connections and a recording backfiller.
@Suite("LiveFeed decisions with scripted connections")
struct LiveFeedTests {
    struct Outcome {
        var ids: [Int64]
        var prices: [String]
        var status: BNCCore.ExitStatus
        var statistics: LiveFeed.Statistics
        var connections: [ScriptedConnection]
        var requests: [Range<Int64>]
        var catchUps: [Int64] = []
        var heartbeats: [(symbol: String, time: Int64)] = []

        /// Price ("1", "2", "9": which connection or the backfill) of the line with `id`.
        func source(of id: Int64) -> String? { ids.firstIndex(of: id).map { prices[$0] } }
    }

    /// Runs a feed over `scripts` (one per connection it opens, in order; further attempts fail)
    /// until `expected` trades are written, then stops it as a signal would.
    static func run(_ scripts: [ScriptedConnection], expected: Int64, newerTrades: ClosedRange<Int64>? = nil,
                    metrics: MetricsSlot<FeedHealth>? = nil,
                    configure: (inout LiveFeedConfiguration) -> Void = { _ in }) throws -> Outcome {
        let endpoint = try StreamEndpoint(endpoint: "ws://127.0.0.1:9", symbols: ["btcusdt"], kind: .trade)
        var configuration = LiveFeedConfiguration(endpoint: endpoint, kind: .trade, tls: TLSOptions())
        configuration.backoffInitialMilliseconds = 1
        configuration.backoffMaxMilliseconds = 2
        configuration.switchGraceMilliseconds = 600_000   // switch only when the old connection caught up
        configuration.heartbeatMilliseconds = 0   // heartbeats have tests of their own (HeartbeatClockTests)
        configure(&configuration)
        configuration.metrics = metrics

        let dir = try ToolRunner.temporaryDirectory("live-feed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }

        final class Box {
            weak var feed: LiveFeed?
            var pending: [ScriptedConnection]
            var made: [ScriptedConnection] = []
            init(_ scripts: [ScriptedConnection]) { pending = scripts }
        }
        let box = Box(scripts)
        // A guard against a hang if the feed never writes what is expected (the expectations
        // below then fail); it is not part of any assertion.
        let giveUp = Date().addingTimeInterval(60)
        let backfiller = RecordingBackfiller()
        backfiller.newerTrades = newerTrades
        let feed = LiveFeed(
            configuration: configuration, output: OutputBuffer(fileDescriptor: fd), diagnostics: Diagnostics(tool: "bnc-stream"),
            stop: { (box.feed?.statistics.tradesWritten ?? 0) >= expected || Date() > giveUp },
            makeConnection: { _, _ in
                let next = box.pending.isEmpty
                    ? ScriptedConnection([], openError: .connectFailed("no more scripted connections"))
                    : box.pending.removeFirst()
                box.made.append(next)
                return next
            },
            backfiller: backfiller)
        box.feed = feed
        let status = feed.run()

        var ids: [Int64] = [], prices: [String] = []
        var heartbeats: [(symbol: String, time: Int64)] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["e"] as? String == "bnc.heartbeat" {
                heartbeats.append((try #require(object["s"] as? String), try #require((object["E"] as? NSNumber)?.int64Value)))
                continue
            }
            ids.append(try #require((object["t"] as? NSNumber)?.int64Value))
            prices.append(try #require(object["p"] as? String))
        }
        return Outcome(ids: ids, prices: prices, status: status, statistics: feed.statistics,
                       connections: box.made, requests: backfiller.requests.map(\.range),
                       catchUps: backfiller.catchUps, heartbeats: heartbeats)
    }

    @Test("one connection: every trade written once, in order; pings answered; no rollover before its time")
    func steadyConnection() throws {
        let ping = ScriptedConnection.Step.frame(WebSocketFrameEncoder.frame(opcode: .ping, payload: Array("hi".utf8), maskKey: nil))
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...10, price: "1") + [ping] + ScriptedConnection.trades(11...20, price: "1"))
        let outcome = try Self.run([c1], expected: 20)
        #expect(outcome.status == .success)
        #expect(outcome.ids == Array(1...20))
        #expect(outcome.statistics.connections == 1 && outcome.statistics.rollovers == 0)
        #expect(c1.pongs == [Array("hi".utf8)])
        #expect(c1.closeSent?.code == 1000 && c1.dropped)   // stopped: close frame, then the handle released
    }

    @Test("a close frame: answered, reconnected; the overlap the new connection repeats is dropped")
    func closeFrameReconnects() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...10, price: "1") + [ScriptedConnection.close(code: 1001, reason: "going away")])
        let c2 = ScriptedConnection(ScriptedConnection.trades(8...20, price: "2"))
        let outcome = try Self.run([c1, c2], expected: 20)
        #expect(outcome.ids == Array(1...20))
        #expect(outcome.source(of: 10) == "1" && outcome.source(of: 11) == "2")
        #expect(outcome.statistics.duplicatesDropped == 3)
        #expect(outcome.statistics.connections == 2 && outcome.statistics.rollovers == 0)
        #expect(outcome.requests.isEmpty)
        #expect(c1.closeSent?.code == 1001 && c1.dropped)   // the server's close code echoed (RFC 6455 §5.5.1)
    }

    @Test("heartbeats on: after a reconnection the symbol is caught up over REST at once, before the new connection's trades")
    func reconnectionCatchesUpOverREST() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...5, price: "1") + [.fail(.receiveFailed("connection reset"))])
        let c2 = ScriptedConnection(ScriptedConnection.trades(8...20, price: "2"))
        let outcome = try Self.run([c1, c2], expected: 20, newerTrades: 6...9) { $0.heartbeatMilliseconds = 1 }
        #expect(outcome.ids == Array(1...20))
        #expect(outcome.catchUps == [5])                                   // once, after the last id written
        #expect((6...9).allSatisfy { outcome.source(of: $0) == "9" })      // from REST, before the stream's 8, 9 (dropped)
        #expect(outcome.source(of: 10) == "2")
        #expect(outcome.requests.isEmpty)                                  // no gap left for the next trade to find
        #expect(outcome.statistics.duplicatesDropped == 2)
        // Heartbeats, if the run lasted long enough for one, are for the one symbol.
        #expect(outcome.heartbeats.allSatisfy { $0.symbol == "BTCUSDT" })
    }

    @Test("a broken connection that missed trades: the gap is backfilled before the next trade, once")
    func gapIsBackfilled() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...5, price: "1") + [.fail(.receiveFailed("connection reset"))])
        let c2 = ScriptedConnection(ScriptedConnection.trades(9...20, price: "2"))
        let outcome = try Self.run([c1, c2], expected: 20)
        #expect(outcome.ids == Array(1...20))
        #expect(outcome.requests == [6..<9])
        #expect((6...8).allSatisfy { outcome.source(of: $0) == "9" })
        #expect(outcome.statistics.backfilled == 3 && outcome.statistics.missingUnfilled == 0)
    }

    @Test("a gap over --backfill-max: only its last ids are fetched, the rest is counted missing")
    func backfillMaxLimitsTheRequest() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...5, price: "1") + ScriptedConnection.trades(30...40, price: "1"))
        let outcome = try Self.run([c1], expected: 5 + 5 + 11) { $0.backfillMax = 5 }
        #expect(outcome.requests == [25..<30])
        #expect(outcome.ids == Array(1...5) + Array(25...40))
        #expect(outcome.statistics.missingUnfilled == 19)
    }

    @Test("backfill off: the gap is counted, nothing is fetched")
    func backfillOff() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...5, price: "1") + ScriptedConnection.trades(9...12, price: "1"))
        let outcome = try Self.run([c1], expected: 9) { $0.backfillEnabled = false }
        #expect(outcome.requests.isEmpty)
        #expect(outcome.ids == Array(1...5) + Array(9...12))
        #expect(outcome.statistics.missingUnfilled == 3)
    }

    @Test("serverShutdown: a replacement opens, its trades wait until the old connection caught up, then it takes over gaplessly")
    func serverShutdownRollsOver() throws {
        // The old connection announces shutdown, then lags behind the new one.
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...5, price: "1") + [ScriptedConnection.serverShutdown, .pause]
                                    + ScriptedConnection.trades(6...7, price: "1") + [.pause, .pause, .pause]
                                    + ScriptedConnection.trades(8...10, price: "1"))
        let c2 = ScriptedConnection([.pause] + ScriptedConnection.trades(8...20, price: "2"))
        let outcome = try Self.run([c1, c2], expected: 20)
        #expect(outcome.ids == Array(1...20))
        #expect(outcome.statistics.rollovers == 1 && outcome.statistics.connections == 2)
        #expect(outcome.requests.isEmpty)   // gapless without REST
        #expect(outcome.source(of: 7) == "1" && outcome.source(of: 20) == "2")
        #expect(c1.closeSent?.reason == "rollover" && c1.dropped)
    }

    @Test("--rollover-after elapsed: a replacement opens and takes over where the old one stopped")
    func rolloverAfterAge() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...10, price: "1") + [.pause])
        let c2 = ScriptedConnection([.pause] + ScriptedConnection.trades(5...20, price: "2"))
        let outcome = try Self.run([c1, c2], expected: 20) {
            $0.rolloverAfterMilliseconds = 0
            $0.backoffInitialMilliseconds = 60_000   // a later replacement attempt waits
            $0.backoffMaxMilliseconds = 60_000
        }
        #expect(outcome.ids == Array(1...20))
        #expect(outcome.statistics.rollovers == 1)
        #expect(outcome.source(of: 10) == "1" && outcome.source(of: 11) == "2")
        #expect(c1.closeSent?.reason == "rollover")
    }

    @Test("the replacement dies before taking over: the old connection carries on, nothing lost")
    func failedCandidateKeepsTheOldConnection() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...5, price: "1") + [ScriptedConnection.serverShutdown, .pause, .pause]
                                    + ScriptedConnection.trades(6...15, price: "1"))
        let c2 = ScriptedConnection([.fail(.closedByPeer)])
        let outcome = try Self.run([c1, c2], expected: 15) {
            $0.backoffInitialMilliseconds = 60_000   // no second replacement during the test
            $0.backoffMaxMilliseconds = 60_000
        }
        #expect(outcome.ids == Array(1...15))
        #expect(outcome.statistics.rollovers == 0)
        #expect((1...15).allSatisfy { outcome.source(of: $0) == "1" })
        #expect(c2.dropped)
    }

    @Test("no frame for --idle-timeout: the connection is presumed dead and replaced")
    func idleConnectionIsReplaced() throws {
        let c1 = ScriptedConnection(ScriptedConnection.trades(1...5, price: "1"))   // then silence
        let c2 = ScriptedConnection(ScriptedConnection.trades(6...10, price: "2"))
        let outcome = try Self.run([c1, c2], expected: 10) { $0.idleTimeoutMilliseconds = 50 }
        #expect(outcome.ids == Array(1...10))
        #expect(outcome.statistics.connections == 2)
        #expect(c1.dropped)
    }

    @Test("--max-retries consecutive failed attempts end the run with 69")
    func maxRetriesGivesUp() throws {
        let outcome = try Self.run([], expected: 1) { $0.maxRetries = 2 }
        #expect(outcome.status == .unavailable)
        #expect(outcome.statistics.connections == 3)
        #expect(outcome.ids.isEmpty)
    }
}
