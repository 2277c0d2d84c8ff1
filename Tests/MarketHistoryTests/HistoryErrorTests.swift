import BNCCore
import Foundation
import Testing
@testable import MarketHistory

/// MarketHistory's errors end a tool through the one mapping (`ToolExit`): each names its place
/// first and carries its sysexits status (73 for what cannot be created, 74 for I/O, 65 for data).
@Suite("MarketHistory errors: exit status and message")
struct HistoryErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var error: any ToolError & Sendable
        var status: BNCCore.ExitStatus
        var message: String
        var testDescription: String { message }
    }

    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }

    static let cases: [Case] = [
        Case(error: DailyTradeFilesError.cannotCreateDirectory(path: "/d", errno: ENOTDIR), status: .cannotCreate,
             message: "/d: cannot create directory: \(text(ENOTDIR))"),
        Case(error: DailyTradeFilesError.cannotOpen(path: "/d/X.ndjson", errno: EACCES), status: .ioError,
             message: "/d/X.ndjson: cannot open: \(text(EACCES))"),
        Case(error: DailyTradeFilesError.writeFailed(path: "/d/X.ndjson", errno: ENOSPC), status: .ioError,
             message: "/d/X.ndjson: write failed: \(text(ENOSPC))"),
        Case(error: DailyTradeFilesError.syncFailed(path: "/d/X.ndjson", errno: EIO), status: .ioError,
             message: "/d/X.ndjson: fsync failed: \(text(EIO))"),
        Case(error: TradeTimeError.json(.notAnObject), status: .dataError, message: "not a JSON object"),
        Case(error: TradeTimeError.missingTradeTime, status: .dataError, message: "no trade time \"T\""),
        Case(error: TradeTimeError.invalidTradeTime, status: .dataError, message: "trade time \"T\" is not a positive integer"),
        Case(error: LabelsFileError.cannotCreate(path: "l.json", errno: ENOENT), status: .cannotCreate,
             message: "l.json: cannot create the labels file: \(text(ENOENT))"),
        Case(error: LabelsFileError.writeFailed(path: "l.json", errno: ENOSPC), status: .ioError,
             message: "l.json: cannot write the labels file: \(text(ENOSPC))"),
        Case(error: LabelsFileError.renameFailed(path: "l.json", errno: EISDIR), status: .ioError,
             message: "l.json: cannot move the labels file into place: \(text(EISDIR))"),
        Case(error: ReplayError.open(.cannotOpen(path: "t.ndjson", errno: ENOENT)), status: .ioError,
             message: "t.ndjson: cannot open: \(text(ENOENT))"),
        Case(error: ReplayError.read(path: "t.ndjson", .readFailed(errno: EISDIR)), status: .ioError,
             message: "t.ndjson: read failed: \(text(EISDIR))"),
        Case(error: PublicDataError.open(.cannotOpen(path: "p.csv", errno: EACCES)), status: .ioError,
             message: "p.csv: cannot open: \(text(EACCES))"),
        Case(error: PublicDataError.read(path: "p.csv", .readFailed(errno: EIO)), status: .ioError,
             message: "p.csv: read failed: \(text(EIO))"),
    ]

    @Test(arguments: cases)
    func statusAndMessage(_ c: Case) {
        #expect(ToolExit.status(for: c.error) == c.status)
        #expect(ToolExit.message(for: c.error) == c.message)
    }

    /// A path below a regular file: `ENOTDIR` even for root, so the test holds on any machine.
    static func pathBelowAFile() throws -> (directory: URL, path: String) {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        return (dir, file.path + "/sub")
    }

    @Test("a directory that cannot be created is exit 73, naming the directory")
    func uncreatableDirectory() throws {
        let (dir, path) = try Self.pathBelowAFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try DailyTradeFiles(directory: path + "/trades")
            Issue.record("created a directory below a regular file")
        } catch {
            #expect(error == .cannotCreateDirectory(path: path, errno: ENOTDIR))
            #expect(error.exitStatus == .cannotCreate)
        }
    }

    @Test("labels are written whole through a temporary file; an unwritable path is exit 73 naming it")
    func labelsFile() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let episodes = [SimulationEpisode(kind: .silence, start: 1_700_000_000_000, end: 1_700_000_060_000, magnitude: 0),
                        SimulationEpisode(kind: .flashMove, start: 1_700_000_100_000, end: 1_700_000_130_000, magnitude: -0.045)]
        let path = dir.appendingPathComponent("labels.json").path
        try SimulationEpisode.writeLabels(episodes, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == SimulationEpisode.labelsJSON(episodes))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["labels.json"])   // no temporary left

        let (other, bad) = try Self.pathBelowAFile()
        defer { try? FileManager.default.removeItem(at: other) }
        do {
            try SimulationEpisode.writeLabels(episodes, to: bad + "/labels.json")
            Issue.record("wrote labels below a regular file")
        } catch {
            #expect(error == .cannotCreate(path: bad + "/labels.json", errno: ENOTDIR))
            #expect(ToolExit.status(for: error) == .cannotCreate)
            #expect(ToolExit.message(for: error)?.hasPrefix(bad + "/labels.json: cannot create the labels file: ") == true)
        }
    }
}
