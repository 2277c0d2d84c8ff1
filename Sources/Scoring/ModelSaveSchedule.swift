import BNCCore

/// When bnc-score rewrites its `--model` file.
///
/// The file holds every symbol's model and buffer, so one save costs time in proportion to the
/// symbols (2,000 trained symbols: about 60 MB). While the file is small — under
/// `spacedFromBytes`, 4 MiB by default, some twenty trained symbols — every training saves it at
/// once, as a collector of a few symbols can afford, so a crash never loses a training. A larger
/// file would be rewritten 2,000 times as the whole market's models come of age together: minutes
/// in which no row is written and the stream's pipe fills up. So its saves are spaced out: a
/// training saves at once when the last save ended at least `interval` ago, where `interval` is 20
/// times what the last save took (never less than a second), so saving costs at most about 5 % of
/// the time; otherwise the save waits for the first row after that interval (`isDue`). Exit
/// always saves, with the buffers and counters, so a restart after a clean stop goes on exactly;
/// a crash of such a large collector loses at most the trainings of the last interval (they are
/// redone as their symbols' rows come).
package struct ModelSaveSchedule: Sendable {
    /// A spaced save is never due sooner than this after the previous one ended.
    package static let minimumInterval: Int64 = 1_000_000_000
    /// The interval as a multiple of the last save's duration.
    package static let durationFactor: Int64 = 20
    /// Files smaller than this are saved after every training.
    package static let defaultSpacedFromBytes = 4 << 20

    /// Trainings not yet in the file.
    package private(set) var pending = false
    private let spacedFromBytes: Int
    private var lastEnd: Int64? = nil
    private var lastBytes = 0
    private var interval = Self.minimumInterval

    package init(spacedFromBytes: Int = Self.defaultSpacedFromBytes) {
        self.spacedFromBytes = spacedFromBytes
    }

    /// A model changed (a training): the file is behind.
    package mutating func modelChanged() { pending = true }

    /// Whether to save now, at monotonic time `now` (nanoseconds): something is pending, and the
    /// file is small, or this is the first save, or the interval since the last save has passed.
    package func isDue(now: Int64) -> Bool {
        guard pending else { return false }
        guard let lastEnd, lastBytes >= spacedFromBytes else { return true }
        return now - lastEnd >= interval
    }

    /// A save of `bytes` ran from `start` to `end` (monotonic nanoseconds): the file is current.
    package mutating func saved(bytes: Int, start: Int64, end: Int64) {
        pending = false
        lastEnd = end
        lastBytes = bytes
        interval = max(Self.minimumInterval, Self.durationFactor * max(0, end - start))
    }
}
