/// A duration as written on the command line (`500ms`, `20s`, `5m`, `1h`; a bare number is seconds),
/// held as whole milliseconds because every timestamp the tools handle is exchange milliseconds.
/// Its command-line conformance (`ExpressibleByArgument`) lives in `ToolCommand`, so BNCCore and the
/// libraries above it do not depend on swift-argument-parser.
public struct DurationSpec: Hashable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Parses `text`; returns nil for anything that is not a non-negative number with an optional
    /// `ms`/`s`/`m`/`h` unit, or that does not come out as a whole number of milliseconds.
    public init?(_ text: String) {
        let trimmed = text.trimming()
        var number = Substring(trimmed)
        var factor = 1000.0
        for (suffix, unitFactor) in [("ms", 1.0), ("s", 1000.0), ("m", 60_000.0), ("h", 3_600_000.0)]
        where trimmed.hasSuffix(suffix) {
            number = trimmed.dropLast(suffix.count)
            factor = unitFactor
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value.isFinite, value >= 0
        else { return nil }
        let ms = value * factor
        guard ms < 1e15, ms.rounded() == ms else { return nil }
        milliseconds = Int64(ms)
    }

    public var seconds: Double { Double(milliseconds) / 1000 }

    /// The shortest exact spelling: `20s`, `500ms`, `5m`, `1h`.
    public var description: String {
        if milliseconds != 0 && milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds != 0 && milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
