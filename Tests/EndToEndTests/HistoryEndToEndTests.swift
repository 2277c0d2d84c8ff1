import Foundation
import Testing
import TestSupport
import ZIPFoundation

/// `bnc-stream public-data`, `replay` and `simulate` as users run them: the built binary, real
/// pipes, exit statuses and stderr.
@Suite("bnc-stream offline sources end to end")
struct HistoryEndToEndTests {
    /// Zips `csv` as `name` (minus `.zip`) + `.csv` with ZIPFoundation's writer (deflated), as
    /// Binance's dumps are; the tool itself only ever reads archives.
    func zip(_ csv: String, as name: String, in dir: URL) throws -> URL {
        let entryName = String(name.dropLast(4)) + ".csv"
        let csvURL = dir.appendingPathComponent(entryName)
        try csv.write(to: csvURL, atomically: true, encoding: .utf8)
        let zipURL = dir.appendingPathComponent(name)
        let archive = try Archive(url: zipURL, accessMode: .create)
        try archive.addEntry(with: entryName, relativeTo: dir, compressionMethod: .deflate)
        try FileManager.default.removeItem(at: csvURL)
        return zipURL
    }

    @Test func publicDataZipToTradeLinesWithMalformedRowsReported() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = ""
        for i in 0..<2000 {
            csv += "\(3_735_683_259 + i),61837.\(String(format: "%02d", i % 100))000000,0.00\(i % 9 + 1)00000,1.0,\(1_723_161_255_342 + i * 10),\(i % 3 == 0 ? "True" : "False"),True\n"
            if i == 10 || i == 500 { csv += "\(i),broken\n" }
        }
        let archive = try zip(csv, as: "BTCUSDT-trades-2024-08-09.zip", in: dir)
        let result = try ToolRunner.run("bnc-stream", ["public-data", archive.path])
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == 2000)
        #expect(result.stdoutLines.first == #"{"e":"trade","E":1723161255342,"s":"BTCUSDT","t":3735683259,"p":"61837.00000000","q":"0.00100000","T":1723161255342,"m":true,"M":true}"#)
        let stderr = result.stderrText.split(separator: "\n")
        #expect(stderr == [
            "bnc-stream: \(archive.path):12: 2 columns, expected 7",
            "bnc-stream: \(archive.path):503: 2 columns, expected 7",
            "bnc-stream: \(archive.path): 2 malformed rows skipped",
        ])

        let strict = try ToolRunner.run("bnc-stream", ["public-data", "--strict", archive.path])
        #expect(strict.status == 65)
        #expect(strict.stdoutLines.count == 11)   // everything before the bad row, whole
        #expect(strict.stderrText.contains(":12: 2 columns, expected 7"))
    }

    /// Issue 11: 4 corrupted bytes in a stored entry used to yield invented trade ids and exit 0.
    @Test func publicDataCorruptedZipExits65AndEmitsNothing() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("BTCUSDT-trades-2024-08-09.zip")
        let csv = Data((0..<300).map { "\(3_735_683_259 + $0),61837.5,0.001,61.8,\(1_723_161_255_342 + $0 * 10),true,true\n" }.joined().utf8)
        let archive = try Archive(url: url, accessMode: .create)
        try archive.addEntry(with: "BTCUSDT-trades-2024-08-09.csv", type: .file, uncompressedSize: Int64(csv.count),
                             compressionMethod: .none) { position, size in csv.subdata(in: Int(position)..<Int(position) + size) }
        var bytes = [UInt8](try Data(contentsOf: url))
        let pattern = Array("3735683400".utf8)
        let at = try #require((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<$0 + pattern.count]) == pattern })
        bytes.replaceSubrange(at + 6..<at + 10, with: Array("9999".utf8))
        try Data(bytes).write(to: url)
        let result = try ToolRunner.run("bnc-stream", ["public-data", url.path])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrText.hasPrefix("bnc-stream: \(url.path): damaged zip entry: CRC-32"))
    }

    @Test func publicDataUsageErrors() throws {
        // (Through the shell: the tool exits before reading, and the test process must not write
        // into that closed pipe itself.)
        let noSymbol = try ToolRunner.shell("echo 1,2,3,6,1723161255342,true,true | bnc-stream public-data")
        #expect(noSymbol.status == 64)
        #expect(noSymbol.stderrText.contains("--symbol"))
        let stdin = try ToolRunner.run("bnc-stream", ["public-data", "--symbol", "btcusdt", "--time-unit", "us"],
                                       stdin: Data("1,2,3,6,1723161255342,true,true\n".utf8))
        #expect(stdin.status == 0)
        #expect(stdin.stdoutText == #"{"e":"trade","E":1723161255342000,"s":"BTCUSDT","t":1,"p":"2","q":"3","T":1723161255342000,"m":true,"M":true}"# + "\n")
        let missing = try ToolRunner.run("bnc-stream", ["public-data", "/nonexistent/BTCUSDT-trades-2024-08-09.zip"])
        #expect(missing.status == 74)
    }

    /// At speed 1, three seconds of exchange time take at least 95 % of three seconds, and the
    /// lines reach the reader of the pipe spread out over that time: each line is flushed when
    /// due, not buffered to the end. (Lower bounds only: a loaded machine can only make it later.)
    @Test func replayPacesLinesThroughAPipe() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let t0: Int64 = 1_723_161_255_000
        let lines = (0...30).map { k in
            #"{"e":"trade","E":\#(t0 + Int64(k) * 100),"s":"BTCUSDT","t":\#(k),"p":"1.00","q":"1.00","T":\#(t0 + Int64(k) * 100),"m":true,"M":true}"#
        }
        let path = dir.appendingPathComponent("rec.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = ToolRunner.executable("bnc-stream")
        process.arguments = ["replay", "--speed", "1", path.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let launched = ProcessInfo.processInfo.systemUptime
        try process.run()
        var arrivals: [Double] = []
        var received = Data()
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            let now = ProcessInfo.processInfo.systemUptime
            received.append(chunk)
            let newlines = chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            arrivals += Array(repeating: now, count: newlines)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: received, as: UTF8.self) == lines.joined(separator: "\n") + "\n")
        try #require(arrivals.count == 31)
        #expect(arrivals[30] - launched >= 0.95 * 3.0)
        #expect(arrivals[30] - arrivals[0] >= 1.5)
    }

    @Test func replayStopsCleanlyOnSIGTERM() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let t0: Int64 = 1_723_161_255_000
        let lines = (0..<600).map { k in
            #"{"e":"trade","E":\#(t0 + Int64(k) * 100),"s":"BTCUSDT","t":\#(k),"p":"1.00","q":"1.00","T":\#(t0 + Int64(k) * 100),"m":true,"M":true}"#
        }
        let path = dir.appendingPathComponent("rec.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = ToolRunner.executable("bnc-stream")
        process.arguments = ["replay", path.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var received = out.fileHandleForReading.availableData   // the first line, at once
        Thread.sleep(forTimeInterval: 0.5)
        process.terminate()   // SIGTERM
        received.append(out.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.hasSuffix("\n"))
        let got = text.split(separator: "\n").map(String.init)
        #expect(!got.isEmpty && got.count < 600)
        #expect(got == Array(lines.prefix(got.count)))
    }

    @Test func simulateIsDeterministicLabelledAndSaysItIsSynthetic() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let labels1 = dir.appendingPathComponent("l1.json").path, labels2 = dir.appendingPathComponent("l2.json").path
        let a = try ToolRunner.run("bnc-stream", ["simulate", "--hours", "2", "--seed", "7", "--labels", labels1])
        let b = try ToolRunner.run("bnc-stream", ["simulate", "--hours", "2", "--seed", "7", "--labels", labels2,
                                                  "--start", "2024-01-01"])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout == b.stdout)
        #expect(try Data(contentsOf: URL(fileURLWithPath: labels1)) == Data(contentsOf: URL(fileURLWithPath: labels2)))
        let episodes = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: labels1))) as! [[String: Any]]
        #expect(episodes.count == 2)
        let times = a.stdoutLines.map { line -> Int64 in
            let o = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return o["T"] as! Int64
        }
        #expect(times.first! >= 1_704_067_200_000 && times.last! < 1_704_067_200_000 + 7_200_000)
        let other = try ToolRunner.run("bnc-stream", ["simulate", "--hours", "0.1", "--seed", "8"])
        #expect(other.stdout != a.stdout.prefix(other.stdout.count))

        let help = try ToolRunner.run("bnc-stream", ["simulate", "--help"])
        #expect(help.stdoutText.contains("SYNTHETIC"))
        for option in ["--hours", "--seed", "--start", "--speed", "--symbol", "--labels", "--episodes-per-hour"] {
            #expect(help.stdoutText.contains(option))
        }
    }

    @Test func simulateEndsQuietlyWhenTheReaderGoesAway() throws {
        let result = try ToolRunner.shell("bnc-stream simulate --hours 24 | head -n 3")
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == 3)
        #expect(result.stderrText.isEmpty)
    }

    @Test func badOptionsAreUsageErrors() throws {
        #expect(try ToolRunner.run("bnc-stream", ["simulate", "--hours", "0"]).status == 64)
        #expect(try ToolRunner.run("bnc-stream", ["simulate", "--start", "yesterday"]).status == 64)
        #expect(try ToolRunner.run("bnc-stream", ["replay", "--speed", "-1"]).status == 64)
    }

    /// The planted episodes show in the 20 s window features bnc-window computes, which is what
    /// the detector sees: a silence gives empty windows, a burst a crowded one, huge trades a
    /// large average size, a flash move a wide high–low range.
    @Test func plantedEpisodesShowInTheWindows() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let labels = dir.appendingPathComponent("labels.json").path
        let result = try ToolRunner.shell(
            "bnc-stream simulate --hours 2 --seed 21 --episodes-per-hour 4 --labels '\(labels)' | bnc-window")
        try #require(result.status == 0, "\(result.stderrText)")
        let windows = try result.stdoutLines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let episodes = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: labels))) as! [[String: Any]]
        #expect(episodes.count == 8)
        func int(_ o: [String: Any], _ key: String) -> Int64 { (o[key] as! NSNumber).int64Value }
        func double(_ o: [String: Any], _ key: String) -> Double { (o[key] as? NSNumber)?.doubleValue ?? 0 }
        let counts = windows.map { int($0, "trade_count") }.sorted()
        let sizes = windows.map { double($0, "avg_trade_size") }.sorted()
        let medianCount = counts[counts.count / 2], medianSize = sizes[sizes.count / 2]
        for episode in episodes {
            let start = int(episode, "start"), end = int(episode, "end")
            let inside = windows.filter { int($0, "start") >= start && int($0, "end") <= end }
            let overlapping = windows.filter { int($0, "end") > start && int($0, "start") < end }
            try #require(!inside.isEmpty, "episode \(episode) is shorter than a window")
            switch episode["kind"] as! String {
            case "silence":
                #expect(inside.allSatisfy { int($0, "trade_count") == 0 })
            case "volume_burst":
                #expect(inside.map { int($0, "trade_count") }.max()! > 3 * medianCount)
            case "huge_trades":
                #expect(inside.map { double($0, "avg_trade_size") }.max()! > 10 * medianSize)
            case "flash_move":
                let range = overlapping.map { (double($0, "high") - double($0, "low")) / double($0, "low") }.max()!
                #expect(range > 0.01)
            default:
                Issue.record("unknown kind \(episode["kind"]!)")
            }
        }
    }

    /// Replaying a real capture (Tests/Fixtures) at full speed passes every line through unchanged: bnc-window
    /// computes the same windows from the replay as from the recording itself.
    @Test func replayOfTheRealCaptureFeedsTheSameWindows() throws {
        let capture = Fixture.path(Fixture.trades2024)
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ToolRunner.shell("""
            cat '\(capture)' > "$TMPDIR/capture.ndjson"
            cmp <(bnc-stream replay --speed 0 "$TMPDIR/capture.ndjson") "$TMPDIR/capture.ndjson"
            bnc-stream replay --speed 0 "$TMPDIR/capture.ndjson" | bnc-window --window 1s > "$TMPDIR/a"
            bnc-window --window 1s "$TMPDIR/capture.ndjson" > "$TMPDIR/b"
            cmp "$TMPDIR/a" "$TMPDIR/b" && wc -l < "$TMPDIR/a"
            """, environment: ["TMPDIR": dir.path])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(Int(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 15)
    }

}
