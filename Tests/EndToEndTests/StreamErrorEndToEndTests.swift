import Foundation
import TestSupport
import Testing

/// bnc-stream's failures end through the one mapping: the stderr line names the path and what
/// failed, and the status is the sysexits code of the cause.
@Suite("bnc-stream errors end to end")
struct StreamErrorEndToEndTests {
    /// A path below a regular file: it cannot be created even by root (`ENOTDIR`).
    static func pathBelowAFile() throws -> (directory: URL, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnc-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        return (dir, file.path + "/sub")
    }

    @Test("simulate --labels to a path that cannot be created: exit 73, the path and what failed on stderr")
    func simulateUnwritableLabels() throws {
        let (dir, below) = try Self.pathBelowAFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        let labels = below + "/labels.json"
        let result = try ToolRunner.run("bnc-stream", ["simulate", "--hours", "0.01", "--labels", labels])
        #expect(result.status == 73, "\(result.stderrText)")
        #expect(result.stderrText.hasPrefix("bnc-stream: \(labels): cannot create the labels file: "), "\(result.stderrText)")
        #expect(result.stdout.isEmpty)
    }

    @Test("simulate --labels writes the labels file and the trades")
    func simulateWritesLabels() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnc-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let labels = dir.appendingPathComponent("labels.json").path
        let result = try ToolRunner.run("bnc-stream", ["simulate", "--hours", "2", "--seed", "7", "--labels", labels])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(!result.stdoutLines.isEmpty)
        let text = try String(contentsOfFile: labels, encoding: .utf8)
        #expect(text.hasPrefix("[\n") && text.hasSuffix("]\n"))
        #expect(text.contains("\"kind\":"))
    }

    @Test("record --dir that cannot be created: exit 73, naming the directory")
    func recordUncreatableDirectory() throws {
        let (dir, below) = try Self.pathBelowAFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ToolRunner.run("bnc-stream", ["record", "--quiet", "--dir", below + "/trades", "-"], stdin: Data())
        #expect(result.status == 73, "\(result.stderrText)")
        #expect(result.stderrText.contains("\(below): cannot create directory: "), "\(result.stderrText)")
    }
}
