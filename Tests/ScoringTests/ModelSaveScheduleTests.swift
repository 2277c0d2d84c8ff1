import Testing
@testable import Scoring

/// When the `--model` file is written: after every training while it is small (a crash then
/// never loses a training), spaced out once it is large.
@Suite("ModelSaveSchedule")
struct ModelSaveScheduleTests {
    let second: Int64 = 1_000_000_000

    @Test func aSmallFileIsSavedAfterEveryTraining() {
        var schedule = ModelSaveSchedule(spacedFromBytes: 4 << 20)
        #expect(!schedule.isDue(now: 0))
        schedule.modelChanged()
        #expect(schedule.isDue(now: 0))
        schedule.saved(bytes: 200_000, start: 0, end: 5_000_000)
        #expect(!schedule.isDue(now: 5_000_001))
        schedule.modelChanged()
        #expect(schedule.isDue(now: 5_000_001))  // at once: the file is small
    }

    @Test func aLargeFileIsSavedAtMostOnceAnIntervalOf20SaveDurationsAndAtLeastASecond() {
        var schedule = ModelSaveSchedule(spacedFromBytes: 4 << 20)
        schedule.modelChanged()
        #expect(schedule.isDue(now: 0))  // the first save is due at once
        // A 60 MB save that took 0.1 s: the next is due 2 s after it ended.
        schedule.saved(bytes: 60 << 20, start: 0, end: second / 10)
        schedule.modelChanged()
        #expect(!schedule.isDue(now: second / 10 + second))
        #expect(schedule.isDue(now: second / 10 + 2 * second))
        // A quick save of a large file: still a second apart.
        schedule.saved(bytes: 5 << 20, start: 3 * second, end: 3 * second + 1_000_000)
        schedule.modelChanged()
        #expect(!schedule.isDue(now: 3 * second + 1_000_000 + second / 2))
        #expect(schedule.isDue(now: 3 * second + 1_000_000 + second))
        // Nothing pending: never due.
        schedule.saved(bytes: 5 << 20, start: 5 * second, end: 5 * second + 1)
        #expect(!schedule.isDue(now: 100 * second))
    }
}
