import BNCCore
import Foundation
import Testing
import TestSupport
import ZIPFoundation
@testable import MarketHistory

@Suite("Public-data files and zips are converted in order")
struct PublicDataReaderTests {
    /// Writes `text` to `dir/name`, zipped (deflate) as `name` minus `.zip` when it ends in `.zip`.
    @discardableResult
    func write(_ text: String, _ name: String, in dir: URL, entries: [String]? = nil) throws -> String {
        let url = dir.appendingPathComponent(name)
        if name.hasSuffix(".zip") {
            let archive = try Archive(url: url, accessMode: .create)
            let data = Data(text.utf8)
            for entry in entries ?? [String(name.dropLast(4)) + ".csv"] {
                try archive.addEntry(with: entry, type: .file, uncompressedSize: Int64(data.count),
                                     compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        } else {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return url.path
    }

    func run(_ paths: [String], _ options: PublicDataOptions = PublicDataOptions()) throws -> (PublicDataSummary, [Substring]) {
        let (summary, text) = try TestSupport.capture { output in
            try PublicDataReader(options: options, output: output, diagnostics: Diagnostics(tool: "bnc-stream-test"))
                .convert(paths.map(InputFile.init))
        }
        return (summary, text.split(separator: "\n"))
    }

    @Test func zipWithMicrosecondsAndNoHeader() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = (0..<5000).map { i in
            "\(4_400_000_000 + i),93500.\(i % 100),0.000\(i % 9 + 1),9.35,\(1_735_689_600_000_000 + Int64(i) * 1500),\(i % 2 == 0 ? "True" : "False"),True"
        }
        let zip = try write(rows.joined(separator: "\n") + "\n", "BTCUSDT-trades-2025-01-01.zip", in: dir)
        let (summary, lines) = try run([zip])
        #expect(summary.trades == 5000 && summary.malformedRows == 0 && summary.files == 1)
        #expect(lines.count == 5000)
        let first = try TestSupport.json(lines[0])
        #expect(first["T"] as? Int64 == 1_735_689_600_000)
        #expect(first["p"] as? String == "93500.0")
        let last = try TestSupport.json(lines[4999])
        #expect(last["t"] as? Int64 == 4_400_004_999)
        let lastMicros: Int64 = 1_735_689_600_000_000 + 4999 * 1500
        #expect(last["T"] as? Int64 == lastMicros / 1000)
        #expect(last["m"] as? Bool == false)
    }

    @Test func plainFilesWithHeaderInTheOrderGivenAndMalformedRowsCounted() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try write("""
            agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match
            10,2.5,1,100,101,1723161255342,true,true
            11,2.5,1,102,oops,1723161255343,true,true
            12,2.6,2,103,103,1723161255344,false,true

            """, "ETHUSDT-aggTrades-2024-08.csv", in: dir)
        let b = try write("13,2.7,3,104,106,1723161255345,false,true\r\n14,2.8\r\n", "ETHUSDT-aggTrades-2024-09.zip", in: dir)
        let (summary, lines) = try run([b, a])
        #expect(summary.files == 2)
        #expect(summary.trades == 3)
        #expect(summary.malformedRows == 2)
        #expect(lines.map { try! TestSupport.json($0)["a"] as! Int } == [13, 10, 12])
        #expect(lines.allSatisfy { $0.contains(#""s":"ETHUSDT""#) && $0.hasPrefix(#"{"e":"aggTrade","#) })
    }

    @Test func strictStopsAtTheFirstMalformedRow() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try write("1,2,3,6,1723161255342,true,true\n2,2,3\n3,2,3,6,1723161255342,true,true\n",
                             "BTCUSDT-trades-2024-08-09.csv", in: dir)
        var caught: PublicDataError?
        do { _ = try run([path], PublicDataOptions(strict: true)) } catch let error as PublicDataError { caught = error }
        guard case .malformedRow(let location, let line, let reason)? = caught else {
            Issue.record("expected a strict failure, got \(String(describing: caught))")
            return
        }
        #expect(location == path && line == 2 && reason == .columnCount(found: 3, expected: 7))
        #expect(caught?.exitStatus == .dataError)
    }

    @Test func symbolFromOptionOrFileName() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let renamed = try write("1,2,3,6,1723161255342,true,true\n", "download.csv", in: dir)
        #expect(throws: PublicDataError.self) { _ = try run([renamed]) }
        let (_, lines) = try run([renamed], PublicDataOptions(symbol: "solusdt"))
        #expect(lines.first?.contains(#""s":"SOLUSDT""#) == true)
    }

    @Test func zipWithSeveralEntriesAndANonZip() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zip = try write("1,2,3,6,1723161255342,true,true\n", "BTCUSDT-trades-2024-08-09.zip", in: dir,
                            entries: ["part1.csv", "part2.csv"])
        let (summary, lines) = try run([zip])
        #expect(summary.files == 2 && lines.count == 2)
        // A file that starts like a zip but is not one is an archive error (exit 65).
        let broken = dir.appendingPathComponent("BTCUSDT-trades-2024-08-10.zip").path
        try Data([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]).write(to: URL(fileURLWithPath: broken))
        let error = #expect(throws: PublicDataError.self) { _ = try run([broken]) }
        #expect(error?.exitStatus == .dataError)
    }

    /// A real capture (Tests/Fixtures), written as Binance's daily trades dump (zipped, µs timestamps like the
    /// 2025 spot files), converts back to the very payloads Binance streamed, except `E`, which
    /// the dumps do not have.
    @Test func realCaptureRoundTripsThroughTheDumpFormat() throws {
        let payloads = try Fixture.payloads(Fixture.trades2024)
        #expect(payloads.count == 1_000)
        var csv = ""
        var originals: [[String: Any]] = []
        for line in payloads {
            let o = try TestSupport.json(Substring(line))
            originals.append(o)
            let p = o["p"] as! String, q = o["q"] as! String
            csv += "\(o["t"] as! Int64),\(p),\(q),\(Double(p)! * Double(q)!),\((o["T"] as! Int64) * 1000 + 123),"
            csv += "\((o["m"] as! Bool) ? "True" : "False"),\((o["M"] as! Bool) ? "True" : "False")\n"
        }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let archivePath = try write(csv, "BTCUSDT-trades-2024-08-08.zip", in: dir)
        let (summary, lines) = try run([archivePath])
        #expect(summary.trades == payloads.count && summary.malformedRows == 0)
        try #require(lines.count == originals.count)
        for (line, original) in zip(lines, originals) {
            let converted = try TestSupport.json(line)
            for key in ["e", "s", "p", "q"] { #expect(converted[key] as? String == original[key] as? String) }
            for key in ["t", "T"] { #expect(converted[key] as? Int64 == original[key] as? Int64) }
            for key in ["m", "M"] { #expect(converted[key] as? Bool == original[key] as? Bool) }
            #expect(converted["E"] as? Int64 == original["T"] as? Int64)
        }
    }
}
