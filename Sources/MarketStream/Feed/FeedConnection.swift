import BNCCore

/// What `LiveFeed` needs of one connection to the stream: open it, pull received bytes into its
/// `reader` (which cuts them into WebSocket messages), answer pings, close, drop. It is the seam
/// between the feed's decisions (reconnect, rollover, gap backfill) and RFC 6455 over libcurl
/// (`WebSocketConnection`), so those decisions can be tested in process with a scripted
/// connection that feeds frames to a real `WebSocketReader`.
protocol FeedConnection: AnyObject {
    /// Holds what `receive` brought in; the feed takes whole messages from it.
    var reader: WebSocketReader { get }
    /// The socket to poll while waiting, or -1 when there is none.
    var socket: Int32 { get }
    /// Connects and upgrades; checks `stop` while waiting.
    func open(tls: TLSOptions, timeoutMilliseconds: Int64, stop: () -> Bool) throws(ConnectionError)
    /// Moves bytes that have arrived into `reader`, without blocking.
    func receive() throws(ConnectionError) -> WebSocketConnection.ReceiveResult
    func sendPong(_ payload: UnsafeRawBufferPointer) throws(ConnectionError)
    /// Asks the server for a pong: on a quiet connection, the proof that it is alive (heartbeats).
    func sendPing(_ payload: [UInt8]) throws(ConnectionError)
    /// Sends a text message (a SUBSCRIBE request).
    func sendText(_ text: [UInt8]) throws(ConnectionError)
    /// Starts (or answers) the close handshake once; failures are ignored (we are leaving).
    func sendClose(code: UInt16, reason: String)
    /// Blocks until bytes may be readable or the time is up.
    func waitReadable(timeoutMilliseconds: Int64)
    /// Releases the connection without a close frame.
    func drop()
}

extension FeedConnection {
    func sendClose(code: UInt16) { sendClose(code: code, reason: "") }
    func sendText(_ text: [UInt8]) throws(ConnectionError) {}
}

extension WebSocketConnection: FeedConnection {}

/// What `LiveFeed` needs to fill a gap: the trades `range` of `symbol`, in id order, through
/// `write`. `Backfiller` does it over Binance REST; tests record the ranges asked for.
protocol TradeBackfilling: AnyObject {
    func fill(symbol: String, range: Range<Int64>, stop: () -> Bool,
              write: (Int64, UnsafeRawBufferPointer) throws(OutputError) -> Void) throws(OutputError) -> Backfiller.Outcome
    /// The trades after `lastID` that REST has now (at most `max`): a symbol caught up after a
    /// reconnection, so its heartbeats resume without waiting for its next trade.
    func catchUp(symbol: String, after lastID: Int64, max: Int64, stop: () -> Bool,
                 write: (Int64, UnsafeRawBufferPointer) throws(OutputError) -> Void) throws(OutputError) -> Backfiller.Outcome
}

extension Backfiller: TradeBackfilling {}
