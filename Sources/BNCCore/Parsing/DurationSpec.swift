/// A duration as written on the command line (`500ms`, `20s`, `5m`, `1h`; a bare number is seconds),
/// held as whole milliseconds because every timestamp the tools handle is exchange milliseconds.
/// Its command-line conformance (`ExpressibleByArgument`) lives in `ToolCommand`, so BNCCore and the
/// libraries above it do not depend on swift-argument-parser.
package struct DurationSpec: Hashable, Sendable, CustomStringConvertible {
    package var milliseconds: Int64

    package init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The units a duration may be written in, largest first: a compound duration names each at
    /// most once, in this order (`23h30m`, `1m30s`, `2s500ms`).
    private static let units: [(suffix: String, milliseconds: Double)] = [
        ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses `text`: a non-negative number with an optional `h`/`m`/`s`/`ms` unit (a bare number
    /// is seconds, fractions allowed: `1.5s`, `23.5h`), or several such parts with units from the
    /// largest down, each unit once (`23h30m`, `1h30m15s`, `2s500ms`). Nil for anything else, and
    /// for a total that is not a whole number of milliseconds or is beyond 10^15 ms.
    package init?(_ text: String) {
        var rest = Substring(text.trimming())
        guard !rest.isEmpty else { return nil }
        if rest.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { rest += "s" }
        var total = 0.0
        var nextUnit = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let letters = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(letters.count)
            guard !number.isEmpty, let value = Double(number), value.isFinite,
                  let unit = Self.units[nextUnit...].firstIndex(where: { $0.suffix == letters })
            else { return nil }
            total += value * Self.units[unit].milliseconds
            nextUnit = unit + 1
        }
        guard total < 1e15, total.rounded() == total else { return nil }
        milliseconds = Int64(total)
    }

    package var seconds: Double { Double(milliseconds) / 1000 }

    /// An exact spelling that `DurationSpec(_:)` reads back: whole seconds as hours, minutes and
    /// seconds, largest first (`20s`, `5m`, `1h`, `23h30m`, `1m30s`); anything else in
    /// milliseconds (`500ms`, `1500ms`); `0s` for zero.
    package var description: String {
        guard milliseconds != 0 else { return "0s" }
        guard milliseconds % 1000 == 0 else { return "\(milliseconds)ms" }
        var rest = milliseconds
        var text = ""
        for (suffix, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000)] where rest >= size {
            text += "\(rest / size)\(suffix)"
            rest %= size
        }
        return text
    }
}
