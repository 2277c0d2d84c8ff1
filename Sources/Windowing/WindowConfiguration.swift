/// Which exchange timestamp places a trade in a window (DESIGN.md §2; the local clock is never used).
public enum TimeField: String, Sendable, CaseIterable {
    /// `T`, the trade time (default).
    case trade
    /// `E`, the event time.
    case event
}

/// How trades are cut into windows.
public struct WindowConfiguration: Sendable, Equatable {
    /// Window length in milliseconds; windows are `[k·size, (k+1)·size)` since the Unix epoch.
    public var windowMilliseconds: Int64
    /// A window closes once a trade at or after `end + lateness` has arrived for its symbol.
    public var latenessMilliseconds: Int64
    public var timeField: TimeField

    /// Windows a symbol may have open at once; more would mean an absurd lateness/window ratio.
    public static let maxOpenWindows: Int64 = 1 << 20

    public init(windowMilliseconds: Int64 = 20_000, latenessMilliseconds: Int64 = 1_000, timeField: TimeField = .trade) {
        precondition(windowMilliseconds > 0 && latenessMilliseconds >= 0)
        self.windowMilliseconds = windowMilliseconds
        self.latenessMilliseconds = latenessMilliseconds
        self.timeField = timeField
    }

    /// Ring size for one symbol's open windows: every open window `i` has `(i+1)·size + lateness`
    /// above the newest accepted time, so at most `lateness/size + 2` are open.
    var openWindowCapacity: Int { Int(latenessMilliseconds / windowMilliseconds) + 3 }
}
