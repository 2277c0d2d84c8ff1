import BNCCore
import Foundation
import Testing
import TestSupport

/// The one writer of Prometheus' text format (`MetricsText`), the atomic file (`MetricsFile`) and
/// the publisher thread (`MetricsPublisher`).
@Suite("Metrics text and files")
struct MetricsTests {
    @Test("HELP and TYPE before the samples; labels quoted and escaped")
    func exposition() {
        var m = MetricsText()
        m.family("bnc_x_total", .counter, "Things counted.\nSecond line with a \\ backslash and \"quotes\".")
        m.sample("bnc_x_total", [("symbol", "BTCUSDT")], Int64(42))
        m.sample("bnc_x_total", [("symbol", "a\"b\\c\nd"), ("k", "")], 0.25)
        m.single("bnc_y", .gauge, "Y.", 3)
        #expect(m.text == """
            # HELP bnc_x_total Things counted.\\nSecond line with a \\\\ backslash and "quotes".
            # TYPE bnc_x_total counter
            bnc_x_total{symbol="BTCUSDT"} 42
            bnc_x_total{symbol="a\\"b\\\\c\\nd",k=""} 0.25
            # HELP bnc_y Y.
            # TYPE bnc_y gauge
            bnc_y 3

            """)
    }

    @Test("numbers: whole numbers without a fraction, Go's spellings of NaN and infinities")
    func numbers() {
        #expect(MetricsText.number(0) == "0")
        #expect(MetricsText.number(-7) == "-7")
        #expect(MetricsText.number(1_796_227_870.891) == "1796227870.891")
        #expect(MetricsText.number(1.5e-7) == "1.5e-07")
        #expect(Double(MetricsText.number(9_007_199_254_740_994)) == 9_007_199_254_740_994)   // beyond 2^53: still a float Go reads
        #expect(MetricsText.number(.nan) == "NaN")
        #expect(MetricsText.number(.infinity) == "+Inf")
        #expect(MetricsText.number(-.infinity) == "-Inf")
        #expect(Double(MetricsText.number(0.1 + 0.2)) == 0.1 + 0.2)
    }

    @Test("label values keep other characters, clipped text says so")
    func labelValues() {
        #expect(MetricsText.escapeLabelValue("ünïcødé\ttab") == "ünïcødé\ttab")
        #expect(MetricsText.clipped(String(repeating: "x", count: 300)).count == 201)
        #expect(MetricsText.clipped("short") == "short")
    }

    @Test("a write replaces the file whole; no temporary file is left behind")
    func atomicReplace() throws {
        let dir = try ToolRunner.temporaryDirectory("metrics-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.prom").path
        let file = MetricsFile(path: path)
        #expect(file.temporaryPath.hasPrefix(dir.path + "/.x.prom."))
        #expect(!file.temporaryPath.hasSuffix(".prom"), "node_exporter reads only *.prom: the temporary file must not be one")
        try file.write(String(repeating: "a", count: 100_000))
        // A reader holding the old file keeps reading the old content after a replace.
        let old = open(path, O_RDONLY)
        defer { close(old) }
        try file.write("b\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "b\n")
        var byte: UInt8 = 0
        #expect(read(old, &byte, 1) == 1 && byte == UInt8(ascii: "a"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["x.prom"])
    }

    @Test("a folder that does not exist: an error with exit status 73, nothing created")
    func unwritable() throws {
        let file = MetricsFile(path: "/nonexistent-bnc-folder/x.prom")
        #expect(throws: MetricsFileError.write(path: "/nonexistent-bnc-folder/x.prom", errno: ENOENT)) { try file.write("x") }
        #expect(MetricsFileError.write(path: "p", errno: ENOENT).exitStatus == .cannotCreate)
        #expect(MetricsFileError.write(path: "p", errno: ENOENT).description == "p: cannot write metrics: No such file or directory")
    }

    @Test("the publisher writes at start, on its interval while running, and the final values at finish")
    func publisher() throws {
        let dir = try ToolRunner.temporaryDirectory("metrics-publisher")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.prom").path
        let slot = MetricsSlot(0)
        let publisher = MetricsPublisher(file: MetricsFile(path: path), intervalMilliseconds: 20,
                                         diagnostics: Diagnostics(tool: "bnc-test")) { "v \(slot.read())\n" }
        try publisher.start()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "v 0\n")
        slot.publish(1)
        // The thread's write shows up (waiting is bounded only to end a broken test).
        var seen = ""
        for _ in 0..<500 where seen != "v 1\n" {
            usleep(10_000)
            seen = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        #expect(seen == "v 1\n")
        slot.publish(2)
        publisher.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "v 2\n")
        slot.publish(3)
        publisher.finish()   // a second finish writes nothing more
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "v 2\n")
    }

    @Test("an urgent change is written at once, not at the end of a long interval")
    func urgentChange() throws {
        let dir = try ToolRunner.temporaryDirectory("metrics-urgent")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("u.prom").path
        let slot = MetricsSlot(0)
        let publisher = MetricsPublisher(file: MetricsFile(path: path), intervalMilliseconds: 3_600_000,
                                         diagnostics: Diagnostics(tool: "bnc-test"), urgent: { slot.takeUrgent() }) { "v \(slot.read())\n" }
        try publisher.start()
        slot.publish(1)             // not urgent: waits for the interval (an hour)
        slot.update(urgent: true) { $0 += 1 }
        var seen = ""
        for _ in 0..<500 where seen != "v 2\n" {
            usleep(10_000)
            seen = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        #expect(seen == "v 2\n")
        #expect(!slot.takeUrgent(), "the publisher took the mark")
        publisher.finish()
    }
}
