import Foundation
import Testing
import TestSupport

/// The `pipelines/*.sh` scripts' command lines and honest output, run with the tools of this build
/// (`BNC_BIN`) on synthetic data or the small real fixtures — nothing from ../shared, no Python,
/// so they belong to the fast tier. The heavier pipeline tests are in
/// `IntegrationTests/PipelineEndToEndTests`.
@Suite("pipelines/*.sh: options and output", .serialized)
struct PipelineScriptTests {
    var environment: [String: String] { ["BNC_BIN": ToolRunner.productsDirectory.path] }

    /// A shell-quoted path.
    static func q(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func contents(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }

    // MARK: Case: demo.sh --out DIR replaced an existing window_results.csv

    @Test("demo.sh refuses to replace an existing window_results.csv (exit 73, file untouched) unless --force")
    func demoRefusesToReplaceExistingResults() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-demo-keep")
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = dir.appendingPathComponent("window_results.csv")
        try Data("precious,old,results\n".utf8).write(to: results)

        let refused = try ToolRunner.shell("pipelines/demo.sh --out \(Self.q(dir.path)) --hours 0.1", environment: environment)
        #expect(refused.status == 73, "\(refused.stderrText)")
        #expect(refused.stderrText.contains("demo.sh: ") && refused.stderrText.contains("--force"))
        #expect(contents(results) == "precious,old,results\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("labels.json").path))

        let forced = try ToolRunner.shell("pipelines/demo.sh --out \(Self.q(dir.path)) --hours 0.1 --force", environment: environment)
        #expect(forced.status == 0, "\(forced.stderrText)")
        #expect(contents(results)?.hasPrefix("timestamp,trade_count,") == true)
        #expect(contents(dir.appendingPathComponent("report.html"))?.contains(".demo.") == false, "the report names the staging folder")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".demo.") }
        #expect(leftovers.isEmpty, "the staging folder was left behind: \(leftovers)")
    }

    // MARK: Case: demo.sh --hours (no value) exited 1 with no message

    @Test("demo.sh --hours without a value is a usage error (64) with a message")
    func demoHoursWithoutValueIsUsageError() throws {
        let r = try ToolRunner.shell("pipelines/demo.sh --hours", environment: environment)
        #expect(r.status == 64)
        #expect(r.stderrText.contains("demo.sh: --hours needs a value"), "\(r.stderrText)")
    }

    // MARK: Case: demo.sh --hours 0 deleted the old output before failing

    @Test("demo.sh --hours 0 --force fails before touching anything: the previous output stays", arguments: ["0", "-1", "9000", "1e3", "x"])
    func demoInvalidHoursKeepsPreviousOutput(hours: String) throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-demo-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let names = ["labels.json", "window_results.csv", "summary.txt", "report.html"]
        for name in names { try Data("old \(name)\n".utf8).write(to: dir.appendingPathComponent(name)) }
        let r = try ToolRunner.shell("pipelines/demo.sh --out \(Self.q(dir.path)) --force --hours \(Self.q(hours))", environment: environment)
        #expect(r.status == 64, "\(r.stderrText)")
        #expect(r.stderrText.contains("demo.sh: --hours"), "\(r.stderrText)")
        for name in names { #expect(contents(dir.appendingPathComponent(name)) == "old \(name)\n", "\(name) was touched") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == names.sorted())
    }

    // MARK: Case: the same class of bug in every script — an option without its value

    static let valueOptions: [(String, String)] = [
        ("demo.sh", "--out"), ("demo.sh", "--seed"), ("demo.sh", "--data-dir"),
        ("replay.sh", "--window"), ("replay.sh", "--output"), ("replay.sh", "--train-windows"), ("replay.sh", "--symbol"),
        ("replay.sh", "--score-opt"), ("choose-window.sh", "--sizes"), ("choose-window.sh", "--symbol"),
        ("record.sh", "--dir"), ("record.sh", "--from"), ("record.sh", "--compress"), ("record.sh", "--stream"),
        ("live.sh", "--data-dir"), ("live.sh", "--model"), ("live.sh", "--compress"), ("live.sh", "--score-opt"),
        ("collector.sh", "--data-dir"),
    ]

    @Test("an option given without its value is a usage error (64) naming the option, in every script",
          arguments: valueOptions.map { "\($0.0) \($0.1)" })
    func optionWithoutValueIsUsageError(command: String) throws {
        let parts = command.split(separator: " ")
        let (script, option) = (String(parts[0]), String(parts[1]))
        let r = try ToolRunner.shell("pipelines/\(command)", environment: environment)
        #expect(r.status == 64, "\(command): \(r.status) \(r.stderrText)")
        #expect(r.stderrText.contains("\(script): \(option) needs a value"), "\(command): \(r.stderrText)")
    }

    @Test("an option followed by another option instead of its value is a usage error, not a file named --batch")
    func optionValueThatIsAnOptionIsUsageError() throws {
        let r = try ToolRunner.shell("pipelines/replay.sh --output --batch Tests/Fixtures/btcusdt-trades-20240808.ndjson", environment: environment)
        #expect(r.status == 64)
        #expect(r.stderrText.contains("replay.sh: --output needs a value, not the option '--batch'"), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: ToolRunner.packageRoot.appendingPathComponent("--batch").path))
    }

    @Test("collector.sh start checks live.sh's options before it creates the folder, a pid file or a log")
    func collectorStartChecksOptionsFirst() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-collector-opts")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        let r = try ToolRunner.shell("pipelines/collector.sh --data-dir \(Self.q(data.path)) start --window", environment: environment)
        #expect(r.status == 64, "\(r.stderrText)")
        #expect(r.stderrText.contains("live.sh: --window needs a value"), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: data.path), "start created \(data.path) for a bad command line")
        let status = try ToolRunner.shell("pipelines/collector.sh --data-dir \(Self.q(data.path)) status", environment: environment)
        #expect(status.status == 1 && status.stdoutText.contains("not running"))
        #expect(!FileManager.default.fileExists(atPath: data.path), "status created \(data.path)")
    }

    @Test("record.sh --from with live-stream options is a usage error, not silently ignored")
    func recordFromRejectsStreamOptions() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-record-opts")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ToolRunner.shell(
            "pipelines/record.sh --dir \(Self.q(dir.path + "/t")) --endpoint ws://127.0.0.1:1 --from Tests/Fixtures/btcusdt-trades-20240808.ndjson",
            environment: environment)
        #expect(r.status == 64, "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/t"))
    }

    @Test("record.sh --from an unreadable file is a usage error that creates no trades folder")
    func recordUnreadableInputCreatesNothing() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-record-missing")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ToolRunner.shell("pipelines/record.sh --dir \(Self.q(dir.path + "/t")) --from \(Self.q(dir.path + "/no-such-file.ndjson"))",
                                     environment: environment)
        #expect(r.status == 64, "\(r.stderrText)")
        #expect(r.stderrText.contains("record.sh: \(dir.path)/no-such-file.ndjson: no such file"), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/t"))
    }

    @Test("a folder given as an input file is a usage error in replay.sh, choose-window.sh and record.sh",
          arguments: ["replay.sh", "choose-window.sh", "record.sh --dir /nonexistent/x --from"])
    func folderAsInputIsUsageError(command: String) throws {
        let r = try ToolRunner.shell("pipelines/\(command) Tests/Fixtures", environment: environment)
        #expect(r.status == 64, "\(command): \(r.status) \(r.stderrText)")
        #expect(r.stderrText.contains("Tests/Fixtures: is a folder, not a file"), "\(r.stderrText)")
    }

    @Test("a second live.sh on the same data folder is refused (exit 73) while the first runs, and allowed after it stopped")
    func liveRefusesASecondRunOnTheSameFolder() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-live-lock")
        defer { try? FileManager.default.removeItem(at: dir) }
        // The endpoint is a closed loopback port: the first live.sh keeps retrying (no network needed).
        let r = try ToolRunner.shell("""
            d=\(Self.q(dir.path))
            opts=(--data-dir "$d" --endpoint ws://127.0.0.1:1 btcusdt)
            pipelines/live.sh "${opts[@]}" >"$d/first.log" 2>&1 &
            first=$!
            trap 'kill -KILL $first 2>/dev/null' EXIT
            # "running:" is live.sh's line once every stage is started and its SIGTERM trap is set.
            for _ in $(seq 300); do grep -q "running:" "$d/first.log" 2>/dev/null && break; sleep 0.1; done
            timeout 20 pipelines/live.sh "${opts[@]}" 2>"$d/second.err"; echo "second=$?"
            kill -TERM $first; wait $first; echo "first=$?"
            timeout 20 pipelines/live.sh --stream-opt --max-retries --stream-opt 0 "${opts[@]}" 2>"$d/third.err"; echo "third=$?"
            """, environment: environment)
        let out = r.stdoutText
        #expect(out.contains("second=73\n"), "\(out)\n\(r.stderrText)")
        #expect(contents(dir.appendingPathComponent("second.err"))?.contains("live.sh: another live.sh is already writing to") == true)
        #expect(out.contains("first=0\n"), "\(out)")
        // The lock went with the first run: the third gets past it and ends on the dead endpoint (69).
        #expect(out.contains("third=69\n"), "\(out)\n\(contents(dir.appendingPathComponent("third.err")) ?? "")")
    }

    // MARK: Case: demo.sh printed 17 "model N trained" lines and "2160 windows scored", its summary 1,660

    /// The first whole number after `label` at the start of a line of `text` (thousands commas allowed).
    static func figure(after label: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix(label) else { continue }
            let digits = trimmed.dropFirst(label.count).drop { $0 == " " }.prefix { $0.isNumber || $0 == "," }
            return Int(digits.filter(\.isNumber))
        }
        return nil
    }

    @Test("demo.sh gives one account of the windows: its own line agrees with bnc-stats summary, no training chatter")
    func demoPrintsOneConsistentSummary() throws {
        let dir = try ToolRunner.temporaryDirectory("pipes-demo-summary")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ToolRunner.shell("pipelines/demo.sh --out \(Self.q(dir.path)) --hours 3", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        #expect(!r.stderrText.contains("trained"), "training notices without --verbose:\n\(r.stderrText)")
        #expect(!r.stdoutText.contains("windows scored"), "the old, wrong count line is back")
        let out = r.stdoutText
        // bnc-stats summary's lines: "windows     540  (…)" and "scored      40  (warm-up 500)".
        let windows = try #require(Self.figure(after: "windows ", in: out))
        let scored = try #require(Self.figure(after: "scored ", in: out))
        let warmUp = try #require(Self.figure(after: "(warm-up", in: out.replacingOccurrences(of: "  (warm-up", with: "\n(warm-up")))
        #expect(windows == 540 && scored + warmUp == windows && scored > 0)
        // The demo's own line: "540 windows: 40 scored, 500 unscored (…)", the same figures.
        #expect(out.contains("\(windows) windows: \(scored) scored, \(warmUp) unscored"), "\(out)")
        // The CSV says the same.
        let rows = try #require(contents(dir.appendingPathComponent("window_results.csv"))).split(separator: "\n").dropFirst()
        #expect(rows.count == windows)
        #expect(rows.filter { !$0.split(separator: ",", omittingEmptySubsequences: false)[6].isEmpty }.count == scored)

        #expect(!out.contains("nothing scored"))
        // Too short to train: says so, and what to do.
        let short = try ToolRunner.shell("pipelines/demo.sh --out \(Self.q(dir.path)) --hours 0.5 --force", environment: environment)
        #expect(short.status == 0)
        #expect(short.stdoutText.contains("90 windows: 0 scored, 90 unscored"), "\(short.stdoutText)")
        #expect(short.stdoutText.contains("nothing scored: the model needs 500 complete 20 s windows"), "\(short.stdoutText)")

        let verbose = try ToolRunner.shell("pipelines/demo.sh --out \(Self.q(dir.path)) --hours 3 --force --verbose", environment: environment)
        #expect(verbose.status == 0)
        #expect(verbose.stderrText.contains("model 1 trained"), "--verbose shows the training notices on stderr")
        #expect(!verbose.stdoutText.contains("trained"))
    }

    // MARK: Case: the quick-start replay.sh printed 66 rows and scored none (the 500-window warm-up)

    static let fixtureTrades = "Tests/Fixtures/btcusdt-trades-20240808.ndjson"

    /// (rows, scored rows) of a results CSV.
    static func scoredRows(_ csv: String) -> (rows: Int, scored: Int) {
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        return (rows.count, rows.filter { $0.count == 14 && !$0[6].isEmpty && ($0[7] == "1" || $0[7] == "-1") }.count)
    }

    @Test("replay.sh on files scores every row by default (the README's quick start), the live life cycle on request")
    func replayOfFilesScoresByDefault() throws {
        // The README's command, on the real fixture (1,000 trades, 6 rows of 10 s) instead of the full captures.
        let r = try ToolRunner.shell("pipelines/replay.sh --window 10s \(Self.fixtureTrades)", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        let counts = Self.scoredRows(r.stdoutText)
        #expect(counts.rows == 6 && counts.scored == counts.rows, "\(counts.scored) of \(counts.rows) rows scored:\n\(r.stdoutText)")

        // Identical to asking for --batch explicitly.
        let batch = try ToolRunner.shell("pipelines/replay.sh --window 10s --batch \(Self.fixtureTrades)", environment: environment)
        #expect(batch.stdout == r.stdout)

        // --life-cycle (or a training option) gives the live warm-up: nothing scored in 6 windows.
        let life = try ToolRunner.shell("pipelines/replay.sh --window 10s --life-cycle \(Self.fixtureTrades)", environment: environment)
        #expect(life.status == 0, "\(life.stderrText)")
        #expect(Self.scoredRows(life.stdoutText) == (6, 0))
        let small = try ToolRunner.shell("pipelines/replay.sh --window 1s --train-windows 10 \(Self.fixtureTrades)", environment: environment)
        #expect(small.status == 0, "\(small.stderrText)")
        let smallCounts = Self.scoredRows(small.stdoutText)
        #expect(smallCounts.scored > 0 && smallCounts.scored < smallCounts.rows, "--train-windows selects the life cycle: \(smallCounts)")
    }

    // MARK: Case: choose-window.sh printed the CV table but never said which window it recommends

    @Test("choose-window.sh ends its table with the recommended window and the rule that chose it")
    func chooseWindowRecommendsAWindowWithItsRule() throws {
        let r = try ToolRunner.shell("pipelines/choose-window.sh --min-windows 2 --sizes 1s,2s,5s,10s \(Self.fixtureTrades)", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        // On the fixture: CV 1.03, 0.68, 0.46, 0.22 → 5 s is the shortest at most 0.6.
        let last = try #require(r.stdoutLines.last)
        #expect(last.hasPrefix("recommended window: 5s (trade-count CV 0.458 over 9 windows); rule: the shortest size whose trade-count CV is at most 0.6"), "\(last)")
        // The threshold and the minimum are options.
        let strict = try ToolRunner.shell("pipelines/choose-window.sh --min-windows 2 --max-cv 0.3 --sizes 1s,2s,5s,10s \(Self.fixtureTrades)", environment: environment)
        #expect(strict.stdoutLines.last?.hasPrefix("recommended window: 10s") == true, "\(strict.stdoutText)")
        // None steady enough: the steadiest, said as such.
        let none = try ToolRunner.shell("pipelines/choose-window.sh --max-cv 0.1 --sizes 1s,2s \(Self.fixtureTrades)", environment: environment)
        #expect(none.stdoutLines.last?.hasPrefix("recommended window: 2s, the steadiest size") == true, "\(none.stdoutText)")
        // Too little data for any size: no recommendation, and why.
        let short = try ToolRunner.shell("pipelines/choose-window.sh --sizes 1m \(Self.fixtureTrades)", environment: environment)
        #expect(short.status == 0)
        #expect(short.stdoutLines.last?.hasPrefix("no recommendation: no candidate size has 10 whole windows") == true, "\(short.stdoutText)")
        // --json: stdout stays pure JSON, the recommendation goes to stderr.
        let json = try ToolRunner.shell("pipelines/choose-window.sh --json --min-windows 2 --sizes 1s,2s,5s,10s \(Self.fixtureTrades)", environment: environment)
        #expect(json.status == 0)
        #expect((try? JSONSerialization.jsonObject(with: json.stdout)) != nil, "stdout is not JSON: \(json.stdoutText)")
        #expect(json.stderrText.contains("choose-window.sh: recommended window: 5s"), "\(json.stderrText)")
    }

    @Test("choose-window.sh --sizes reaches bnc-stats as one comma-separated list (it used to fail with 'cannot open 5s')")
    func chooseWindowSizesOptionIsPassedAsOneList() throws {
        let r = try ToolRunner.shell("pipelines/choose-window.sh --sizes 1s,5s \(Self.fixtureTrades)", environment: environment)
        #expect(r.status == 0, "\(r.stderrText)")
        let sizes = r.stdoutLines.dropFirst(2).prefix { !$0.hasPrefix("recommended") && !$0.hasPrefix("no recommendation") }
            .compactMap { $0.split(separator: " ").first }
        #expect(sizes == ["1s", "5s"], "\(r.stdoutText)")
    }

    // MARK: Case: no README section for users of the original project

    @Test("the README maps the original's four scripts to bnc commands that exist, and stays under 400 lines")
    func readmeMapsTheOriginalScripts() throws {
        let readme = try String(contentsOf: ToolRunner.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.split(separator: "\n", omittingEmptySubsequences: false).count < 400)
        let start = try #require(readme.range(of: "\n## Coming from the original project\n"))
        let section = readme[start.upperBound...].components(separatedBy: "\n## ").first ?? ""
        for script in ["collector.py", "analyze_results.py", "check_scores.py", "save_score_summary.py"] {
            let row = section.split(separator: "\n").first { $0.hasPrefix("| `\(script)`") }
            #expect(row?.contains("bnc-stats") == true || row?.contains("pipelines/") == true, "no bnc command for \(script)")
        }
        // The commands it names exist with the options it names.
        for sub in ["summary", "hourly", "baseline", "premove", "report"] {
            let help = try ToolRunner.run("bnc-stats", [sub, "--help"])
            #expect(help.status == 0, "bnc-stats \(sub)")
        }
        #expect(try ToolRunner.run("bnc-stats", ["summary", "--help"]).stdoutText.contains("--append"))
        for script in ["live.sh", "collector.sh", "replay.sh", "choose-window.sh"] {
            #expect(FileManager.default.isExecutableFile(atPath: ToolRunner.packageRoot.appendingPathComponent("pipelines/\(script)").path))
        }
    }

    // MARK: Case: the security doc did not state the limits and what happens at each

    @Test("docs/security.md has a Limits section: line size, symbol, timestamps, options, output, each with its outcome and tool")
    func securityDocStatesTheLimits() throws {
        let doc = try String(contentsOf: ToolRunner.packageRoot.appendingPathComponent("docs/security.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "\n## Limits\n"))
        let section = doc[start.upperBound...].components(separatedBy: "\n## ").first ?? ""
        for needle in ["1 MiB", "1–23 bytes", "timestamps", "`--max-silence`", "`outlier_trades`", "exit 64", "exit 65", "exit 73",
                       "**Options.**", "**Output.**", "`--train-windows`"] {
            #expect(section.contains(needle), "the Limits section does not mention \(needle)")
        }
        // Every table row names what happens and the tool (the last column is never empty).
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| limit ") && !$0.hasPrefix("| option ") && !$0.hasPrefix("| output ") }
        #expect(rows.count >= 20)
        for row in rows {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count >= 4 && !(cells[cells.count - 2]).isEmpty, "row without a tool: \(row)")
        }
    }
}
