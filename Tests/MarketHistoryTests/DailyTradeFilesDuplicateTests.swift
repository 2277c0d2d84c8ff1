import Foundation
import MarketHistory
import Testing

/// Issue 11: appending the same trades twice stored them twice. A daily file now learns the ids
/// it holds when opened and skips lines it already has.
@Suite("DailyTradeFiles: a trade is stored once per daily file")
struct DailyTradeFilesDuplicateTests {
    typealias T = DailyTradeFilesTests
    static let day = T.midnight - 3_600_000
    static let name = "BTCUSDT-2024-08-08.ndjson"

    static func aggTrade(_ t: Int64, id: Int) -> String {
        #"{"e":"aggTrade","E":\#(t + 1),"s":"BTCUSDT","a":\#(id),"p":"61686.00000000","q":"0.1","f":1,"l":2,"T":\#(t),"m":false,"M":true}"#
    }

    @Test("a trade delivered twice in one run is stored once; a trade and an aggTrade of the same number are both kept")
    func recordDuplicateWithinOneRunIsStoredOnce() throws {
        let dir = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try DailyTradeFiles(directory: dir, wallClockMilliseconds: { 0 })
        let a = T.trade("BTCUSDT", Self.day, id: 10)
        let b = T.trade("BTCUSDT", Self.day + 1, id: 11)
        let agg = Self.aggTrade(Self.day + 2, id: 10)
        #expect(try T.append(files, a) == .written)
        #expect(try T.append(files, b) == .written)
        #expect(try T.append(files, #"{"stream":"btcusdt@trade","data":"# + a + "}") == .duplicate)
        #expect(try T.append(files, agg) == .written)
        #expect(try T.append(files, b) == .duplicate)
        #expect(try T.append(files, agg) == .duplicate)
        try files.finish()
        #expect(T.read(dir, Self.name) == [a, b, agg].map { $0 + "\n" }.joined())
        #expect(files.statistics.duplicatesSkipped == 3)
        #expect(files.statistics.linesWritten == 3)
    }

    @Test("a rerun skips the ids the file holds but writes new ones, late lower ids included")
    func recordKeepsNewAndLateTradesOnRerun() throws {
        let dir = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = (0..<20).map { T.trade("BTCUSDT", Self.day + Int64($0), id: 100 + $0) }
        let firstRun = lines.enumerated().filter { !(5..<8).contains($0.offset) && $0.offset < 15 }.map(\.element)
        do {
            let files = try DailyTradeFiles(directory: dir, wallClockMilliseconds: { 0 })
            for line in firstRun { #expect(try T.append(files, line) == .written) }
            try files.finish()
        }
        let files = try DailyTradeFiles(directory: dir, wallClockMilliseconds: { 0 })
        for (k, line) in lines.enumerated() {
            let new = (5..<8).contains(k) || k >= 15
            #expect(try T.append(files, line) == (new ? .written : .duplicate), "line \(k)")
        }
        // A late line below everything the file holds is new too.
        let early = T.trade("BTCUSDT", Self.day - 5, id: 3)
        #expect(try T.append(files, early) == .written)
        try files.finish()
        #expect(files.statistics.duplicatesSkipped == firstRun.count)
        let late = lines[5..<8] + lines[15...] + [early]
        #expect(T.read(dir, Self.name) == (firstRun + late).map { $0 + "\n" }.joined())
    }

    @Test("a torn last line of an existing file is cut off and its trade not counted as present")
    func tornLastLineIsNotCountedAsPresent() throws {
        let dir = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let whole = T.trade("BTCUSDT", Self.day, id: 1)
        let torn = T.trade("BTCUSDT", Self.day + 1, id: 2)
        // The torn line even holds its whole id: only a newline makes a line.
        try Data((whole + "\n" + torn.prefix(torn.count - 20)).utf8).write(to: URL(fileURLWithPath: dir + "/" + Self.name))
        let files = try DailyTradeFiles(directory: dir, wallClockMilliseconds: { 0 })
        #expect(try T.append(files, whole) == .duplicate)
        #expect(try T.append(files, torn) == .written)
        try files.finish()
        #expect(T.read(dir, Self.name) == whole + "\n" + torn + "\n")
        #expect(files.statistics.tornTailsCut == 1)
    }

    @Test("a day archived by an earlier run is read back through the decompressor: its trades are not stored again")
    func recordRerunOverAnArchivedDayIsChecked() throws {
        let dir = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = (0..<5).map { T.trade("BTCUSDT", Self.day + Int64($0), id: 100 + $0) }
        do {
            let files = try DailyTradeFiles(directory: dir, compression: .gzip, wallClockMilliseconds: { .max / 2 })
            for line in lines.dropLast() { #expect(try T.append(files, line) == .written) }
            try files.finish()
            #expect(files.statistics.filesCompressed == 1)
        }
        let files = try DailyTradeFiles(directory: dir, wallClockMilliseconds: { 0 })
        for line in lines.dropLast() { #expect(try T.append(files, line) == .duplicate) }
        #expect(try T.append(files, lines[4]) == .written)
        try files.finish()
        #expect(files.statistics.archivedDaysUnchecked == 0)
        #expect(T.read(dir, Self.name) == lines[4] + "\n")
    }
}
