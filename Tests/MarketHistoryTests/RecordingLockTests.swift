import Foundation
import MarketHistory
import Testing

/// Issue 11: two recorders into one folder stored every trade twice. One recorder per folder.
@Suite("DailyTradeFiles: one recorder per directory")
struct RecordingLockTests {
    @Test("a second recorder on the same directory is refused (exit 73), a later one is not")
    func secondRecorderOnTheSameDirectoryIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var first: DailyTradeFiles? = try DailyTradeFiles(directory: dir)
        do {
            _ = try DailyTradeFiles(directory: dir)
            Issue.record("a second recorder got the directory")
        } catch {
            guard case .directoryInUse(let path, let pid) = error else { Issue.record("wrong error: \(error)"); return }
            #expect(path == dir)
            #expect(pid == getpid())
            #expect(error.exitStatus == .cannotCreate)
            #expect(error.description.contains("another recorder (pid \(getpid()))"))
        }
        try first?.finish()
        first = nil   // the lock goes with the recorder
        let later = try DailyTradeFiles(directory: dir)
        try later.finish()
        // Another directory is independent.
        let other = try DailyTradeFiles(directory: dir + "/other")
        try other.finish()
    }
}
