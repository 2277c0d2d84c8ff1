import Foundation
import Testing
import TestSupport
@testable import BNCWire

/// `TradeLineParser.parseLeadingLine` (parse a line and find its end in one pass) must claim
/// only whole lines that `parse` reads the same way, and report their exact length.
@Suite("Trade lines parsed in place, end found on the way")
struct LeadingLineTests {
    /// Checks `bytes` (the rest of a buffer starting at a line): when claimed, the claimed length
    /// is the first line's and `parse` of that line gives the same trade.
    static func check(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        bytes.withUnsafeBytes { raw in
            let claimed = TradeLineParser.parseLeadingLine(raw.baseAddress!, available: raw.count)
            guard let claimed else { return }
            let newline = bytes.firstIndex(of: 0x0A)
            #expect(newline == claimed.length, sourceLocation: sourceLocation)
            let line = UnsafeRawBufferPointer(rebasing: raw[..<claimed.length])
            let parsed = Result { () throws(TradeLineError) -> Trade in try TradeLineParser.parse(line) }
            #expect(parsed == .success(claimed.trade), sourceLocation: sourceLocation)
        }
    }

    /// The 2024 capture (Tests/Fixtures) is in Binance's current layout: every line is claimed. The 2023 one
    /// carries the old `b`/`a` order ids: no line is claimed (they take the general path).
    @Test(arguments: [(Fixture.trades2023, false), (Fixture.trades2024, true)])
    func realCapturesAreClaimedWithTheirExactLength(file: String, currentLayout: Bool) throws {
        let lines = try Fixture.lines(file)
        #expect(lines.count == 1_000)
        let buffer = Array(lines.joined(separator: "\n").utf8) + [0x0A]
        var offset = 0
        var claimedLines = 0
        try buffer.withUnsafeBytes { raw in
            for line in lines {
                let parsed = try TradeLineParser.parse(line)
                if let claimed = TradeLineParser.parseLeadingLine(raw.baseAddress! + offset, available: raw.count - offset) {
                    #expect(claimed.length == line.utf8.count)
                    #expect(claimed.trade == parsed)
                    claimedLines += 1
                }
                offset += line.utf8.count + 1
            }
        }
        #expect(claimedLines == (currentLayout ? lines.count : 0))
    }

    @Test func onlyWholeLinesEndedByANewlineAreClaimed() {
        let line = Array(TradeLineValidTests.current.utf8)
        line.withUnsafeBytes { raw in
            // No newline within reach: the line may continue.
            #expect(TradeLineParser.parseLeadingLine(raw.baseAddress!, available: raw.count) == nil)
        }
        for suffix in ["\r\n", " \n", "}\n", ",\n", "x"] {
            (line + Array(suffix.utf8)).withUnsafeBytes { raw in
                #expect(TradeLineParser.parseLeadingLine(raw.baseAddress!, available: raw.count) == nil, "\(suffix)")
            }
        }
        (line + [0x0A] + line).withUnsafeBytes { raw in
            #expect(TradeLineParser.parseLeadingLine(raw.baseAddress!, available: raw.count)?.length == line.count)
            // Cut before the newline: not claimed.
            #expect(TradeLineParser.parseLeadingLine(raw.baseAddress!, available: line.count) == nil)
        }
    }

    @Test func mutatedLinesAreClaimedOnlyAsParseReadsThem() {
        let base = Array(TradeLineValidTests.current.utf8)
        let envelope = Array((#"{"stream":"btcusdt@trade","data":"# + TradeLineValidTests.current + "}").utf8)
        let replacements: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x2C, 0x2E, 0x30, 0x31, 0x3A, 0x5C, 0x7B, 0x7D, 0xC3]
        let next = Array("\n".utf8) + base + [0x0A]
        for line in [base, envelope] {
            for position in line.indices {
                for replacement in replacements {
                    var bytes = line
                    bytes[position] = replacement
                    Self.check(bytes + next)
                }
                var deleted = line
                deleted.remove(at: position)
                Self.check(deleted + next)
            }
            Self.check(line + next)
        }
    }
}
