import BNCCore
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import MarketStream

/// The whole market on one output (issue 15): how symbols are spread over connections, how
/// subscriptions and connection opens are paced (on clocks the tests drive, no sleeps), what
/// `--quote` takes from exchangeInfo, the shared REST weight, and whole lines from many threads.
@Suite("Whole market: partition, pacing, exchangeInfo, shared output")
struct MarketFeedTests {
    static let symbols2000 = (0..<2000).map { String(format: "M%04dUSDT", $0) }

    @Test("Symbols spread over as few connections as 1024 streams allow, evenly, in order, repeats dropped")
    func partition() {
        let two = SymbolPartition.groups(Self.symbols2000)
        #expect(two.map(\.count) == [1000, 1000])
        #expect(two.flatMap { $0 } == Self.symbols2000)
        #expect(SymbolPartition.groups(Array(Self.symbols2000.prefix(1024))).count == 1)
        #expect(SymbolPartition.groups(Array(Self.symbols2000.prefix(1025))).map(\.count) == [513, 512])
        let four = SymbolPartition.groups(Self.symbols2000, perConnection: 500)
        #expect(four.map(\.count) == [500, 500, 500, 500])
        let many = (0..<5000).map { "S\($0)" }
        let groups = SymbolPartition.groups(many)
        #expect(groups.count == 5 && groups.allSatisfy { $0.count <= StreamEndpoint.maxStreamsPerConnection })
        #expect(Set(groups.map(\.count)).count <= 2, "sizes differ by at most one")
        #expect(SymbolPartition.groups(["btcusdt", "ETHUSDT", "BTCUSDT", "ethusdt", "solusdt"]) == [["btcusdt", "ETHUSDT", "solusdt"]])
        #expect(SymbolPartition.groups([]).isEmpty)
    }

    @Test("A 1000-stream connection: the URL stays under 4000 characters, the rest goes in SUBSCRIBE batches of at most 200")
    func endpointSplitsURLAndSubscriptions() throws {
        let group = SymbolPartition.groups(Self.symbols2000)[1]
        let e = try StreamEndpoint(endpoint: "wss://stream.binance.com:9443", symbols: group, kind: .trade)
        #expect(e.target.utf8.count <= StreamEndpoint.maxTargetLength)
        #expect(e.target.hasPrefix("/stream?streams=m1000usdt@trade/m1001usdt@trade/"))
        #expect(e.subscriptions.allSatisfy { !$0.isEmpty && $0.count <= StreamEndpoint.streamsPerSubscription })
        let inURL = e.target.dropFirst("/stream?streams=".count).split(separator: "/").map(String.init)
        #expect(inURL + e.subscriptions.flatMap { $0 } == group.map { $0.lowercased() + "@trade" }, "every stream once, in order")
        #expect(e.summary.contains("\(inURL.count) streams in the URL, \(1000 - inURL.count) by SUBSCRIBE"))
        // A few symbols still fit in the URL alone, as before.
        let small = try StreamEndpoint(endpoint: "ws://x", symbols: ["btcusdt", "ethusdt"], kind: .aggTrade)
        #expect(small.target == "/stream?streams=btcusdt@aggTrade/ethusdt@aggTrade" && small.subscriptions.isEmpty)
        #expect(throws: StreamConfigurationError.tooManySymbols(1025)) {
            try StreamEndpoint(endpoint: "ws://x", symbols: (0..<1025).map { "s\($0)" }, kind: .trade)
        }
    }

    @Test("SUBSCRIBE messages: at most one per 334 ms, so never more than 3 in any second (Binance allows 5 incoming messages)")
    func subscriptionPacing() throws {
        let batches = (0..<10).map { i in ["s\(i)a@trade", "s\(i)b@trade"] }
        var pacer = SubscriptionPacer(batches: batches)
        var sent: [(at: Int64, text: String)] = []
        for now in Int64(0)...6000 {
            if let m = pacer.due(now: now) { sent.append((now, String(decoding: m, as: UTF8.self))) }
        }
        #expect(sent.count == 10 && pacer.isDone)
        #expect(sent[0].at == 0 && sent[1].at == 334 && sent[2].at == 668)
        for (i, m) in sent.enumerated() {
            let window = sent.filter { $0.at > m.at - 1000 && $0.at <= m.at }
            #expect(window.count <= 3, "message \(i) at \(m.at) ms")
        }
        #expect(sent[0].text == #"{"method":"SUBSCRIBE","params":["s0a@trade","s0b@trade"],"id":1}"#)
        let object = try JSONSerialization.jsonObject(with: Data(sent[9].text.utf8)) as? [String: Any]
        #expect(object?["id"] as? Int == 10 && (object?["params"] as? [String])?.count == 2)
        var none = SubscriptionPacer(batches: [])
        #expect(none.due(now: 0) == nil && none.isDone)
    }

    @Test("Connection opens across connections stay within 300 per 5 minutes, booked atomically from many threads")
    func connectionGate() {
        let gate = ConnectionGate()
        for _ in 0..<300 { #expect(gate.reserve(now: 1_000) == 0) }
        #expect(gate.reserve(now: 1_000) == 300_000)
        #expect(gate.reserve(now: 200_000) == 101_000)
        #expect(gate.reserve(now: 301_000) == 0, "the first attempts left the window")
        #expect(gate.recentAttempts(now: 301_000) == 1)

        // Eight threads racing for the same window: exactly `limit` attempts get through.
        let shared = ConnectionGate(limit: 300, windowMilliseconds: 300_000)
        let granted = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<100 where shared.reserve(now: 5) == 0 { granted.add(1, ordering: .relaxed) }
        }
        #expect(granted.load(ordering: .relaxed) == 300)
    }

    @Test("REST weight: gap fills may spend all of it; catch-ups stop while half is left for gaps")
    func sharedWeightBudget() {
        let budget = SharedWeightBudget(perWindow: 6000)
        var caughtUp = 0
        while budget.tryReserve(now: 0, weight: 25) { caughtUp += 1 }
        #expect(caughtUp == 120, "3000 of 6000 at weight 25")
        var filled = 0
        while budget.reserve(now: 0, weight: 25) == 0 { filled += 1 }
        #expect(filled == 120)
        #expect(budget.reserve(now: 0, weight: 25) == 62_000, "a gap waits for the window (a minute and 2 s of margin)")
        #expect(budget.reserve(now: 62_000, weight: 25) == 0)
    }

    @Test("exchangeInfo: the TRADING spot symbols of one quote asset, in the exchange's order")
    func exchangeInfo() throws {
        let data = try Fixture.data(Fixture.exchangeInfo)
        let info = try data.withUnsafeBytes { try ExchangeInfo(json: $0) }
        #expect(info.symbols.count == 8)
        #expect(info.symbols[0] == ExchangeInfo.Symbol(symbol: "ETHBTC", status: "TRADING", quoteAsset: "BTC", spotTradingAllowed: true))
        #expect(info.trading(quote: "USDT") == ["BTCUSDT", "ETHUSDT", "1000SATSUSDT"])
        #expect(info.trading(quote: "usdt") == ["BTCUSDT", "ETHUSDT", "1000SATSUSDT"])
        #expect(info.trading(quote: "BTC") == ["ETHBTC"])
        #expect(info.trading(quote: "EUR").isEmpty)
        func parse(_ text: String) throws(ExchangeInfo.ParseError) -> ExchangeInfo {
            try Array(text.utf8).withUnsafeBytes { b in Result { () throws(ExchangeInfo.ParseError) in try ExchangeInfo(json: b) } }.get()
        }
        #expect(throws: ExchangeInfo.ParseError.noSymbols) { try parse(#"{"timezone":"UTC"}"#) }
        #expect(throws: ExchangeInfo.ParseError.badSymbol("missing symbol, status or quoteAsset")) {
            try parse(#"{"symbols":[{"symbol":"X"}]}"#)
        }
        #expect(throws: ExchangeInfo.ParseError.badSymbol("not an object")) { try parse(#"{"symbols":[1]}"#) }
        do { _ = try parse("<html>busy</html>"); Issue.record("HTML must not parse") } catch {
            if case .json = error {} else { Issue.record("\(error)") }
        }
        #expect(ExchangeInfo.ParseError.fetch("x").exitStatus == .unavailable)
        #expect(ExchangeInfo.ParseError.noSymbols.exitStatus == .dataError)
    }

    @Test("Buffers on one descriptor from eight threads write whole lines only, each thread's lines in order")
    func sharedOutputWholeLines() throws {
        let directory = try ToolRunner.temporaryDirectory("market-output")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.ndjson").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        let lock = OutputLock()
        let threads = 8, lines = 3000
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            // A tiny threshold: `append` flushes by itself in the middle of lines.
            let out = OutputBuffer(fileDescriptor: fd, flushThreshold: 97, sharedWith: lock)
            let filler = String(repeating: "x", count: 10 + t * 7)
            for i in 0..<lines {
                try? out.append("{\"thread\":\(t),\"i\":\(i),\"pad\":\"")
                try? out.append(filler)
                try? out.append("\"}")
                out.appendByte(UInt8(ascii: "\n"))
                if i % 13 == 0 { try? out.flush() }
            }
            try? out.flush()
        }
        close(fd)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var next = [Int](repeating: 0, count: threads)
        var count = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let t = try #require(object?["thread"] as? Int), i = try #require(object?["i"] as? Int)
            #expect(i == next[t], "thread \(t)'s lines in order")
            #expect((object?["pad"] as? String)?.count == 10 + t * 7)
            next[t] = i + 1
            count += 1
        }
        #expect(count == threads * lines && text.hasSuffix("\n"))
    }

    @Test("A shared buffer holds a partial line back until its newline")
    func sharedOutputHoldsPartialLine() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let out = OutputBuffer(fileDescriptor: fds[1], sharedWith: OutputLock())
        try out.append("{\"a\":1}\n{\"b\":")
        try out.flush()
        #expect(out.pendingByteCount == 5)
        try out.append("2}")
        out.appendByte(UInt8(ascii: "\n"))
        try out.flush()
        close(fds[1])
        var buffer = [UInt8](repeating: 0, count: 64)
        var got: [UInt8] = []
        while true {
            let n = read(fds[0], &buffer, 64)
            if n <= 0 { break }
            got += buffer[0..<n]
        }
        #expect(String(decoding: got, as: UTF8.self) == "{\"a\":1}\n{\"b\":2}\n")
    }

    @Test("Metrics over connections: connected only while all are, counters summed, every symbol listed")
    func combinedHealth() {
        var a = FeedHealth(symbols: ["AUSDT"], startedAt: 100)
        var b = FeedHealth(symbols: ["BUSDT", "CUSDT"], startedAt: 90)
        a.opened(at: 1_000, replacingLost: false)
        b.opened(at: 2_000, replacingLost: false)
        b.lost("closed by the server", at: 3_000)
        b.opened(at: 4_000, replacingLost: true)
        a.duplicatesDropped = 3
        b.duplicatesDropped = 4
        var both = FeedHealth.combined([a, b])
        #expect(both.connected && both.connections == 3 && both.reconnects == 1 && both.duplicatesDropped == 7)
        #expect(both.symbols.map(\.symbol) == ["AUSDT", "BUSDT", "CUSDT"] && both.startedAt == 90)
        #expect(both.connectedSince == 4_000 && both.lastError == "closed by the server")
        a.lost("idle", at: 5_000)
        both = FeedHealth.combined([a, b])
        #expect(!both.connected && both.disconnectedSince == 5_000 && both.lastError == "idle")
        let text = both.exposition(now: 6_000)
        #expect(text.contains("bnc_stream_connected 0"))
        #expect(text.contains(#"bnc_stream_trades_total{symbol="CUSDT"} 0"#))
    }

    @Test("Lags of several connections: the most recent samples of all, totals summed")
    func mergedLags() throws {
        var a = RecentLags(), b = RecentLags()
        for i in 0..<10 { a.add(lagMilliseconds: 10, at: Int64(i)) }
        for i in 0..<10 { b.add(lagMilliseconds: 30, at: Int64(i)) }
        a.merge(b)
        #expect(a.count == 20 && a.totalMilliseconds == 400)
        let q = try #require(a.quantiles([0.5, 1.0], now: 10))
        #expect(q == [10, 30])
    }
}
