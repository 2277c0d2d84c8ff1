import ArgumentParser
import BNCCore
import ToolCommand
import MarketStream

/// `bnc-stream live` (the default): Binance's live trade stream as trade lines on stdout.
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Stream live Binance trades as NDJSON trade lines, gap-free across reconnects.",
        discussion: """
            Writes each trade payload exactly as Binance sent it, one line each, flushed at once. \
            Reconnects forever with exponential backoff (unless --max-retries), rolls over to a \
            fresh connection before Binance's 24-hour cut, drops repeated ids and backfills missed \
            ones from REST. Connection events go to stderr, one line each. More symbols than one \
            connection carries (1024 streams) are spread over several connections, one output \
            (docs/stream.md).
            """)

    @Argument(help: "Symbols, case-insensitive (default: btcusdt unless --quote). Any number: at most --streams-per-connection share one combined stream.")
    var symbols: [String] = []

    @Option(help: ArgumentHelp("Also every spot symbol now TRADING with this quote asset (e.g. USDT), from REST exchangeInfo.", valueName: "asset"))
    var quote: String?

    @Option(name: .customLong("streams-per-connection"), help: "Most streams on one connection (Binance allows 1024).")
    var streamsPerConnection: Int = StreamEndpoint.maxStreamsPerConnection

    @Option(help: "Stream type: trade or aggTrade.")
    var stream: StreamKind = .trade

    @Option(help: "WebSocket endpoint (ws:// or wss://).")
    var endpoint: String = "wss://stream.binance.com:9443"

    @Option(name: .customLong("ca-file"), help: "Extra CA certificate (PEM) to trust besides the system store, for TLS to the stream and REST endpoints.")
    var caFile: String?

    @Option(name: .customLong("idle-timeout"), help: "No frame for this long means a dead connection: reconnect.")
    var idleTimeout: DurationSpec = DurationSpec(milliseconds: 60_000)

    @Option(name: .customLong("rollover-after"), help: "Open a replacement connection this long after a connection opened (Binance ends connections at 24 h).")
    var rolloverAfter: DurationSpec = DurationSpec(milliseconds: 23 * 3_600_000 + 30 * 60_000)

    @Option(name: .customLong("max-retries"), help: "Retries tolerated after a failure: when the connection attempt after N failed retries in a row fails too, exit 69 (default: retry forever).")
    var maxRetries: Int?

    @Option(name: .customLong("rest-endpoint"), help: "REST base URL for backfilling missed trades.")
    var restEndpoint: String = "https://api.binance.com"

    @Option(name: .customLong("backfill-max"), help: "Most trades fetched from REST for one gap (the most recent ones).")
    var backfillMax: Int64 = 100_000

    @Flag(name: .customLong("no-backfill"), help: "Leave gaps unfilled (bnc-window reports them as missing_trades).")
    var noBackfill = false

    @OptionGroup var metrics: MetricsOptions

    @Option(name: .customLong("backoff-initial"), help: "First reconnect delay ceiling; doubles per failure (full jitter).")
    var backoffInitial: DurationSpec = DurationSpec(milliseconds: 1000)

    @Option(name: .customLong("backoff-max"), help: "Largest reconnect delay ceiling.")
    var backoffMax: DurationSpec = DurationSpec(milliseconds: 60_000)

    @Option(help: "Least time between two rounds of bnc.heartbeat lines (one per symbol; the estimated exchange clock, so bnc-window closes silent windows on time); 0 writes none.")
    var heartbeat: DurationSpec = DurationSpec(milliseconds: 500)

    func validate() throws {
        guard idleTimeout.milliseconds > 0 else { throw ValidationError("--idle-timeout must be positive") }
        guard rolloverAfter.milliseconds > 0 else { throw ValidationError("--rollover-after must be positive") }
        guard backfillMax >= 0 else { throw ValidationError("--backfill-max must not be negative") }
        if let maxRetries, maxRetries < 0 { throw ValidationError("--max-retries must not be negative") }
        guard backoffMax.milliseconds >= backoffInitial.milliseconds else { throw ValidationError("--backoff-max must be at least --backoff-initial") }
        guard restEndpoint.hasPrefix("http://") || restEndpoint.hasPrefix("https://") else {
            throw ValidationError("--rest-endpoint must be an http:// or https:// URL")
        }
        guard (1...StreamEndpoint.maxStreamsPerConnection).contains(streamsPerConnection) else {
            throw ValidationError("--streams-per-connection must be 1…\(StreamEndpoint.maxStreamsPerConnection)")
        }
        if let quote, quote.isEmpty || !quote.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) }) {
            throw ValidationError("--quote must be an asset name such as USDT")
        }
        do {
            // The symbols named here (the endpoint and each name checked); --quote's come later.
            for group in SymbolPartition.groups(symbolList.isEmpty ? ["btcusdt"] : symbolList, perConnection: streamsPerConnection) {
                _ = try StreamEndpoint(endpoint: endpoint, symbols: group, kind: stream)
            }
        } catch { throw ValidationError(error.description) }
    }

    var symbolList: [String] { symbols.isEmpty && quote == nil ? ["btcusdt"] : symbols }

    mutating func run() {
        ToolExit.run(tool: "bnc-stream") { ToolExit.exit(try feed()) }
    }

    private func feed() throws -> ExitStatus {
        // A daemon must be stoppable: `install` also undoes a SIGINT/SIGTERM block inherited from
        // whoever started us, before the socket thread is created (threads inherit the mask).
        SignalTrap.install()
        let diagnostics = Diagnostics(tool: "bnc-stream")
        let tls = TLSOptions(extraCAFile: caFile)
        var all = symbolList
        // One REST weight budget for the whole process: exchangeInfo and every connection's backfill.
        let budget = SharedWeightBudget()
        if let quote {
            let listed = try ExchangeInfo.fetch(baseURL: restEndpoint, tls: tls, budget: budget).trading(quote: quote)
            guard !listed.isEmpty else { throw ExchangeInfo.ParseError.fetch("no spot symbol is TRADING with quote asset \(quote.uppercased())") }
            diagnostics.report("exchangeInfo", "\(listed.count) symbols TRADING with quote asset \(quote.uppercased())")
            all += listed
        }
        let groups = SymbolPartition.groups(all, perConnection: streamsPerConnection)
        let endpoint = try StreamEndpoint(endpoint: self.endpoint, symbols: groups[0], kind: stream)
        var config = LiveFeedConfiguration(endpoint: endpoint, kind: stream, tls: tls)
        config.weightBudget = budget
        // --metrics-file: Binance's `s` is upper case, so the subscribed symbols' counters exist (at 0)
        // from the first write; the final values are written once the feed has stopped. One slot
        // per connection, rendered as one (FeedHealth.combined).
        let now = MonotonicClock.wallClockMilliseconds()
        let slots = groups.map { MetricsSlot(FeedHealth(symbols: $0.map { $0.uppercased() }, startedAt: now)) }
        let publisher = try metrics.startPublisher(
            tool: "bnc-stream", urgent: { slots.map { $0.takeUrgent() }.contains(true) },
            render: { FeedHealth.combined(slots.map { $0.read() }).exposition(now: MonotonicClock.wallClockMilliseconds()) })
        defer { publisher?.finish() }
        if publisher != nil { config.metrics = slots[0] }
        config.idleTimeoutMilliseconds = idleTimeout.milliseconds
        config.rolloverAfterMilliseconds = rolloverAfter.milliseconds
        config.maxRetries = maxRetries
        config.restEndpoint = restEndpoint
        config.backfillMax = backfillMax
        config.backfillEnabled = !noBackfill && backfillMax > 0
        config.backoffInitialMilliseconds = backoffInitial.milliseconds
        config.backoffMaxMilliseconds = backoffMax.milliseconds
        config.heartbeatMilliseconds = heartbeat.milliseconds
        guard groups.count > 1 else { return LiveFeed.runOnDedicatedThread(configuration: config, diagnostics: diagnostics) }
        diagnostics.report(nil, "\(groups.count) connections for \(groups.reduce(0) { $0 + $1.count }) symbols (at most \(streamsPerConnection) streams each)")
        let configurations = try MarketFeed.configurations(template: config, endpoint: self.endpoint, groups: groups,
                                                           metrics: publisher == nil ? nil : slots)
        return MarketFeed.run(configurations, diagnostics: diagnostics)
    }
}

extension StreamKind: ExpressibleByArgument {}
