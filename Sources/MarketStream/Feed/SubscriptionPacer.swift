/// When a connection may send its next SUBSCRIBE message: Binance takes at most 5 incoming
/// messages a second per connection (pings and pongs count), and closes the connection past
/// that. We send at most one SUBSCRIBE per `intervalMilliseconds` (334 ms: 3 a second), which
/// leaves room for the pong to the server's ping and our own keep-alive ping in the same second.
/// Time is passed in, so tests drive it with a clock of their own.
package struct SubscriptionPacer: Sendable {
    package static let defaultIntervalMilliseconds: Int64 = 334

    package private(set) var pending: [[String]]
    package let intervalMilliseconds: Int64
    private var lastSentAt: Int64?
    /// The id of the next request (`{"method":"SUBSCRIBE","params":[…],"id":n}`).
    package private(set) var nextID = 1

    package init(batches: [[String]], intervalMilliseconds: Int64 = defaultIntervalMilliseconds) {
        pending = batches
        self.intervalMilliseconds = intervalMilliseconds
    }

    package var isDone: Bool { pending.isEmpty }

    /// The message to send now (and it counts as sent), or nil when none is due.
    package mutating func due(now: Int64) -> [UInt8]? {
        guard let batch = pending.first else { return nil }
        if let last = lastSentAt, now - last < intervalMilliseconds { return nil }
        pending.removeFirst()
        lastSentAt = now
        defer { nextID += 1 }
        let params = batch.map { "\"" + $0 + "\"" }.joined(separator: ",")
        return Array("{\"method\":\"SUBSCRIBE\",\"params\":[\(params)],\"id\":\(nextID)}".utf8)
    }
}
