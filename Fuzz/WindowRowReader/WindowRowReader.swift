// bnc-score's window-row reader (DESIGN.md §2 rows from bnc-window, or from anyone's pipe). Beyond
// "no crash": the symbol it accepts goes unquoted into the CSV, so it must be plain printable
// ASCII without separators; the parsed window start must turn into a daily file name; every
// number it accepts lies within WindowRowLimits.
import BNCCore
import BNCWire
import Scoring

private let featureNames = WindowRowKey.features.map(\.name)
nonisolated(unsafe) private var parser = WindowRowReader(featureNames: featureNames)
nonisolated(unsafe) private var row = WindowRowReader.Fields(featureCount: featureNames.count)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWindowRowReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do throws(WindowRowError) {
        try parser.parse(bytes, into: &row)
        precondition(row.symbolRange.lowerBound >= 0 && row.symbolRange.upperBound <= size, "symbol outside the line")
        for i in row.symbolRange {
            let b = bytes[i]
            precondition(b > 0x20 && b < 0x7F && b != UInt8(ascii: ",") && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\n"),
                         "symbol would break the CSV")
        }
        precondition(row.features.count == featureNames.count)
        // The value checks (WindowRowLimits, formats.md §2): nothing impossible gets through.
        precondition(row.start >= 0 && row.start < row.end && row.end <= WindowRowLimits.latestTime, "impossible window times accepted")
        if row.featuresUsable {
            for (f, name) in featureNames.enumerated() {
                precondition(WindowRowLimits.rule(for: name).allows(row.features[f]), "impossible \(name) accepted")
            }
        }
        for c in 0..<featureNames.count {
            let v = row.column(c)
            precondition(v.isNaN || WindowRowLimits.rule(for: featureNames[c]).allows(v), "impossible column \(c) accepted")
        }
        _ = RotatingFileSink.path(pattern: "r_%Y-%m-%d.csv", windowStart: row.start)
        _ = UTCTime(epochMilliseconds: row.end).iso8601
    } catch {
        _ = error.description
    }
    return 0
}
