import BNCCore
import Foundation
import Testing
import TestSupport
import ZIPFoundation
@testable import MarketHistory

/// Issue 11: public-data zips are checked against their CRC-32 before anything is written.
@Suite("Public-data zips: damaged entries are refused")
struct PublicDataIntegrityTests {
    /// A zip whose entries are stored (not deflated), so changing bytes in it changes the CSV's
    /// digits without breaking the compression: only the CRC-32 can tell.
    static func storedZip(_ entries: [(name: String, text: String)], at url: URL) throws {
        let archive = try Archive(url: url, accessMode: .create)
        for entry in entries {
            let data = Data(entry.text.utf8)
            try archive.addEntry(with: entry.name, type: .file, uncompressedSize: Int64(data.count),
                                 compressionMethod: .none) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    /// Overwrites the first occurrence of `pattern` in the file with `replacement` (same length).
    static func corrupt(_ url: URL, _ pattern: String, with replacement: String) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        let p = Array(pattern.utf8), r = Array(replacement.utf8)
        precondition(p.count == r.count)
        guard let at = (0...(bytes.count - p.count)).first(where: { Array(bytes[$0..<$0 + p.count]) == p }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        bytes.replaceSubrange(at..<at + p.count, with: r)
        try Data(bytes).write(to: url)
    }

    static func rows(_ range: Range<Int>) -> String {
        range.map { "\(3_735_683_259 + $0),61837.5,0.001,61.8,\(1_723_161_255_342 + $0 * 10),true,true\n" }.joined()
    }

    /// Converts `path`; what was written (flushed even when it failed) and the error, if any.
    func run(_ path: String) throws -> (text: String, error: PublicDataError?) {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let fd = open(out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0)
        let output = OutputBuffer(fileDescriptor: fd)
        var failure: PublicDataError?
        do {
            try PublicDataReader(options: PublicDataOptions(), output: output, diagnostics: Diagnostics(tool: "bnc-stream-test"))
                .convert([InputFile(path)])
        } catch {
            failure = error
        }
        try? output.flush()
        close(fd)
        return (try String(contentsOf: out, encoding: .utf8), failure)
    }

    @Test("four corrupted bytes in a zip entry: exit 65, nothing emitted")
    func corruptedZipEntryIsRefusedBeforeAnyLine() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("BTCUSDT-trades-2024-08-09.zip")
        try Self.storedZip([("BTCUSDT-trades-2024-08-09.csv", Self.rows(0..<500))], at: url)
        #expect(try run(url.path).text.split(separator: "\n").count == 500)   // intact: all of it
        try Self.corrupt(url, "3735683500", with: "3735689999")
        let (text, error) = try run(url.path)
        #expect(text.isEmpty, "a damaged entry was converted: \(text.split(separator: "\n").count) lines")
        guard let error, case .damagedEntry = error else { Issue.record("no damaged-entry error: \(String(describing: error))"); return }
        #expect(error.exitStatus == .dataError)
        #expect(error.description.contains("CRC-32"))
    }

    @Test("a damaged second entry: nothing of the first entry is emitted either")
    func damagedSecondEntryEmitsNothingFromTheArchive() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("BTCUSDT-trades-2024-08.zip")
        try Self.storedZip([("BTCUSDT-trades-2024-08-09.csv", Self.rows(0..<100)),
                            ("BTCUSDT-trades-2024-08-10.csv", Self.rows(1000..<1100))], at: url)
        try Self.corrupt(url, "3735684300", with: "3735684399")
        let (text, error) = try run(url.path)
        #expect(text.isEmpty)
        guard let error, case .damagedEntry(let path, _, _) = error else { Issue.record("no damaged-entry error: \(String(describing: error))"); return }
        #expect(path.hasSuffix("(BTCUSDT-trades-2024-08-10.csv)"))
    }
}
