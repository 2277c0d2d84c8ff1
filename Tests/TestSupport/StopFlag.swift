import Foundation

/// `SignalTrap`'s stop flag is one per process, and every test target runs in the same process,
/// in parallel. A test that sets the flag, or runs code that reads it (`WindowRun`,
/// `ScoringSession`) and must not be stopped by another test's signal, runs inside
/// `StopFlag.exclusive`; the flag is clear when its body starts and cleared again after.
package enum StopFlag {
    private static let lock = NSLock()

    /// Runs `body` while no other test can touch the flag; `clear` (e.g. `{ SignalTrap.requestStop(0) }`)
    /// resets the flag before and after.
    package static func exclusive<R, E: Error>(clear: () -> Void, _ body: () throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer {
            clear()
            lock.unlock()
        }
        clear()
        return try body()
    }
}
