import Foundation
import Testing
import TestSupport

/// Issue 11 (robustness) cases of bnc-score, run as users run it: one test per case.
@Suite("bnc-score robustness end to end")
struct ScoreRobustnessEndToEndTests {
    static func rows(_ n: Int) throws -> Data {
        ScoreEndToEndTests.rows(n, from: try ScoreEndToEndTests.seedRunRows())
    }

    /// `--train-windows 9223372036854775807` overflowed, 10^8 allocated 3.9 GB, 10^9 aborted: a
    /// count outside the documented range is a usage error that names the range.
    @Test func trainWindowsOutsideItsRangeIsAUsageError() throws {
        let input = try Self.rows(20)
        for value in ["9223372036854775807", "100000000", "1000000000", "1000001", "0"] {
            let r = try ToolRunner.run("bnc-score", ["--train-windows", value], stdin: input)
            #expect(r.status == 64, "--train-windows \(value)")
            #expect(r.stderrText.contains("bnc-score: --train-windows: must be from 1 to 1000000"), "\(r.stderrText)")
            #expect(r.stdout.isEmpty)
        }
        // The largest allowed value is used as is (and allocates nothing up front).
        let max = try ToolRunner.run("bnc-score", ["--train-windows", "1000000", "--quiet"], stdin: input)
        #expect(max.status == 0 && max.stdoutLines.count == 21)
    }

    /// Every numeric option has a documented range; a value outside it is exit 64.
    @Test func everyNumericOptionOutsideItsRangeIsAUsageError() throws {
        let cases: [[String]] = [
            ["--trees", "0"], ["--trees", "10001"], ["--trees", "9223372036854775807"],
            ["--retrain-every", "-1"], ["--retrain-every", "100000001"],
            ["--max-samples", "1000001"], ["--max-samples", "0"],
            ["--contamination", "0"], ["--contamination", "nan"], ["--contamination", "inf"], ["--contamination", "0.51"],
            ["--seed", "18446744073709551616"], ["--seed", "-1"],
            ["--features", (0..<65).map { "k\($0)" }.joined(separator: ",")],
        ]
        for args in cases {
            let r = try ToolRunner.run("bnc-score", args, stdin: Data())
            #expect(r.status == 64, "\(args)")
        }
        let ok = try ToolRunner.run("bnc-score", ["--trees", "10000", "--max-samples", "1000000", "--retrain-every", "100000000",
                                                  "--seed", "18446744073709551615", "--quiet"], stdin: Data())
        #expect(ok.status == 0)
    }

    /// Rows with `trade_count` −5 or `volume` 1e308 were scored as normal: they are bad rows,
    /// skipped and counted, and the good rows around them are scored as before.
    @Test func impossibleWindowValuesAreSkippedAndCounted() throws {
        var lines = String(decoding: try Self.rows(30), as: UTF8.self).split(separator: "\n").map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: #""trade_count":"#, with: #""trade_count":-5,"x":"#)
        lines[7] = lines[7].replacingOccurrences(of: #""volume":"#, with: #""volume":1e308,"y":"#)
        lines[9] = lines[9].replacingOccurrences(of: #""price_volatility":"#, with: #""price_volatility":1e400,"z":"#)
        let r = try ToolRunner.run("bnc-score", ["--train-windows", "10"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(r.status == 0)
        #expect(r.stdoutLines.count == 1 + 27)
        #expect(!r.stdoutText.contains("-5,") && !r.stdoutText.contains("e+308"))
        #expect(r.stderrText.contains(#"<stdin>:4: skipped: key "trade_count" is -5"#), "\(r.stderrText)")
        #expect(r.stderrText.contains(#"key "volume" is 1e308"#))
        #expect(r.stderrText.contains("skipped 3 bad line(s) (first at line 4, 8, 10)"))
    }

    /// `--output ./m.bin --model m.bin` (or a symlink to the model) lost every CSV row when the
    /// model was saved over it: one file by device and inode is refused at start (exit 64).
    @Test func outputAndModelAsOneFileByTwoSpellingsAreRefused() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.rows(150)
        let d = dir.path
        let spellings: [(String, String)] = [
            ("\(d)/m.bin", "\(d)/./m.bin"),            // neither exists yet
            ("\(d)/m.bin", "\(d)//m.bin"),
            ("\(d)/link.csv", "\(d)/m.bin"),           // a dangling symlink to the model path
        ]
        try FileManager.default.createSymbolicLink(atPath: "\(d)/link.csv", withDestinationPath: "m.bin")
        for (output, model) in spellings {
            let r = try ToolRunner.run("bnc-score", ["--train-windows", "100", "--output", output, "--model", model], stdin: input)
            #expect(r.status == 64, "\(output) \(model)")
            #expect(r.stderrText.contains("are the same file"), "\(r.stderrText)")
            #expect(!FileManager.default.fileExists(atPath: "\(d)/m.bin"))
        }
        // An existing file and a hard link to it.
        try Data("x".utf8).write(to: dir.appendingPathComponent("model.bncmodel"))
        try FileManager.default.linkItem(atPath: "\(d)/model.bncmodel", toPath: "\(d)/hard.csv")
        let hard = try ToolRunner.run("bnc-score", ["--output", "\(d)/hard.csv", "--model", "\(d)/model.bncmodel"], stdin: input)
        #expect(hard.status == 64)
        #expect(try String(contentsOfFile: "\(d)/hard.csv", encoding: .utf8) == "x")
        // Relative spellings from the working directory, through the shell as users type them.
        let shell = try ToolRunner.shell("cd '\(d)' && bnc-score --output ./m2.bin --model m2.bin < /dev/null")
        #expect(shell.status == 64)
    }

    /// `--model nodir/m.bin` failed only at the first training, hours into a live run: the model
    /// and output paths are checked at start (exit 73), before any row is read or written.
    @Test func unwritableModelOrOutputPathIsRefusedAtStart() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = dir.path
        let input = try Self.rows(20)
        let model = try ToolRunner.run("bnc-score", ["--model", "\(d)/nodir/m.bncmodel"], stdin: input)
        #expect(model.status == 73)
        #expect(model.stderrText.contains("nodir/m.bncmodel: --model: folder \(d)/nodir does not exist"), "\(model.stderrText)")
        #expect(model.stdout.isEmpty)
        let output = try ToolRunner.run("bnc-score", ["--output", "\(d)/nodir/out.csv"], stdin: input)
        #expect(output.status == 73)
        let pattern = try ToolRunner.run("bnc-score", ["--output", "\(d)/nodir/out_%Y-%m-%d.csv"], stdin: input)
        #expect(pattern.status == 73)
        let folder = try ToolRunner.run("bnc-score", ["--model", d], stdin: input)
        #expect(folder.status == 73 && folder.stderrText.contains("is a directory"))
        // A model file next to an existing folder is fine.
        let ok = try ToolRunner.run("bnc-score", ["--quiet", "--model", "\(d)/m.bncmodel", "--output", "\(d)/out.csv"], stdin: input)
        #expect(ok.status == 0)
    }

    /// `--output old.csv` on the original project's eight-column file appended 13-column UTC rows
    /// under its header: a file whose first line is not our header is refused (exit 73) and left
    /// byte for byte as it was, unless `--append-foreign`.
    @Test func appendingToAFileWithAForeignHeaderIsRefused() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.csv").path
        let original = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction\n"
            + "2026-02-19 16:14:39,890,7.3032299999999655,0.008205876404494343,-0.00015695237210292424,3.9314249245057087,,\n"
        try original.write(toFile: path, atomically: false, encoding: .utf8)
        let input = try Self.rows(20)
        let refused = try ToolRunner.run("bnc-score", ["--output", path], stdin: input)
        #expect(refused.status == 73)
        #expect(refused.stderrText.contains("old.csv: not a bnc-score results file"), "\(refused.stderrText)")
        #expect(refused.stderrText.contains("--append-foreign"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
        // NDJSON into our own CSV is foreign too; so is a CSV into an NDJSON file.
        let ndjson = try ToolRunner.run("bnc-score", ["--output", path, "--format", "ndjson"], stdin: input)
        #expect(ndjson.status == 73)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
        let forced = try ToolRunner.run("bnc-score", ["--quiet", "--output", path, "--append-foreign"], stdin: input)
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 2 + 20)
        // Our own file (and an empty one) is appended to as before.
        let ours = dir.appendingPathComponent("ours.csv").path
        #expect(FileManager.default.createFile(atPath: ours, contents: Data()))
        #expect(try ToolRunner.run("bnc-score", ["--quiet", "--output", ours], stdin: Self.rows(10)).status == 0)
        #expect(try ToolRunner.run("bnc-score", ["--quiet", "--output", ours], stdin: input).status == 0)
        #expect(try String(contentsOfFile: ours, encoding: .utf8).split(separator: "\n").count == 1 + 20)
    }

    /// Re-running over the same data (`replay.sh --output`, `record.sh`) appended every window a
    /// second time: windows the file already holds (same symbol and start) are skipped and counted.
    @Test func appendingTheSameWindowsTwiceWritesThemOnce() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = String(decoding: try Self.rows(30), as: UTF8.self).split(separator: "\n")
        func part(_ r: Range<Int>) -> Data { Data((all[r].joined(separator: "\n") + "\n").utf8) }
        for format in ["csv", "ndjson"] {
            let path = dir.appendingPathComponent("out.\(format)").path
            let first = try ToolRunner.run("bnc-score", ["--train-windows", "10", "--format", format, "--output", path], stdin: part(0..<20))
            #expect(first.status == 0)
            #expect(!first.stderrText.contains("already in the file"))
            let again = try ToolRunner.run("bnc-score", ["--train-windows", "10", "--format", format, "--output", path], stdin: part(10..<30))
            #expect(again.status == 0)
            #expect(again.stderrText.contains("out.\(format): 10 window(s) already in the file were not written again (same symbol and start)"),
                    "\(again.stderrText)")
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == (format == "csv" ? 31 : 30))
            let starts = lines.dropFirst(format == "csv" ? 1 : 0).map { $0.prefix(40) }
            #expect(Set(starts).count == starts.count)
        }
    }

    /// A row torn by a crash is not a window the file holds: the re-run writes that window whole.
    @Test func aTornLastRowIsWrittenAgainWhole() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.csv").path
        let input = try Self.rows(5)
        #expect(try ToolRunner.run("bnc-score", ["--quiet", "--output", path], stdin: input).status == 0)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text.removeLast(6)  // the last row loses its end: still holds its timestamp and symbol
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let r = try ToolRunner.run("bnc-score", ["--output", path], stdin: input)
        #expect(r.status == 0)
        #expect(r.stderrText.contains("4 window(s) already in the file"), "\(r.stderrText)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 5 + 1)
        #expect(lines.last!.split(separator: ",", omittingEmptySubsequences: false).count == 14)
    }

    /// `--features nosuchkey` accepted every row, dropped them all and failed only at the end: the
    /// first window row is checked at once (exit 64), naming the key and the keys the row has.
    @Test func unknownFeatureKeyStopsAtTheFirstRow() throws {
        // Junk before the first window row stays an ordinary bad line.
        var input = Data("not json\n".utf8)
        input.append(try Self.rows(600))
        let r = try ToolRunner.run("bnc-score", ["--features", "trade_count,nosuchkey"], stdin: input)
        #expect(r.status == 64)
        #expect(r.stderrText.contains(#"--features: the first window row (<stdin>:2) has no key "nosuchkey"; its numeric keys are: trade_count, volume, avg_trade_size, price_return, price_volatility"#),
                "\(r.stderrText)")
        #expect(r.stdoutLines.count <= 1)  // at most the header
        let batch = try ToolRunner.run("bnc-score", ["--batch", "--features", "nosuchkey"], stdin: input)
        #expect(batch.status == 64)
        // A row later on that lacks a known feature is only a bad line.
        var lines = String(decoding: try Self.rows(20), as: UTF8.self).split(separator: "\n").map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: #""volume":"#, with: #""vol":"#)
        let later = try ToolRunner.run("bnc-score", ["--quiet"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(later.status == 0 && later.stdoutLines.count == 1 + 19)
    }

    /// The quick start scored nothing and said nothing: at exit bnc-score says how many rows it
    /// scored and why not more — even with --quiet when it scored none.
    @Test func exitSummarySaysWhyRowsWereNotScored() throws {
        let input = try Self.rows(64)
        for quiet in [false, true] {
            let r = try ToolRunner.run("bnc-score", quiet ? ["--quiet"] : [], stdin: input)
            #expect(r.status == 0 && r.stdoutLines.count == 65)
            #expect(r.stderrText.contains("scored 0 of 64 window rows (64 before their symbol's model was trained)"), "\(r.stderrText)")
            #expect(r.stderrText.contains("BTCUSDT: model not trained: 64 of 500 complete windows — use --train-windows 64 or less, or --batch"))
        }
        let some = try ToolRunner.run("bnc-score", ["--train-windows", "50"], stdin: input)
        #expect(some.stderrText.contains("scored 15 of 64 window rows (49 before their symbol's model was trained)"), "\(some.stderrText)")
        #expect(!some.stderrText.contains("not trained"))
        let quiet = try ToolRunner.run("bnc-score", ["--train-windows", "50", "--quiet"], stdin: input)
        #expect(quiet.stderrText.isEmpty)
    }

    /// On a terminal the warm-up progress was one line rewritten with `\r` and never ended, so the
    /// next tool's summary was glued onto it: progress now comes as whole lines.
    @Test func warmUpProgressLinesEndCleanlyOnATerminal() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = dir.appendingPathComponent("rows.ndjson")
        try Self.rows(40).write(to: rows)
        var master: Int32 = -1, slave: Int32 = -1
        var name = [CChar](repeating: 0, count: 256)
        try #require(openpty(&master, &slave, &name, nil, nil) == 0)
        // The slave stays open here too, so what the tool wrote stays readable after it exits.
        defer { close(slave); close(master) }
        let slaveName = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let r = try ToolRunner.shell("bnc-score --train-windows 30 '\(rows.path)' 2>'\(slaveName)' >/dev/null; echo 'bnc-window: next tool' >'\(slaveName)'")
        #expect(r.status == 0)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(master, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.contains("bnc-score: BTCUSDT: warm-up 3/30 complete windows"), "\(text)")
        #expect(!text.contains("\r"), "\(text)")
        #expect(text.contains("\nbnc-window: next tool\n"))
        for line in text.split(separator: "\n") { #expect(line.hasPrefix("bnc-"), "\(line)") }
    }

    /// For the original project's users: `--format original` writes its eight columns with
    /// local-time `YYYY-MM-DD HH:MM:SS` timestamps, appends to its `data/window_results.csv`
    /// (its header is ours in this format), and bnc-stats reads the result as the original's CSV.
    @Test func originalFormatWritesTheOriginalColumnsInLocalTime() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "XYZ-9"  // POSIX rule for UTC+9: no time-zone database needed
        let input = try Self.rows(30)
        let stdout = try ToolRunner.run("bnc-score", ["--format", "original", "--train-windows", "10", "--quiet"], stdin: input, environment: env)
        #expect(stdout.status == 0)
        let lines = stdout.stdoutLines
        try #require(lines.count == 31)
        #expect(lines[0] == "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction")
        // The first row's window starts at 1772315087000 ms = 2026-02-28T21:44:47Z = 06:44:47 at UTC+9.
        #expect(lines[1] == "2026-03-01 06:44:47,640,16.534890000000093,0.025835765625000146,0.00038393798578575,11.387942531156778,,")
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 8 })
        #expect(lines[30].split(separator: ",", omittingEmptySubsequences: false)[7] == "1"
                || lines[30].split(separator: ",", omittingEmptySubsequences: false)[7] == "-1")

        // Appending to the original's own file under its own name.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("data/window_results.csv").path
        let old = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction\n"
            + "2026-02-19 16:14:39,890,7.3032299999999655,0.008205876404494343,-0.00015695237210292424,3.9314249245057087,,\n"
        try old.write(toFile: file, atomically: false, encoding: .utf8)
        try input.write(to: dir.appendingPathComponent("rows.ndjson"))
        let run = "cd '\(dir.path)' && bnc-score --format original --train-windows 10 --output data/window_results.csv < rows.ndjson"
        let first = try ToolRunner.shell(run, environment: ["TZ": "XYZ-9"])
        #expect(first.status == 0 && !first.stderrText.contains("already in the file"), "\(first.stderrText)")
        let again = try ToolRunner.shell(run, environment: ["TZ": "XYZ-9"])
        #expect(again.status == 0)
        #expect(again.stderrText.contains("data/window_results.csv: 30 window(s) already in the file"), "\(again.stderrText)")
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written.hasPrefix(old))
        #expect(written.split(separator: "\n").count == 2 + 30)
        // bnc-stats reads it as the original's CSV (local wall clock).
        let stats = try ToolRunner.run("bnc-stats", ["summary", file])
        #expect(stats.status == 0, "\(stats.stderrText)")
        #expect(stats.stdoutText.contains("windows     31"), "\(stats.stdoutText)")
        #expect(stats.stdoutText.contains("local wall clock"))
        // Our own CSV is foreign to the original format and the other way round.
        let ours = try ToolRunner.run("bnc-score", ["--output", file], stdin: input)
        #expect(ours.status == 73)
    }

    /// Every row with a new symbol made a new model, without limit (and each row searched them
    /// all): rows of symbols beyond the first 4096 (`ScoringOptions.maxSymbols`) are bad lines,
    /// skipped and counted; the 2,000 of the whole market are far inside it.
    @Test func symbolsBeyondTheLimitAreSkippedAndCounted() throws {
        var text = ""
        for i in 0..<4102 {
            let start = 1_772_315_087_000 + Int64(i) * 20_000
            text += #"{"symbol":"S\#(i)","start":\#(start),"end":\#(start + 20_000),"trade_count":5,"volume":1,"avg_trade_size":0.2,"price_return":0,"price_volatility":0,"complete":true}"# + "\n"
        }
        let r = try ToolRunner.run("bnc-score", ["--quiet"], stdin: Data(text.utf8))
        #expect(r.status == 0)
        #expect(r.stdoutLines.count == 1 + 4096)
        #expect(r.stderrText.contains("<stdin>:4097: skipped: a symbol beyond the first 4096"), "\(r.stderrText)")
        #expect(r.stderrText.contains("skipped 6 bad line(s)"))
    }
}
