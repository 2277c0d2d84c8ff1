/// Which exchange timestamp places a trade in a window (DESIGN.md §2; the local clock is never used).
package enum TimeField: String, Sendable, CaseIterable {
    /// `T`, the trade time (default).
    case trade
    /// `E`, the event time.
    case event
}

/// How trades are cut into windows.
package struct WindowConfiguration: Sendable, Equatable {
    /// Window length in milliseconds; windows are `[k·size, (k+1)·size)` since the Unix epoch.
    package var windowMilliseconds: Int64
    /// A window closes once a trade at or after `end + lateness` has arrived for its symbol.
    package var latenessMilliseconds: Int64
    package var timeField: TimeField

    /// Windows a symbol may have open at once; more would mean an absurd lateness/window ratio.
    package static let maxOpenWindows: Int64 = 1 << 20

    package init(windowMilliseconds: Int64 = 20_000, latenessMilliseconds: Int64 = 1_000, timeField: TimeField = .trade) {
        precondition(windowMilliseconds > 0 && latenessMilliseconds >= 0)
        self.windowMilliseconds = windowMilliseconds
        self.latenessMilliseconds = latenessMilliseconds
        self.timeField = timeField
    }

    /// Ring size for one symbol's open windows: every open window `i` has `(i+1)·size + lateness`
    /// above the newest accepted time, so at most `lateness/size + 2` are open.
    var openWindowCapacity: Int { Int(latenessMilliseconds / windowMilliseconds) + 3 }
}
