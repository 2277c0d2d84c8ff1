import BNCCore
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

    @Test func textThatIsNotANumberIsNil() {
        for text in ["", "-", ".5", "1.", "1e", "1e+", "+1", "1,5", "nan", "inf", "0x10", " 1", "1 "] {
            #expect(DecimalParser.double(text) == nil, "\(text)")
        }
    }
}

extension SplitMix64 {
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
