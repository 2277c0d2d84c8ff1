/// Which exchange timestamp places a trade in a window (DESIGN.md §2; the local clock is never used).
package enum TimeField: String, Sendable, CaseIterable {
    /// `T`, the trade time (default).
    case trade
    /// `E`, the event time.
    case event
}

/// How trades are cut into windows, and when a trade's time is not believed (issue 11).
package struct WindowConfiguration: Sendable, Equatable {
    /// Window length in milliseconds; windows are `[k·size, (k+1)·size)` since the Unix epoch.
    package var windowMilliseconds: Int64
    /// A window closes once a trade at or after `end + lateness` has arrived for its symbol.
    package var latenessMilliseconds: Int64
    package var timeField: TimeField
    /// A trade more than this ahead of (or behind) its symbol's latest accepted trade is *far*:
    /// quarantined, or held as the start of a jump until `jumpConfirmations` trades agree.
    package var maxJumpMilliseconds: Int64
    /// Consecutive far trades of a symbol, each within `maxJumpMilliseconds` of the one before,
    /// that make a jump genuine (a stream resuming after an outage, two recordings in a row).
    package var jumpConfirmations: Int
    /// Longest run of empty windows written for one silence; longer runs are cut (and reported).
    package var maxSilenceMilliseconds: Int64
    /// Times a trade can have at all; anything else is quarantined.
    package var plausibleTimes: ClosedRange<Int64>

    /// Windows a symbol may have open at once; more would mean an absurd lateness/window ratio.
    package static let maxOpenWindows: Int64 = 1 << 20
    /// Longest window, lateness, jump or silence: one year (keeps every sum of times far from overflow).
    package static let maxDurationMilliseconds: Int64 = 366 * 86_400_000
    /// Every time the reader can produce (ms; µs input is divided down): no check.
    package static let anyTime: ClosedRange<Int64> = 0...(Int64(1) << 53)
    /// bnc-window's plausible trade times: 2017-01-01 (Binance opened in July 2017) up to, not
    /// including, 2100-01-01. A `T` in seconds (1970) or in the year 2100 is quarantined.
    package static let exchangeEra: ClosedRange<Int64> = 1_483_228_800_000...(4_102_444_800_000 - 1)

    package init(windowMilliseconds: Int64 = 20_000, latenessMilliseconds: Int64 = 1_000, timeField: TimeField = .trade,
                 maxJumpMilliseconds: Int64 = 600_000, jumpConfirmations: Int = 5,
                 maxSilenceMilliseconds: Int64 = 3_600_000, plausibleTimes: ClosedRange<Int64> = WindowConfiguration.anyTime) {
        precondition(windowMilliseconds > 0 && latenessMilliseconds >= 0)
        precondition(windowMilliseconds <= Self.maxDurationMilliseconds && latenessMilliseconds <= Self.maxDurationMilliseconds)
        precondition(maxJumpMilliseconds > 0 && maxJumpMilliseconds <= Self.maxDurationMilliseconds)
        precondition(maxSilenceMilliseconds >= 0 && maxSilenceMilliseconds <= Self.maxDurationMilliseconds)
        precondition(jumpConfirmations >= 1 && jumpConfirmations <= 1_000)
        precondition(plausibleTimes.lowerBound >= 0 && plausibleTimes.upperBound <= Self.anyTime.upperBound)
        self.windowMilliseconds = windowMilliseconds
        self.latenessMilliseconds = latenessMilliseconds
        self.timeField = timeField
        self.maxJumpMilliseconds = maxJumpMilliseconds
        self.jumpConfirmations = jumpConfirmations
        self.maxSilenceMilliseconds = maxSilenceMilliseconds
        self.plausibleTimes = plausibleTimes
    }

    /// Ring size for one symbol's open windows: every open window `i` has `(i+1)·size + lateness`
    /// above the newest accepted time, so at most `lateness/size + 2` are open.
    var openWindowCapacity: Int { Int(latenessMilliseconds / windowMilliseconds) + 3 }

    /// Empty windows one silence may write.
    var maxSilentWindows: Int64 { maxSilenceMilliseconds / windowMilliseconds }
}
