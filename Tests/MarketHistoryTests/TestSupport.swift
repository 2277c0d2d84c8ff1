import BNCCore
import Foundation
@testable import MarketHistory

/// Helpers shared by the MarketHistory tests.
enum TestSupport {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnc-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` with an `OutputBuffer` writing to a temporary file, and returns what it wrote.
    static func capture<R>(_ body: (OutputBuffer) throws -> R) throws -> (R, String) {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0)
        let output = OutputBuffer(fileDescriptor: fd)
        let result: R
        do {
            result = try body(output)
            try output.flush()
        } catch {
            try? output.flush()
            close(fd)
            throw error
        }
        close(fd)
        return (result, try String(contentsOfFile: path, encoding: .utf8))
    }

    static func json(_ line: Substring) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }
}
