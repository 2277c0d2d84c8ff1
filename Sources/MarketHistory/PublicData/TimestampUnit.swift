import BNCWire

/// The unit of `E`/`T` in the trade lines written from public data.
///
/// Binance's spot dumps switched from milliseconds to microseconds on 2025-01-01; a value
/// ≥ 10^14 is microseconds (DESIGN.md §1). The default writes milliseconds whatever the file
/// holds, so files from before and after the switch make one consistent stream, exactly like the
/// live stream's default; `source` keeps each value as the file has it (lossless).
package enum TimestampUnit: String, Sendable, CaseIterable {
    /// Epoch milliseconds (microseconds are truncated to their millisecond).
    case milliseconds = "ms"
    /// Epoch microseconds (milliseconds are multiplied by 1000).
    case microseconds = "us"
    /// As written in the file.
    case source

    /// Converts a timestamp read from a file.
    @inline(__always)
    package func convert(_ value: Int64) -> Int64 {
        let isMicro = value >= WireLimits.microsecondThreshold
        switch self {
        case .milliseconds: return isMicro ? value / 1000 : value
        case .microseconds: return isMicro ? value : value &* 1000
        case .source: return value
        }
    }
}
