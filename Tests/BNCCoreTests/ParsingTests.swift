import BNCCore
import Foundation
import Testing

@Suite("DurationSpec")
struct DurationSpecTests {
    @Test func parsesUnits() {
        #expect(DurationSpec("500ms")?.milliseconds == 500)
        #expect(DurationSpec("20s")?.milliseconds == 20_000)
        #expect(DurationSpec("20")?.milliseconds == 20_000)
        #expect(DurationSpec("1.5s")?.milliseconds == 1_500)
        #expect(DurationSpec("5m")?.milliseconds == 300_000)
        #expect(DurationSpec("1h")?.milliseconds == 3_600_000)
        #expect(DurationSpec(" 0 ")?.milliseconds == 0)
        for bad in ["", "s", "-1s", "1x", "1.5ms", "abc", "1e3", "nan", "1 s"] {
            #expect(DurationSpec(bad) == nil, "\(bad)")
        }
        #expect(DurationSpec(milliseconds: 20_000).description == "20s")
        #expect(DurationSpec(milliseconds: 1_500).description == "1500ms")
        #expect(DurationSpec(milliseconds: 300_000).description == "5m")
        #expect(DurationSpec(milliseconds: 7_200_000).description == "2h")
    }

    /// `--rollover-after 23h30m` (its documented default) must be accepted as written.
    @Test func parsesCompoundDurationsLargestUnitFirst() {
        #expect(DurationSpec("23h30m")?.milliseconds == 84_600_000)
        #expect(DurationSpec("1h30m15s")?.milliseconds == 5_415_000)
        #expect(DurationSpec("1m30s")?.milliseconds == 90_000)
        #expect(DurationSpec("2s500ms")?.milliseconds == 2_500)
        #expect(DurationSpec("1h5s")?.milliseconds == 3_605_000)
        for bad in ["30m23h", "1h1h", "1s1", "1h 30m", "h30m", "1.5h1ms1", "23h30", "1m30s0.5ms"] {
            #expect(DurationSpec(bad) == nil, "\(bad)")
        }
        #expect(DurationSpec(milliseconds: 84_600_000).description == "23h30m")
        #expect(DurationSpec(milliseconds: 90_000).description == "1m30s")
        #expect(DurationSpec(milliseconds: 0).description == "0s")
    }

    @Test func descriptionReadsBackToTheSameValue() {
        var state: UInt64 = 7
        for _ in 0..<2_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let ms = Int64(state >> 33) % 200_000_000
            let spec = DurationSpec(milliseconds: ms)
            #expect(DurationSpec(spec.description) == spec, "\(ms) → \(spec.description)")
        }
    }
}

@Suite("DecimalParser")
struct DecimalParserTests {
    static func parse(_ text: String) -> Double? { DecimalParser.double(text) }

    /// Found by libFuzzer (Fuzz/regressions/DecimalParser-wrapped-integer-mantissa.bin): an integer
    /// part of 20+ digits can wrap the 64-bit mantissa to exactly 0, which made the parser treat
    /// the integer part as zero and read only the fraction.
    @Test func integerPartThatWrapsTheMantissaToZero() {
        for text in ["2" + String(repeating: "0", count: 99) + ".100e2", "1" + String(repeating: "0", count: 64) + ".5",
                     "1" + String(repeating: "0", count: 64), "-" + "8" + String(repeating: "0", count: 70) + ".25e-3"] {
            #expect(Self.parse(text) == Double(text), "\(text)")
        }
    }

    @Test func matchesSwiftsCorrectlyRoundedParsingOnRandomDecimals() {
        var g = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let integerDigits = Int(g.next() % 12)
            let fractionDigits = Int(g.next() % 30)
            var text = g.next() % 8 == 0 ? "-" : ""
            text += integerDigits == 0 ? "0" : String((0..<integerDigits).map { k in
                Character(String(k == 0 ? 1 + g.next() % 9 : g.next() % 10)) })
            if fractionDigits > 0 {
                text += "." + String((0..<fractionDigits).map { _ in Character(String(g.next() % 10)) })
            }
            if g.next() % 6 == 0 { text += "e\(Int(g.next() % 80) - 40)" }
            #expect(Self.parse(text) == Double(text), "\(text)")
        }
    }

    @Test func eightDecimalsAsBinanceWritesThem() {
        var g = SplitMix64(seed: 8)
        for integerDigits in 1...12 {
            for _ in 0..<500 {
                let integer = String((0..<integerDigits).map { _ in Character(String(g.next() % 10)) })
                let fraction = String((0..<8).map { _ in Character(String(g.next() % 10)) })
                let text = integer + "." + fraction
                #expect(Self.parse(text) == Double(text), "\(text)")
                // Inside a longer buffer (as in a trade line), with bytes after the value.
                let line = #"{"p":""# + text + #"","q":"1"}"#
                var copy = line
                let parsed = copy.withUTF8 { raw in
                    DecimalParser.double(UnsafeRawBufferPointer(raw), 6..<(6 + text.utf8.count))
                }
                #expect(parsed == Double(text), "\(line)")
            }
        }
        for bad in ["1234567.1234567x", "12a4567.12345678", "1234567.1234567a", "-234567.12345678"] {
            #expect(Self.parse(bad) == Double(bad), "\(bad)")
        }
    }

    @Test func longAndHardCases() {
        let cases = ["67012.34000000", "0.00150000", "9007199254740993", "9007199254740992.5",
                     "123456789012345678901234567890", "0.1000000000000000055511151231257827021181583404541015625",
                     "2.2250738585072011e-308", "4.9406564584124654e-324", "1.7976931348623157e308",
                     "0.000000000000000000000000001", "1e22", "1e23", "-0.0", "0", "00012.5",
                     "3.14159265358979323846264338327950288419716939937510"]
        for text in cases { #expect(Self.parse(text) == Double(text), "\(text)") }
        for bad in ["", "-", ".5", "1.", "1e", "1e+", "abc", "1,5", " 1", "1 ", "inf", "nan", "0x10", "+1", "1.2.3"] {
            #expect(Self.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func integers() {
        func int(_ s: String) -> Int64? {
            var s = s
            return s.withUTF8 { DecimalParser.int64(UnsafeRawBufferPointer($0), 0..<$0.count) }
        }
        #expect(int("0") == 0)
        #expect(int("9223372036854775807") == .max)
        #expect(int("-42") == -42)
        #expect(int("9223372036854775808") == nil)
        #expect(int("") == nil && int("-") == nil && int("1.0") == nil && int("1e3") == nil)
    }
}

@Suite("UTCTime")
struct UTCTimeTests {
    @Test func roundTrips() {
        var g = SplitMix64(seed: 9)
        for _ in 0..<5_000 {
            let ms = Int64(g.next() % 8_000_000_000_000)   // 1970 … 2223
            let time = UTCTime(epochMilliseconds: ms)
            #expect(time.epochMilliseconds == ms)
        }
        #expect(UTCTime(epochMilliseconds: 1_772_294_480_000).iso8601 == "2026-02-28T16:01:20.000Z")
        #expect(UTCTime(epochMilliseconds: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(UTCTime(epochMilliseconds: 951_782_400_000).dateString == "2000-02-29")
        #expect(UTCTime(epochMilliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }

    @Test func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        for ms: Int64 in [1_723_161_255_342, 1_680_652_800_000, 4_102_444_800_123] {
            let ours = UTCTime(epochMilliseconds: ms).iso8601
            #expect(ours == formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
        }
    }
}

@Suite("JSONObjectScanner")
struct JSONObjectScannerTests {
    static func scan(_ text: String) -> Result<[String], JSONScanError> {
        var text = text
        return text.withUTF8 { raw in
            let bytes = UnsafeRawBufferPointer(raw)
            var keys: [String] = []
            do throws(JSONScanError) {
                try JSONObjectScanner.scan(bytes) { (member: JSONMember) throws(JSONScanError) in
                    keys.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[member.keyRange]), as: UTF8.self))
                }
                return .success(keys)
            } catch {
                return .failure(error)
            }
        }
    }

    @Test func validObjects() throws {
        let valid = [
            (#"{}"#, [String]()),
            (#" { "a" : 1 , "b":[1,2,{"c":null}], "d":{"e":"f\"g\u00e9\\"}, "h":-0.5e+3, "i":true, "j":false } "#,
             ["a", "b", "d", "h", "i", "j"]),
            (#"{"stream":"btcusdt@trade","data":{"e":"trade","t":1}}"#, ["stream", "data"]),
        ]
        for (text, keys) in valid {
            #expect(try Self.scan(text).get() == keys, "\(text)")
        }
    }

    @Test func invalidObjects() {
        let invalid: [(String, JSONScanError)] = [
            ("", .empty), ("  ", .empty), ("[1]", .notAnObject), ("null", .notAnObject),
            (#"{"a":1"#, .unexpectedEnd), (#"{"a":"x"#, .unexpectedEnd), (#"{"a":1,}"#, .unexpectedByte(0x7D, at: 7)),
            (#"{"a":01}"#, .unexpectedByte(0x31, at: 6)), (#"{"a":1.}"#, .invalidNumber(at: 5)),
            (#"{"a":-}"#, .invalidNumber(at: 5)), (#"{"a":tru}"#, .unexpectedByte(0x7D, at: 8)),
            ("{\"a\":\"\u{1}\"}", .controlCharacterInString(at: 6)), (#"{"a":"\x"}"#, .invalidEscape(at: 6)),
            (#"{"a":1} x"#, .trailingBytes(at: 8)), (#"{"a" 1}"#, .unexpectedByte(0x31, at: 5)),
            (#"{a:1}"#, .unexpectedByte(0x61, at: 1)),
            ("{\"a\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}", .nestingTooDeep),
        ]
        for (text, error) in invalid {
            #expect(Self.scan(text) == .failure(error), "\(text)")
        }
    }
}
