import BNCCore
import Synchronization
import Testing

@Suite("DedicatedThread, MonotonicClock, trimming")
struct PlatformHelperTests {
    final class Counter { var value = 0 }   // deliberately not Sendable: handed over, then taken back

    @Test func theBodyRunsOnAnotherThreadAndJoinReturnsItsResult() {
        let caller = pthread_self()
        let worker = DedicatedThread { () -> Bool in pthread_equal(pthread_self(), caller) == 0 }
        let ranElsewhere = worker.join()
        #expect(ranElsewhere)
    }

    @Test func aNonSendableValueIsHandedOverAndTakenBack() {
        let counter = Counter()
        let worker = DedicatedThread(handing: counter) { counter in
            for _ in 0..<1000 { counter.value += 1 }
            return counter
        }
        let back = worker.join()
        #expect(back.value == 1000)
    }

    final class Flag: Sendable { let value = Atomic<Int>(0) }

    @Test func aDroppedHandleStillWaitsForItsThread() {
        let flag = Flag()
        do {
            _ = DedicatedThread(stackSize: 1 << 20) { () -> Void in
                var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
                nanosleep(&pause, nil)
                flag.value.store(1, ordering: .relaxed)
            }
        }
        #expect(flag.value.load(ordering: .relaxed) == 1)
    }

    @Test func manyThreadsJoinInOrder() {
        var workers: [Int] = []
        for k in 0..<8 { workers.append(DedicatedThread { k * k }.join()) }
        #expect(workers == (0..<8).map { $0 * $0 })
    }

    @Test func theClockNeverGoesBack() {
        var previous = MonotonicClock.nowNanoseconds()
        var previousMilliseconds = MonotonicClock.nowMilliseconds()
        for _ in 0..<10_000 {
            let now = MonotonicClock.nowNanoseconds()
            let milliseconds = MonotonicClock.nowMilliseconds()
            #expect(now >= previous)
            #expect(milliseconds >= previousMilliseconds)
            previous = now
            previousMilliseconds = milliseconds
        }
    }

    @Test func sleepWaitsAtLeastItsTimeAndStopsWhenAsked() {
        let before = MonotonicClock.nowMilliseconds()
        #expect(MonotonicClock.sleep(milliseconds: 5, stop: { false }))
        #expect(MonotonicClock.nowMilliseconds() - before >= 5)
        #expect(!MonotonicClock.sleep(milliseconds: 60_000, stop: { true }))
    }

    @Test func theWallClockIsEpochMilliseconds() {
        let now = MonotonicClock.wallClockMilliseconds()
        #expect(now > 1_577_836_800_000)                    // after 2020-01-01
        #expect(UTCTime(epochMilliseconds: now).year >= 2020)
    }

    @Test func trimming() {
        #expect(" \t a b \r\n".trimming() == "a b")
        #expect("  x\t ".trimming(" ") == "x\t")
        #expect("\"v\"".trimming("\"") == "v")
        #expect("".trimming() == "")
        #expect("   ".trimming() == "")
    }

    /// `"\r\n"` is one Character in Swift: a Character-based set missed a lone `"\n"` or `"\r"`.
    @Test func trimmingRemovesALoneNewlineOrCarriageReturn() {
        #expect("4242\n".trimming() == "4242")
        #expect("\n4242\r".trimming() == "4242")
        #expect("a\r\n\n".trimming() == "a")
    }
}
