import BNCCore
import BNCWire

/// The ranges of bnc-stats' option values: a value no input could use is a usage error (exit 64),
/// said without echoing a huge value back. The bounds follow from what the reader accepts, not
/// from taste: timestamps lie in the years 0000–9999, so no window, horizon or window size longer
/// than that span can ever be used; symbols are 1–23 letters and digits (formats.md); paths are
/// shorter than `PATH_MAX`. Lists (`--horizons`, `--sizes`) hold at most `maxListLength` values,
/// each of which costs a pass over the rows.
package enum StatsOptionLimits {
    /// The longest span rows can cover: years 0000 to 9999.
    package static let maxDurationMilliseconds: Int64 = ResultReader.timestampRange.upperBound - ResultReader.timestampRange.lowerBound
    package static let maxListLength = 100
    package static let maxPathBytes = Int(PATH_MAX) - 1

    /// Why `value` cannot be `option`'s duration, or nil.
    package static func durationProblem(_ option: String, _ value: DurationSpec) -> String? {
        if value.milliseconds <= 0 { return "\(option) must be a positive duration" }
        if value.milliseconds > maxDurationMilliseconds { return "\(option) \(value) is longer than any input can span (timestamps are years 0000-9999)" }
        return nil
    }

    /// Why the list cannot be `option`'s value, or nil.
    package static func listProblem(_ option: String, _ values: [DurationSpec]) -> String? {
        if values.count > maxListLength { return "\(option) takes at most \(maxListLength) durations (got \(values.count))" }
        for value in values { if let problem = durationProblem(option, value) { return problem } }
        return nil
    }

    /// Why `symbol` cannot be a `--symbol`, or nil.
    package static func symbolProblem(_ symbol: String) -> String? {
        WireLimits.isWritableSymbol(symbol) ? nil : "--symbol must be 1-\(WireLimits.maxSymbolLength) letters and digits, like BTCUSDT"
    }

    /// Why `path` cannot be `option`'s file, or nil.
    package static func pathProblem(_ option: String, _ path: String) -> String? {
        if path.isEmpty { return "\(option) needs a file name" }
        if path.utf8.count > maxPathBytes { return "\(option): a path of \(path.utf8.count) bytes is longer than the system allows (\(maxPathBytes))" }
        return nil
    }

    /// The input among `inputs` that `path` names too — the same file by device and inode, so
    /// `./r.csv`, a hard link or a symlink count — or nil. Writing the report or the summary
    /// block there would destroy the results being read.
    package static func input(namedBy path: String, among inputs: [String]) -> String? {
        var target = stat()
        guard stat(path, &target) == 0, (target.st_mode & S_IFMT) == S_IFREG else { return nil }
        for input in inputs where input != "-" {
            var info = stat()
            if stat(input, &info) == 0 && info.st_dev == target.st_dev && info.st_ino == target.st_ino { return input }
        }
        return nil
    }
}
