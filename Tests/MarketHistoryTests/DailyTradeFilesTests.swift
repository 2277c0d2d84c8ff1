import Foundation
import MarketHistory
import Testing

@Suite("DailyTradeFiles: trade lines to daily files by exchange date")
struct DailyTradeFilesTests {
    static let midnight: Int64 = 1_723_161_600_000  // 2024-08-09T00:00:00Z

    static func trade(_ symbol: String, _ t: Int64, id: Int) -> String {
        #"{"e":"trade","E":\#(t + 1),"s":"\#(symbol)","t":\#(id),"p":"61686.00000000","q":"0.00705000","T":\#(t),"m":false,"M":true}"#
    }

    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dtf-\(UUID().uuidString)")
        return url.path
    }

    static func append(_ files: DailyTradeFiles, _ line: String) throws -> DailyTradeFiles.Outcome {
        var line = line
        return try line.withUTF8 { try files.append(line: UnsafeRawBufferPointer($0)) }
    }

    static func read(_ dir: String, _ name: String) -> String? {
        try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)
    }

    @Test("lines go to SYMBOL-DAY by trade time, envelopes are stored as their data object")
    func placement() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try DailyTradeFiles(directory: dir + "/nested/trades", wallClockMilliseconds: { 0 })
        let a = Self.trade("BTCUSDT", Self.midnight - 1, id: 1)
        let b = Self.trade("BTCUSDT", Self.midnight, id: 2)
        let c = Self.trade("ethusdt", Self.midnight + 5, id: 7)
        #expect(try Self.append(files, a) == .written)
        #expect(try Self.append(files, #"{"stream":"btcusdt@trade","data":"# + b + "}") == .written)
        #expect(try Self.append(files, c) == .written)
        // Microseconds (≥ 10^14) are recognised.
        let micro = Self.trade("BTCUSDT", (Self.midnight - 10) * 1000, id: 3)
        #expect(try Self.append(files, micro) == .written)
        try files.finish()
        let base = dir + "/nested/trades"
        #expect(Self.read(base, "BTCUSDT-2024-08-08.ndjson") == a + "\n" + micro + "\n")
        #expect(Self.read(base, "BTCUSDT-2024-08-09.ndjson") == b + "\n")
        #expect(Self.read(base, "ETHUSDT-2024-08-09.ndjson") == c + "\n")
        #expect(files.statistics.linesWritten == 4)
        #expect(files.statistics.filesOpened == 3)
    }

    @Test("lines that cannot be placed are skipped with a reason, never written", arguments: [
        "", "garbage", #"{"e":"trade","T":1}"#, #"{"s":"BTCUSDT"}"#, #"{"s":"../etc","T":1}"#,
        #"{"s":"BTCUSDT","T":"1"}"#, #"{"s":"BTCUSDT","T":1"#, #"{"s":"BTC USDT","T":1}"#,
    ])
    func skipped(line: String) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try DailyTradeFiles(directory: dir)
        guard case .skipped(let reason) = try Self.append(files, line) else {
            Issue.record("\(line) was written")
            return
        }
        #expect(!reason.isEmpty)
        try files.finish()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [DailyTradeFiles.lockFileName])
    }

    @Test("a day closes after the grace; a late line for a closed, compressed day is kept too")
    func closingAndLateLines() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try DailyTradeFiles(directory: dir, compression: .gzip, closeAfterMilliseconds: 60_000,
                                        wallClockMilliseconds: { 0 })
        let day1 = Self.trade("BTCUSDT", Self.midnight - 1000, id: 1)
        let inGrace = Self.trade("BTCUSDT", Self.midnight + 59_999, id: 2)
        let lateButInGrace = Self.trade("BTCUSDT", Self.midnight - 500, id: 3)
        let pastGrace = Self.trade("BTCUSDT", Self.midnight + 60_000, id: 4)
        let tooLate = Self.trade("BTCUSDT", Self.midnight - 100, id: 5)
        let closing = Self.trade("BTCUSDT", Self.midnight + 70_000, id: 6)
        for line in [day1, inGrace, lateButInGrace, pastGrace, tooLate, closing] {
            #expect(try Self.append(files, line) == .written)
        }
        try files.finish()
        #expect(files.statistics.lateLines == 1)
        #expect(files.statistics.daysClosed == 2)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != DailyTradeFiles.lockFileName }.sorted()
        // Day 1 was compressed twice (the second time as one more gzip member); the open day
        // stays plain because by the injected wall clock it is not over.
        #expect(names == ["BTCUSDT-2024-08-08.ndjson.gz", "BTCUSDT-2024-08-09.ndjson"])
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        unzip.arguments = ["-c", "gzip -dc '\(dir)/BTCUSDT-2024-08-08.ndjson.gz'"]
        let pipe = Pipe()
        unzip.standardOutput = pipe
        try unzip.run()
        let content = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        unzip.waitUntilExit()
        #expect(content == [day1, lateButInGrace, tooLate].map { $0 + "\n" }.joined())
        #expect(Self.read(dir, "BTCUSDT-2024-08-09.ndjson") == [inGrace, pastGrace, closing].map { $0 + "\n" }.joined())
    }
}
