import Foundation
import Testing
import BNCCore

@Suite("Numbers as the result files write them")
struct NumberTextTests {
    /// Result files hold shortest round-trip doubles (Python's repr, Swift's description): often
    /// 17 significant digits, beyond the 2^53 fast path. They must read back to the same double,
    /// bit for bit, or ties and bin edges would differ from pandas.
    @Test("shortest round-trip and 17–19 digit text parse to the correctly rounded double")
    func roundTrip() throws {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var checked = 0
        for _ in 0..<40_000 {
            let magnitude = Double(Int(next() % 16)) - 10          // 1e-10 … 1e5
            let value = Double(next() >> 11) / Double(1 << 53) * pow(10, magnitude) * (next() & 1 == 0 ? 1 : -1)
            for text in [value.description, String(format: "%.18g", value), String(format: "%.16f", value)] {
                var bytes = Array(text.utf8)
                let parsed = bytes.withUnsafeMutableBytes { DecimalParser.double(UnsafeRawBufferPointer($0)) }
                let expected = strtod(text, nil)
                #expect(parsed?.bitPattern == expected.bitPattern, "\(text)")
                checked += 1
            }
        }
        #expect(checked == 120_000)
    }
}
