import BNCCore
import Foundation
import Testing

/// `DecimalParser.double` is `leadingDouble` plus a whole-range check; both are checked here
/// against Swift's own correctly rounded `Double(String)` on random text of every shape the
/// grammar allows, so neither is only compared with the other.
@Suite("DecimalParser agrees with Double(String)")
struct DecimalAgreementTests {
    static func digits(_ count: Int, _ g: inout SplitMix64) -> String {
        String((0..<count).map { _ in Character(String(g.below(10))) })
    }

    @Test func randomTextParsesBitForBitAsTheStandardLibrary() {
        var g = SplitMix64(seed: 20_261_202)
        for _ in 0..<50_000 {
            var text = g.below(4) == 0 ? "-" : ""
            text += Self.digits(1 + g.below(22), &g)
            if g.below(3) > 0 { text += "." + Self.digits(1 + g.below(22), &g) }
            if g.below(4) == 0 {
                text += g.below(2) == 0 ? "e" : "E"
                if g.below(2) == 0 { text += g.below(2) == 0 ? "-" : "+" }
                text += String(g.below(40))
            }
            guard let expected = Double(text) else { continue }
            let parsed = DecimalParser.double(text)
            #expect(parsed?.bitPattern == expected.bitPattern, "\(text)")
            let leading = Array((text + ",").utf8).withUnsafeBytes { raw in
                DecimalParser.leadingDouble(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), 0, raw.count, raw)
            }
            #expect(leading?.value.bitPattern == expected.bitPattern && leading?.next == text.utf8.count, "\(text)")
        }
    }

    /// Both parsers on `text`, against `Double(text)`.
    static func expectAgreement(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected = Double(text) else {
            Issue.record("Double(\"\(text)\") is nil", sourceLocation: sourceLocation)
            return
        }
        #expect(DecimalParser.double(text)?.bitPattern == expected.bitPattern, "\(text)", sourceLocation: sourceLocation)
        let leading = Array((text + ",").utf8).withUnsafeBytes { raw in
            DecimalParser.leadingDouble(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), 0, raw.count, raw)
        }
        #expect(leading?.value.bitPattern == expected.bitPattern && leading?.next == text.utf8.count, "\(text)",
                sourceLocation: sourceLocation)
    }

    /// `leadingDouble`'s Eisel–Lemire step: 17–19 significant digits (above 2^53, so Clinger's
    /// case does not take them) with every power of ten its table holds and a few beyond.
    @Test func seventeenToNineteenDigitsWithEveryPowerRoundCorrectly() {
        var g = SplitMix64(seed: 20_261_203)
        for power in -30...30 {
            for _ in 0..<400 {
                let count = 17 + g.below(3)
                let mantissa = String(1 + g.below(9)) + Self.digits(count - 1, &g)
                Self.expectAgreement(mantissa + "e" + String(power))
                // The same digits with a decimal point (a fraction, as shortest round-trip text).
                let point = 1 + g.below(count - 1)
                let text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
                Self.expectAgreement(text + "e" + String(power + count - point))
            }
        }
    }

    /// Shortest round-trip text of random doubles (what Python and Swift write, and what
    /// bnc-window's features look like): the parse gives the double back.
    @Test func shortestRoundTripTextGivesItsDoubleBack() {
        var g = SplitMix64(seed: 20_261_204)
        for _ in 0..<50_000 {
            let magnitude = Double(g.below(60)) - 30
            let value = Double(bitPattern: g.next() >> 12 | 0x3FF0_0000_0000_0000) * pow(10, magnitude)
            for text in [value.description, (-value).description, String(format: "%.17g", value)] {
                Self.expectAgreement(text)
            }
        }
    }

    /// Exact midpoints between two doubles (integers above 2^53 with ≤ 19 digits), written with
    /// several powers of ten: ties go to the even significand.
    @Test func halfwayCasesRoundToEven() {
        var g = SplitMix64(seed: 20_261_205)
        for _ in 0..<5_000 {
            let a = Double(UInt64(1) << 53 + g.next() % (UInt64(1) << 62))
            let midpoint = (UInt64(a) + UInt64(a.nextUp)) / 2
            guard midpoint < 10_000_000_000_000_000_000 else { continue }
            for text in ["\(midpoint)", "\(midpoint)e0", "\(midpoint)0e-1", "\(midpoint)000e-3", "\(midpoint + 1)", "\(midpoint - 1)"] {
                Self.expectAgreement(text)
            }
        }
        for text in ["9007199254740993", "9007199254740995", "18014398509481986", "18014398509481990",
                     "9223372036854775807", "9223372036854775808", "9999999999999999999", "18446744073709551615"] {
            Self.expectAgreement(text)
        }
    }

    /// The ends: the table's first and last powers, subnormals, the largest doubles, underflow
    /// to zero, overflow to infinity.
    @Test func edgeCasesAgree() {
        for text in ["1e-27", "1e27", "9999999999999999999e-27", "9999999999999999999e27", "1234567890123456789e-28",
                     "1234567890123456789e28", "0.000000000000000000000000001", "100000000000000000000000000000",
                     "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309",
                     "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9406564584124654e-324",
                     "2.4703282292062328e-324", "2.4703282292062327e-324", "1e-324", "1e-400", "-1e-324",
                     "0.1", "0.2", "0.3", "1.0000000000000002", "0.9999999999999999", "0.30000000000000004",
                     "12345678901234567890", "1.00000000000000000001", "0e5", "-0.0", "123456789012345678e-10"] {
            Self.expectAgreement(text)
        }
    }

    @Test func textThatIsNotANumberIsNil() {
        for text in ["", "-", ".5", "1.", "1e", "1e+", "+1", "1,5", "nan", "inf", "0x10", " 1", "1 "] {
            #expect(DecimalParser.double(text) == nil, "\(text)")
        }
    }
}

extension SplitMix64 {
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
