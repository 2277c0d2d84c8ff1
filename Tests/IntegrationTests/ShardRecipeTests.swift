import Foundation
import Testing
import TestSupport

/// `pipelines/shard.sh` (docs/scaling.md, "Beyond one machine"): a folder of public-data files
/// windowed and scored one job per symbol with GNU parallel — on local slots, and through
/// `--sshlogin` with the local host as the login — merges into exactly what one process over the
/// whole folder writes. Integration tier: it needs GNU parallel (scripts/bootstrap.sh).
@Suite("pipelines/shard.sh: sharded by symbol = one process", .integration, .serialized)
struct ShardRecipeTests {
    var environment: [String: String] { ["BNC_BIN": ToolRunner.productsDirectory.path] }

    static func q(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Daily trade dumps as Binance names them, two days a symbol (22:00 to 01:00 across
    /// midnight, so windows and ids run on from one file into the next), with a gap, a repeated
    /// row and a trade out of order in them.
    static func writeDumps(in dir: URL) throws -> [String] {
        let midnight: Int64 = 1_723_248_000_000   // 2024-08-10T00:00Z
        var names: [String] = []
        for (s, symbol) in ["ETHUSDT", "BTCUSDT", "DOGEUSDT"].enumerated() {
            var id: Int64 = 1_000_000 * Int64(s + 1)
            var rows: [[String]] = [[], []]
            var time = midnight - 2 * 3_600_000
            var k = 0
            while time < midnight + 3_600_000 {
                let day = time < midnight ? 0 : 1
                let price = 100.0 + Double((k * 37 + s * 11) % 200) / 10 + (k % 997 == 0 ? 40 : 0)
                let quantity = Double((k * 13) % 50 + 1) / 100
                rows[day].append("\(id),\(price),\(quantity),\(price * quantity),\(time),\(k % 3 == 0 ? "True" : "False"),True")
                if k % 1_500 == 7 { rows[day].append(rows[day].last!) }                 // repeated row
                if k % 2_000 == 11 { id += 5 }                                        // gap
                if k % 1_700 == 3, rows[day].count > 2 { rows[day].swapAt(rows[day].count - 1, rows[day].count - 2) }
                id += 1
                k += 1
                time += Int64(300 + (k * 7919 + s * 104_729) % 2_700)
            }
            for (day, date) in ["2024-08-09", "2024-08-10"].enumerated() {
                let name = "\(symbol)-trades-\(date).csv"
                try (rows[day].joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(name),
                                                                      atomically: true, encoding: .utf8)
                names.append(name)
            }
        }
        return names
    }

    @Test("-j 2 and --sshlogin 2/: give byte for byte the windows and scores of one process")
    func shardedEqualsOneProcess() throws {
        let root = try ToolRunner.temporaryDirectory("shard")
        defer { try? FileManager.default.removeItem(at: root) }
        let dumps = root.appendingPathComponent("dumps")
        try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: true)
        _ = try Self.writeDumps(in: dumps)
        let options = "--window 10s --score-opt --seed --score-opt 7"

        let single = root.appendingPathComponent("single")
        let reference = try ToolRunner.shell(
            "pipelines/shard.sh --single \(options) \(Self.q(dumps.path)) \(Self.q(single.path))", environment: environment)
        #expect(reference.status == 0, "\(reference.stderrText)")
        let windows = try String(contentsOf: single.appendingPathComponent("windows.ndjson"), encoding: .utf8)
        let scores = try String(contentsOf: single.appendingPathComponent("scores.csv"), encoding: .utf8)
        // The reference is real: every symbol windowed across midnight, rows scored, damage counted.
        for symbol in ["BTCUSDT", "DOGEUSDT", "ETHUSDT"] {
            #expect(windows.contains(#"{"symbol":"\#(symbol)","start":1723247990000,"end":1723248000000,"#))
        }
        #expect(windows.contains(#""duplicates":1"#) && windows.contains(#""missing_trades":5"#))
        let windowRows = windows.split(separator: "\n").count
        #expect(windowRows > 3_000)
        #expect(scores.split(separator: "\n").count == windowRows + 1)

        for (label, how) in [("slots", "-j 2"), ("sshlogin", "--sshlogin 2/:")] {
            let out = root.appendingPathComponent(label)
            let sharded = try ToolRunner.shell(
                "pipelines/shard.sh \(how) \(options) \(Self.q(dumps.path)) \(Self.q(out.path))", environment: environment)
            #expect(sharded.status == 0, "\(label): \(sharded.stderrText)")
            #expect(try String(contentsOf: out.appendingPathComponent("windows.ndjson"), encoding: .utf8) == windows, "\(label)")
            #expect(try String(contentsOf: out.appendingPathComponent("scores.csv"), encoding: .utf8) == scores, "\(label)")
            let perSymbol = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("scores").path)
            #expect(perSymbol.sorted() == ["BTCUSDT.csv", "DOGEUSDT.csv", "ETHUSDT.csv"])
        }
    }

    @Test("a folder without dumps, a missing operand: clear errors")
    func errors() throws {
        let root = try ToolRunner.temporaryDirectory("shard-errors")
        defer { try? FileManager.default.removeItem(at: root) }
        let empty = try ToolRunner.shell("pipelines/shard.sh \(Self.q(root.path)) \(Self.q(root.path + "/out"))",
                                         environment: environment)
        #expect(empty.status == 66 && empty.stderrText.contains("no public-data files"), "\(empty.stderrText)")
        let usage = try ToolRunner.shell("pipelines/shard.sh \(Self.q(root.path))", environment: environment)
        #expect(usage.status == 64, "\(usage.stderrText)")
    }
}
