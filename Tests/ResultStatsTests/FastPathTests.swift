import Foundation
import Testing
import BNCCore
@testable import ResultStats

/// The reader's one-pass row scanner and the radix sort must give exactly what the general
/// parser and the standard sort give: these compare them bit for bit.
@Suite("Fast paths agree with the general ones")
struct FastPathTests {
    private struct Random {
        var state: UInt64 = 0x2545F4914F6CDD1D
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
    }

    /// FieldScanner.number on `text` followed by a comma: the value and where it stopped.
    private func scan(_ text: String) -> (value: Double, next: Int)? {
        let bytes = Array((text + ",x").utf8)
        return bytes.withUnsafeBytes { raw in
            DecimalParser.leadingDouble(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), 0, raw.count, raw)
        }
    }

    private func general(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { DecimalParser.double($0) }
    }

    @Test("numbers read in one pass equal DecimalParser's, bit for bit, and stop at the comma")
    func numbers() {
        var random = Random()
        var texts = ["0", "-0", "-0.0", "0.0", "1529", "007.5", "0.0016077501635055873", "6.177236974542697e-07",
                     "1E5", "1e+5", "-2.5E-3", "0.000000000000000000001234", "12345678901234567890123",
                     "1234567890123456789", "9007199254740993", "0.30000000000000004", "1e400", "1e-400",
                     "0e99999", "67012.34000000", "1.00000000000000000000000000001"]
        for _ in 0..<20_000 {
            let magnitude = Double(Int(random.next() % 24)) - 12
            let value = Double(random.next() >> 11) / Double(1 << 53) * pow(10, magnitude) * (random.next() & 1 == 0 ? 1 : -1)
            texts += [value.description, String(format: "%.19g", value), String(format: "%.8f", value)]
        }
        for text in texts {
            let expected = general(text)
            let scanned = scan(text)
            #expect(scanned?.value.bitPattern == expected?.bitPattern, "\(text)")
            if expected != nil { #expect(scanned?.next == text.utf8.count, "\(text)") }
        }
    }

    @Test("text that is not a whole number is refused or stops short of the comma")
    func malformed() {
        for text in ["", "-", ".5", "1.", "1e", "1e+", "nan", "inf", "+1", "1.5x", "0x10", " 1"] {
            if let scanned = scan(text) {
                #expect(scanned.next < text.utf8.count, "\(text)")   // the caller sees no comma there
            }
        }
    }

    @Test("fixed-offset timestamps equal TimestampParser's, the date cache included")
    func timestamps() {
        var cache = FieldScanner.DateCache()
        var texts = ["2026-02-28T16:01:20.000Z", "2026-02-28T16:01:21.999Z", "2026-03-01T00:00:00.000Z",
                     "2024-02-29T23:59:60.123Z", "2026-02-28 16:01:20.000Z", "1969-12-31T23:59:59.999Z",
                     "2026-13-01T00:00:00.000Z", "2026-02-00T00:00:00.000Z", "2026-02-28T24:00:00.000Z",
                     "2026-02-28T16:60:00.000Z", "2026-02-28T16:01:20,000Z", "2026-02-28T16:01:20.000+",
                     "2026/02/28T16:01:20.000Z", "2026-02-28T16:01:2a.000Z", "2026-02-28T16:01:20.0a0Z"]
        var random = Random()
        for _ in 0..<2_000 {
            let ms = Int64(random.next() % 4_000_000_000_000)
            texts.append(UTCTime(epochMilliseconds: ms).iso8601)
        }
        for text in texts {
            let bytes = Array(text.utf8)
            #expect(bytes.count == 24)
            let (fast, reference) = bytes.withUnsafeBytes { raw in
                (FieldScanner.isoTimestamp(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), 0, &cache),
                 TimestampParser.milliseconds(raw, 0..<raw.count))
            }
            if let fast { #expect(fast == reference, "\(text)") } else { #expect(reference == nil || text.contains(" "), "\(text)") }
        }
    }

    @Test("the radix sort returns what sorted() returns, signs of zeros and infinities included")
    func radixSort() {
        var random = Random()
        for n in [0, 1, 7, 511, 512, 600, 10_000, 70_000] {
            var values: [Double] = []
            for _ in 0..<n {
                switch random.next() % 10 {
                case 0: values.append(0)
                case 1: values.append(-0.0)
                case 2: values.append(random.next() & 1 == 0 ? .infinity : -.infinity)
                case 3: values.append(Double(Int(random.next() % 5)))
                default: values.append(Double(bitPattern: random.next() & ~(0x7FF << 52) | (UInt64(random.next() % 2046 + 1) << 52)))
                }
            }
            let expected = values.sorted()
            let got = RadixSort.sorted(values)
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "n = \(n)")
        }
    }

    @Test("a file of quoted fields, read by the general parser, gives the fast path's series")
    func quotedRowsMatch() throws {
        let header = "timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,window_end,complete,model_version,anomaly_score"
        let rows = [
            "2026-02-28T16:01:20.000Z,1529,2.458250000000043,0.0016077501635055873,-0.0008356989095332202,16.615340193318048,,,BTCUSDT,2026-02-28T16:01:40.000Z,true,0,",
            "2026-02-28T16:01:40.000Z,1469,4.652139999999905,0.0031668754254594316,6.177236974542697e-07,6.5774762314302055,0.17436099269825597,1,BTCUSDT,2026-02-28T16:02:00.000Z,true,1,0.4128195036508720",
            "2026-02-28T16:02:00.000Z,1305,2.534350000000076,0.0019420306513410542,-0.000320907262588562,8.92119770407483,-0.0123,-1,BTCUSDT,,true,1,0.5",
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fastpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("plain.csv"), quoted = directory.appendingPathComponent("quoted.csv")
        try ([header] + rows).joined(separator: "\n").write(to: plain, atomically: true, encoding: .utf8)
        let quotedRows = rows.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { "\"\($0)\"" }.joined(separator: ",") }
        try ([header] + quotedRows).joined(separator: "\n").write(to: quoted, atomically: true, encoding: .utf8)
        let a = try ResultReader.read(InputFile.list([plain.path]), strict: true).series
        let b = try ResultReader.read(InputFile.list([quoted.path]), strict: true).series
        #expect(a.count == 3)
        #expect(a.timestamp == b.timestamp)
        #expect(a.windowEnd == b.windowEnd)
        for (x, y) in [(a.tradeCount, b.tradeCount), (a.volume, b.volume), (a.avgTradeSize, b.avgTradeSize),
                       (a.returns, b.returns), (a.volatility, b.volatility), (a.score, b.score)] {
            #expect(x.map(\.bitPattern) == y.map(\.bitPattern))
        }
        #expect(a.prediction == b.prediction)
        #expect(a.prediction == [0, 1, -1])
    }
}
