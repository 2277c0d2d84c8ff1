import BNCCore
import Foundation
@testable import MarketHistory

/// Helpers shared by the MarketHistory tests.
enum TestSupport {
    /// `../shared/data` beside the package root (the real captures).
    static let sharedData: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

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

    /// The `@trade` payloads (the `data` objects) of a real capture, as text lines.
    static func realTradeLines(_ name: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc \"$0\" | grep '@trade'", sharedData.appendingPathComponent(name).path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var lines: [String] = []
        for raw in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let brace = raw.firstIndex(of: "{") else { continue }
            let envelope = raw[brace...]
            // The capture's lines are `<receive time> {"stream":…,"data":{…}}`: cut out the data object.
            guard let start = envelope.range(of: "\"data\":")?.upperBound else { continue }
            lines.append(String(envelope[start..<envelope.index(before: envelope.endIndex)]))
        }
        return lines
    }

    static func json(_ line: Substring) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }
}
