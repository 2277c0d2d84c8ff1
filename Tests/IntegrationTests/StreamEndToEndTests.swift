import Foundation
import Testing
import TestSupport

/// The Python fixture server (scripts/testing/ws_fixture_server.py, on the `websockets` package)
/// playing the real BTCUSDT captures, with failure modes chosen per test.
final class StreamFixture {
    let process = Process()
    let directory: URL
    let wsPort: Int
    let restPort: Int
    let stderrURL: URL

    static let captures = ["hftbacktest_spot_btcusdt_20240808.gz", "hftbacktest_spot_btcusdt_20240809.gz"]
        .map { ToolRunner.sharedData.appendingPathComponent($0).path }

    var statsURL: URL { directory.appendingPathComponent("stats.json") }

    init(_ arguments: [String], tls: Bool = false, captures: Int = 2) throws {
        directory = try ToolRunner.temporaryDirectory("bnc-stream-fixture")
        var args = [ToolRunner.packageRoot.appendingPathComponent("scripts/testing/ws_fixture_server.py").path]
        for c in Self.captures.prefix(captures) { args += ["--data", c] }
        args += ["--stats", directory.appendingPathComponent("stats.json").path]
        if tls {
            try StreamFixture.makeCertificate(in: directory)
            args += ["--tls-cert", directory.appendingPathComponent("cert.pem").path,
                     "--tls-key", directory.appendingPathComponent("key.pem").path, "--rest-tls"]
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + args + arguments
        let out = Pipe()
        process.standardOutput = out
        stderrURL = directory.appendingPathComponent("server.err")
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        // First line: "PORTS <ws> <rest>".
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        let fields = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard fields.count == 3, fields[0] == "PORTS", let ws = Int(fields[1]), let rest = Int(fields[2]) else {
            let err = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            throw FixtureError.didNotStart(err)
        }
        wsPort = ws
        restPort = rest
    }

    enum FixtureError: Error { case didNotStart(String) }

    var caFile: String { directory.appendingPathComponent("cert.pem").path }

    func endpoint(secure: Bool = false) -> String { (secure ? "wss" : "ws") + "://127.0.0.1:\(wsPort)" }
    func restEndpoint(secure: Bool = false) -> String { (secure ? "https" : "http") + "://127.0.0.1:\(restPort)" }

    func stats() throws -> [String: Any] {
        let data = try Data(contentsOf: statsURL)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func stat(_ key: String) throws -> Int { (try stats()[key] as? Int) ?? -1 }

    func stop() {
        // SIGKILL: the test runner may hand its children a signal mask that blocks SIGTERM.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A self-signed certificate for 127.0.0.1, made with the openssl command line.
    static func makeCertificate(in directory: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                       "-subj", "/CN=bnc-test", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                       "-keyout", directory.appendingPathComponent("key.pem").path,
                       "-out", directory.appendingPathComponent("cert.pem").path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw FixtureError.didNotStart("openssl req failed") }
    }

    /// The served tape: trade id → the exact `data` bytes of the capture.
    nonisolated(unsafe) static var tapeCache: [Int64: String]?
    static func tape() throws -> [Int64: String] {
        if let tapeCache { return tapeCache }
        let r = try ToolRunner.shell("for f in \(captures.joined(separator: " ")); do zcat \"$f\"; done | grep '@trade' | cut -d' ' -f2-")
        var map: [Int64: String] = [:]
        for line in r.stdoutLines {
            guard let start = line.range(of: "\"data\":") else { continue }
            let data = String(line[start.upperBound..<line.index(before: line.endIndex)])
            if let id = Self.field(data, "t") { map[id] = data }
        }
        tapeCache = map
        return map
    }

    /// An integer field of a flat JSON object.
    static func field(_ line: some StringProtocol, _ key: String) -> Int64? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return (obj[key] as? NSNumber)?.int64Value
    }
}

/// bnc-stream's output without its heartbeat lines (formats.md §1: they travel between the
/// trades while the feed is healthy and carry no trade).
private func tradeLines(_ lines: [Substring]) -> [Substring] {
    lines.filter { !$0.contains(#""e":"bnc.heartbeat""#) }
}

/// Checks the decisive property: the ids written are exactly the consecutive served ids, each
/// line the served payload (live) or the same trade rebuilt from REST (backfill: E = T).
private func expectExactTape(_ lines: [Substring], expectedCount: Int? = nil, allowBackfilled: Bool = true,
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> (live: Int, backfilled: Int) {
    let tape = try StreamFixture.tape()
    let first = try #require(tape.keys.min())
    var expected = first
    var live = 0, backfilled = 0
    for line in lines {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let id = (obj["t"] as? NSNumber)?.int64Value else {
            Issue.record("not a trade line: \(line.prefix(200))", sourceLocation: sourceLocation)
            return (live, backfilled)
        }
        guard id == expected else {
            Issue.record("expected id \(expected), got \(id) (\(id < expected ? "repeat" : "gap"))", sourceLocation: sourceLocation)
            return (live, backfilled)
        }
        let served = try #require(tape[id])
        if String(line) == served {
            live += 1
        } else {
            let s = try #require(try JSONSerialization.jsonObject(with: Data(served.utf8)) as? [String: Any])
            let sameTrade = ["s", "t", "p", "q", "T", "m", "M"].allSatisfy { "\(obj[$0] ?? "-")" == "\(s[$0] ?? "+")" }
                && "\(obj["e"] ?? "")" == "trade" && "\(obj["E"] ?? "")" == "\(s["T"] ?? "")"
            #expect(sameTrade && allowBackfilled, "line \(id) differs from the served trade: \(line)", sourceLocation: sourceLocation)
            backfilled += 1
        }
        expected += 1
    }
    if let expectedCount { #expect(lines.count == expectedCount, sourceLocation: sourceLocation) }
    return (live, backfilled)
}

@Suite("bnc-stream live against a real WebSocket server (Python websockets)", .integration, .serialized)
struct StreamEndToEndTests {
    /// Fast reconnects for tests: the defaults are 1 s → 60 s.
    let fast = ["--backoff-initial", "20ms", "--backoff-max", "100ms", "--max-retries", "2"]

    @Test("Decisive: 22 disconnects of five kinds and 3 rollovers, ids written == ids served, none lost or repeated")
    func disconnectsAndRollovers() throws {
        let server = try StreamFixture(["--drops", "22", "--drop-kinds", "abort,close,garbage,oversize,rsv",
                                        "--rollovers", "3", "--tail", "300", "--linger", "20"])
        defer { server.stop() }
        let r = try ToolRunner.run("bnc-stream", ["--endpoint", server.endpoint(), "--rest-endpoint", server.restEndpoint(),
                                                  "--rollover-after", "700ms"] + fast)
        // The server refuses upgrades once its tape is done, so the run ends by exhausting --max-retries.
        #expect(r.status == 69, "\(r.stderrText.suffix(2000))")
        // The server stops dropping once its tape is served: on a slow run (more rollovers, the
        // tape served sooner) fewer than 22 drops are reached, but every kind is.
        #expect(try server.stat("drops") >= 10)
        #expect(Set(try server.stats()["drop_kinds"] as? [String] ?? []) == ["abort", "close", "garbage", "oversize", "rsv"])
        #expect(try server.stat("rollovers") >= 3)
        let released = try server.stat("released")
        let (live, backfilled) = try expectExactTape(tradeLines(r.stdoutLines), expectedCount: released)
        #expect(backfilled > 0 && live > 0)
        #expect(r.stderrText.contains("protocol error: frame of 2097152 bytes over the 1048576-byte cap"))
        #expect(r.stderrText.contains("unknown opcode"))
        #expect(r.stderrText.contains("reserved bits"))
        #expect(r.stderrText.contains("switched over"))
        print("decisive: \(released) trades served, \(live) live + \(backfilled) backfilled, drops \(try server.stat("drops")), rollovers \(try server.stat("rollovers")), connections \(try server.stat("connections"))")
    }

    @Test("Rollover alone is gapless: server cuts connections at 1.5 s, client rolls over at 600 ms, no backfill")
    func rolloverWithoutBackfill() throws {
        let server = try StreamFixture(["--max-age", "1.5", "--rollovers", "3", "--tail", "200", "--linger", "20"], captures: 1)
        defer { server.stop() }
        let r = try ToolRunner.run("bnc-stream", ["--endpoint", server.endpoint(), "--no-backfill", "--rollover-after", "600ms"] + fast)
        #expect(r.status == 69)
        #expect(try server.stat("rollovers") >= 3)
        #expect(try server.stat("max_age_cuts") == 0, "the client must leave before the server's cut")
        _ = try expectExactTape(tradeLines(r.stdoutLines), expectedCount: try server.stat("released"), allowBackfilled: false)
        #expect(!r.stderrText.contains("gap:"))
    }

    @Test("serverShutdown triggers a rollover; still gapless without backfill")
    func serverShutdown() throws {
        let server = try StreamFixture(["--shutdown-after", "0.4", "--shutdown-grace", "1.0", "--shutdowns", "3",
                                        "--tail", "200", "--linger", "20"], captures: 1)
        defer { server.stop() }
        let r = try ToolRunner.run("bnc-stream", ["--endpoint", server.endpoint(), "--no-backfill"] + fast)
        #expect(r.status == 69)
        #expect(try server.stat("shutdowns") >= 3)
        #expect(r.stderrText.components(separatedBy: "switched over").count - 1 >= 2)
        _ = try expectExactTape(tradeLines(r.stdoutLines), expectedCount: try server.stat("released"), allowBackfilled: false)
        #expect(r.stderrText.contains("server announced shutdown"))
    }

    @Test("wss with a test CA (--ca-file), pings answered, fragments with pings between, 64-bit lengths, REST over https with 429s")
    func tlsPingsFragmentsLargeFrames() throws {
        let server = try StreamFixture(["--drops", "2", "--ping-interval", "0.1", "--ping-timeout", "1.0", "--fragment", "2",
                                        "--pad", "70000", "--pad-every", "50", "--rest-429-first", "1", "--tail", "300", "--linger", "20",
                                        "--rate", "1000", "--limit", "2500"], tls: true, captures: 1)
        defer { server.stop() }
        let r = try ToolRunner.run("bnc-stream", ["btcusdt", "ETHUSDT", "--endpoint", server.endpoint(secure: true),
                                                  "--rest-endpoint", server.restEndpoint(secure: true),
                                                  "--ca-file", server.caFile] + fast)
        #expect(r.status == 69, "\(r.stderrText.suffix(2000))")
        let stats = try server.stats()
        #expect((stats["paths"] as? [String])?.first == "/stream?streams=btcusdt@trade/ethusdt@trade")
        #expect(try server.stat("pongs") > 0)
        #expect(try server.stat("pong_timeouts") == 0)
        #expect(try server.stat("rest_429") == 1)
        #expect(r.stderrText.contains("Retry-After"))
        let (_, backfilled) = try expectExactTape(tradeLines(r.stdoutLines), expectedCount: try server.stat("released"))
        #expect(backfilled > 0)
    }

    @Test("TLS is verified: without --ca-file the self-signed server is refused")
    func tlsVerified() throws {
        let server = try StreamFixture(["--linger", "5", "--limit", "100"], tls: true, captures: 1)
        defer { server.stop() }
        let r = try ToolRunner.run("bnc-stream", ["--endpoint", server.endpoint(secure: true), "--max-retries", "0"])
        #expect(r.status == 69)
        #expect(r.stdout.isEmpty)
        #expect(r.stderrText.contains("connect failed"))
    }

    @Test("A stall (socket open, nothing sent) hits --idle-timeout; reconnect and backfill close the gap")
    func stall() throws {
        let server = try StreamFixture(["--stall-after", "200", "--tail", "300", "--linger", "20", "--limit", "3000"], captures: 1)
        defer { server.stop() }
        let r = try ToolRunner.run("bnc-stream", ["--endpoint", server.endpoint(), "--rest-endpoint", server.restEndpoint(),
                                                  "--idle-timeout", "700ms"] + fast)
        #expect(r.status == 69)
        #expect(try server.stat("stalls") == 1)
        #expect(r.stderrText.contains("no frame for 700ms"))
        _ = try expectExactTape(tradeLines(r.stdoutLines), expectedCount: try server.stat("released"))
    }

    @Test("HTTP 429 on the upgrade: Retry-After is honoured before the next attempt")
    func upgradeRateLimited() throws {
        let server = try StreamFixture(["--reject-first", "2", "--retry-after", "1", "--tail", "100", "--linger", "20", "--limit", "200"], captures: 1)
        defer { server.stop() }
        let r = try ToolRunner.run("bnc-stream", ["--endpoint", server.endpoint(), "--rest-endpoint", server.restEndpoint()] + fast)
        #expect(r.status == 69)
        #expect(r.stderrText.contains("HTTP 429"))
        let times = try #require(try server.stats()["upgrade_times"] as? [Double])
        #expect(times.count >= 3)
        // Ordering, not speed: each attempt after a 429 came no sooner than Retry-After allows.
        #expect(times[1] - times[0] >= 0.95 && times[2] - times[1] >= 0.95)
        _ = try expectExactTape(tradeLines(r.stdoutLines), expectedCount: try server.stat("released"))
    }

    @Test("SIGTERM: close frame sent, output flushed, exit 0")
    func sigterm() throws {
        let server = try StreamFixture(["--tail", "9000", "--linger", "20"], captures: 1)
        defer { server.stop() }
        let out = server.directory.appendingPathComponent("out.txt")
        // Wait (bounded) for 500 lines, then SIGTERM.
        let r = try ToolRunner.shell("bnc-stream --endpoint \(server.endpoint()) > \(out.path) & pid=$!; "
            + "for i in $(seq 600); do [ $(wc -l < \(out.path)) -ge 500 ] && break; sleep 0.05; done; kill -TERM $pid; wait $pid")
        #expect(r.status == 0, "\(r.stderrText)")
        #expect(r.stderrText.contains("stopped by signal"))
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 500)
        _ = try expectExactTape(tradeLines(lines), allowBackfilled: false)
        #expect(try server.stat("client_closes") >= 1, "the server saw our close frame")
    }

    @Test("Downstream closes the pipe: exit 0, quietly")
    func downstreamClosed() throws {
        let server = try StreamFixture(["--tail", "9000", "--linger", "20"], captures: 1)
        defer { server.stop() }
        let r = try ToolRunner.shell("bnc-stream --endpoint \(server.endpoint()) --max-retries 1 | head -n 50 > /dev/null")
        #expect(r.status == 0, "\(r.stderrText)")
    }

    @Test("aggTrade stream: drops are backfilled from /api/v3/aggTrades, ids `a` consecutive and unique")
    func aggTrades() throws {
        let server = try StreamFixture(["--stream-kind", "aggTrade", "--drops", "4", "--drop-kinds", "abort,close",
                                        "--tail", "300", "--linger", "20"], captures: 1)
        defer { server.stop() }
        let r = try ToolRunner.run("bnc-stream", ["--stream", "aggTrade", "--endpoint", server.endpoint(),
                                                  "--rest-endpoint", server.restEndpoint()] + fast)
        #expect(r.status == 69)
        #expect((try server.stats()["paths"] as? [String])?.first == "/ws/btcusdt@aggTrade")
        let lines = tradeLines(r.stdoutLines)
        let ids = lines.compactMap { StreamFixture.field($0, "a") }
        #expect(ids.count == lines.count)
        #expect(ids.count == (try server.stat("released")))
        #expect(ids == Array((ids.first ?? 0)..<((ids.first ?? 0) + Int64(ids.count))))
        #expect(lines.allSatisfy { $0.hasPrefix(#"{"e":"aggTrade""#) })
        #expect(r.stderrText.contains("backfilled"))
    }

    @Test("Usage errors exit 64")
    func usage() throws {
        #expect(try ToolRunner.run("bnc-stream", ["--endpoint", "http://x"]).status == 64)
        #expect(try ToolRunner.run("bnc-stream", ["live", "btc-usdt"]).status == 64)
        #expect(try ToolRunner.run("bnc-stream", ["--stream", "kline"]).status == 64)
        #expect(try ToolRunner.run("bnc-stream", ["--idle-timeout", "0"]).status == 64)
    }
}
