// UTCTime parsing of arbitrary text (user-given times, the original project's CSV timestamps),
// and the epoch-ms ↔ calendar round trip for any 8-byte value in years 0…9999.
import BNCCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUTCTime(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    if let parsed = UTCTime(parsing: Substring(text)) {
        precondition((1...12).contains(parsed.month) && (1...31).contains(parsed.day))
        precondition(parsed.hour < 24 && parsed.minute < 60 && parsed.second <= 60 && parsed.millisecond < 1000)
        // A date that does not exist is refused, never rolled over (issue 11: 2024-02-30).
        precondition(parsed.day <= UTCTime.daysInMonth(year: parsed.year, month: parsed.month))
        precondition(parsed.second < 60 || (parsed.hour == 23 && parsed.minute == 59))
        _ = parsed.epochMilliseconds
        _ = parsed.iso8601
    }
    if size >= 8 {
        var raw: UInt64 = 0
        for k in 0..<8 { raw = raw << 8 | UInt64(bytes[k]) }
        let ms = Int64(bitPattern: raw)
        let time = UTCTime(epochMilliseconds: ms)          // any Int64 must not trap
        _ = time.dateString
        let span: Int64 = 253_402_300_800_000 + 62_167_219_200_000   // 0000-01-01 … 9999-12-31
        let inRange = Int64(bitPattern: raw % UInt64(span)) - 62_167_219_200_000
        let t = UTCTime(epochMilliseconds: inRange)
        precondition(t.epochMilliseconds == inRange)
        guard let back = UTCTime(parsing: Substring(t.iso8601)) else {
            preconditionFailure("cannot parse own ISO 8601 output \(t.iso8601)")
        }
        precondition(back.epochMilliseconds == inRange, "\(t.iso8601) round trip")
    }
    return 0
}
