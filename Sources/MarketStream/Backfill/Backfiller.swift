import BNCCore

/// Fetches missed trades from Binance REST (`/api/v3/historicalTrades`, weight 25; or
/// `/api/v3/aggTrades`, weight 4) in pages of up to 1000, inside the weight budget, honouring
/// `Retry-After` on 429/418, and hands them out as trade lines in id order.
final class Backfiller {
    struct Outcome {
        var written: Int64
        var failure: String?
        /// `catchUp` only: REST had nothing more (false when it stopped at its `max`).
        var reachedEnd = true
        /// `catchUp` only: stopped because the weight budget is kept for gap fills.
        var budgetKept = false
    }

    let baseURL: String
    let kind: StreamKind
    let diagnostics: Diagnostics
    private let client: RESTClient
    /// Shared with the backfills of the other connections (`MarketFeed`).
    private let budget: SharedWeightBudget
    /// Longest Retry-After we sit out while the live socket waits; longer means give up this gap.
    let maxRetryAfterSeconds: Int = 30
    let maxAttemptsPerPage = 5
    /// Longest wait for REST weight a gap fill accepts while the live socket goes unread: past
    /// it the gap is given up (counted unrecovered), so a connection is never starved into being
    /// cut by the exchange for not answering its pings — which would open more gaps.
    let maxBudgetWaitMilliseconds: Int64 = 10_000

    init(baseURL: String, kind: StreamKind, tls: TLSOptions, weightPerMinute: Int, diagnostics: Diagnostics,
         budget: SharedWeightBudget? = nil) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.kind = kind
        self.diagnostics = diagnostics
        client = RESTClient(tls: tls)
        self.budget = budget ?? SharedWeightBudget(perWindow: weightPerMinute)
    }

    var weight: Int { kind == .trade ? 25 : 4 }

    /// Writes ids `range` of `symbol` through `write` (id, line), in order.
    func fill(symbol: String, range: Range<Int64>, stop: () -> Bool,
              write: (Int64, UnsafeRawBufferPointer) throws(OutputError) -> Void) throws(OutputError) -> Outcome {
        try fetch(symbol: symbol, range: range, toTheEnd: false, stop: stop, write: write)
    }

    /// Writes the trades of `symbol` after `lastID` that REST has now, at most `max`, in order: a
    /// symbol the feed was away from (a reconnection) is caught up without waiting for its next
    /// trade to reveal the gap (heartbeats, formats.md §1). An empty or short page is the end, not
    /// a failure; `reachedEnd` says whether it was reached within `max`.
    func catchUp(symbol: String, after lastID: Int64, max: Int64, stop: () -> Bool,
                 write: (Int64, UnsafeRawBufferPointer) throws(OutputError) -> Void) throws(OutputError) -> Outcome {
        let (upper, overflow) = lastID.addingReportingOverflow(1 + max)
        guard !overflow, max > 0 else { return Outcome(written: 0, failure: "no room after id \(lastID)") }
        var outcome = try fetch(symbol: symbol, range: (lastID + 1)..<upper, toTheEnd: true, stop: stop, write: write)
        if outcome.failure == nil && outcome.written >= max { outcome.reachedEnd = false }
        return outcome
    }

    private func fetch(symbol: String, range: Range<Int64>, toTheEnd: Bool, stop: () -> Bool,
                       write: (Int64, UnsafeRawBufferPointer) throws(OutputError) -> Void) throws(OutputError) -> Outcome {
        var next = range.lowerBound
        var written: Int64 = 0
        while next < range.upperBound {
            if stop() { return Outcome(written: written, failure: "stopped") }
            let limit = min(1000, range.upperBound - next)
            let path = kind == .trade ? "/api/v3/historicalTrades" : "/api/v3/aggTrades"
            let url = "\(baseURL)\(path)?symbol=\(symbol)&fromId=\(next)&limit=\(limit)"
            var attempt = 0
            var page: [UInt8]?
            while page == nil {
                attempt += 1
                if attempt > maxAttemptsPerPage { return Outcome(written: written, failure: "gave up after \(maxAttemptsPerPage) attempts") }
                if toTheEnd {
                    // A catch-up is given up before it eats into the weight kept for gap fills.
                    guard budget.tryReserve(now: MonotonicClock.nowMilliseconds(), weight: weight) else {
                        return Outcome(written: written, failure: "REST weight budget kept for gap fills", budgetKept: true)
                    }
                } else {
                    var reported = false
                    let waitingSince = MonotonicClock.nowMilliseconds()
                    while true {
                        let now = MonotonicClock.nowMilliseconds()
                        let wait = budget.reserve(now: now, weight: weight)
                        if wait == 0 { break }
                        if now + wait - waitingSince > maxBudgetWaitMilliseconds {
                            return Outcome(written: written, failure: "REST weight budget spent for \(DurationText.format(wait)) more; gap given up so the connection keeps being read")
                        }
                        if !reported { diagnostics.report("backfill", "weight budget spent; waiting \(DurationText.format(wait))"); reported = true }
                        if !MonotonicClock.sleep(milliseconds: min(wait, 1000), stop: stop) { return Outcome(written: written, failure: "stopped") }
                    }
                }
                switch client.get(url) {
                case .failure(let error):
                    diagnostics.report("backfill", "\(url): \(error)")
                    if !MonotonicClock.sleep(milliseconds: 500 << min(attempt, 4), stop: stop) { return Outcome(written: written, failure: "stopped") }
                case .success(let response) where response.status == 200:
                    page = response.body
                case .success(let response) where response.status == 429 || response.status == 418:
                    let seconds = response.retryAfterSeconds ?? 60
                    guard seconds <= maxRetryAfterSeconds else {
                        return Outcome(written: written, failure: "HTTP \(response.status) with Retry-After \(seconds) s")
                    }
                    diagnostics.report("backfill", "HTTP \(response.status): waiting \(seconds) s (Retry-After)")
                    if !MonotonicClock.sleep(milliseconds: Int64(seconds) * 1000, stop: stop) { return Outcome(written: written, failure: "stopped") }
                case .success(let response) where response.status >= 500:
                    diagnostics.report("backfill", "HTTP \(response.status) from \(url)")
                    if !MonotonicClock.sleep(milliseconds: 500 << min(attempt, 4), stop: stop) { return Outcome(written: written, failure: "stopped") }
                case .success(let response):
                    let text = String(decoding: response.body.prefix(200), as: UTF8.self)
                    return Outcome(written: written, failure: "HTTP \(response.status): \(text)")
                }
            }
            var progressed = false
            var pageTrades: Int64 = 0
            do throws(BackfillConverter.PageError<OutputError>) {
                // `withUnsafeBytes` rethrows untyped: the typed error crosses it as a `Result`.
                try page!.withUnsafeBytes { json in
                    Result { () throws(BackfillConverter.PageError<OutputError>) in
                        try BackfillConverter.convert(json, symbol: symbol, kind: kind) { (id, line) throws(OutputError) in
                            pageTrades += 1
                            guard id >= next, id < range.upperBound else { return }
                            try write(id, line)
                            written += 1
                            next = id + 1
                            progressed = true
                        }
                    }
                }.get()
            } catch {
                switch error {
                case .body(let error): throw error   // our own write failed: not the page's fault
                case .conversion(let error): return Outcome(written: written, failure: error.description)
                }
            }
            if toTheEnd && (!progressed || pageTrades < limit) { return Outcome(written: written, failure: nil) }
            if !progressed { return Outcome(written: written, failure: "REST returned no trades from id \(next)") }
        }
        return Outcome(written: written, failure: nil)
    }
}
