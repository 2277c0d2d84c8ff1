import BNCCore

/// When bnc-score rewrites its `--model` file.
///
/// The file holds every symbol's model and buffer, so one save costs time in proportion to the
/// symbols (2,000 trained symbols: about 60 MB). Saving after every training, as a single-symbol
/// collector can afford, would rewrite it 2,000 times as the whole market's models come of age
/// together — minutes in which no row is written and the stream's pipe fills up. So saves are
/// spaced out: a training saves at once when the last save ended at least `interval` ago, where
/// `interval` is 20 times what the last save took (never less than a second), so saving costs at
/// most about 5 % of the time; otherwise the save waits for the first row after that interval
/// (`isDue`). Exit always saves, with the buffers and counters, so a restart after a clean stop
/// goes on exactly; a crash loses at most the trainings of the last interval (they are redone
/// from the buffers saved with the models before them).
package struct ModelSaveSchedule: Sendable {
    /// A save is never due sooner than this after the previous one ended.
    package static let minimumInterval: Int64 = 1_000_000_000
    /// The interval as a multiple of the last save's duration.
    package static let durationFactor: Int64 = 20

    /// Trainings not yet in the file.
    package private(set) var pending = false
    private var lastEnd: Int64? = nil
    private var interval = Self.minimumInterval

    package init() {}

    /// A model changed (a training): the file is behind.
    package mutating func modelChanged() { pending = true }

    /// Whether to save now, at monotonic time `now` (nanoseconds): something is pending and the
    /// interval since the last save has passed (the first save is always due).
    package func isDue(now: Int64) -> Bool {
        guard pending else { return false }
        guard let lastEnd else { return true }
        return now - lastEnd >= interval
    }

    /// A save ran from `start` to `end` (monotonic nanoseconds): the file is current.
    package mutating func saved(start: Int64, end: Int64) {
        pending = false
        lastEnd = end
        interval = max(Self.minimumInterval, Self.durationFactor * max(0, end - start))
    }
}
