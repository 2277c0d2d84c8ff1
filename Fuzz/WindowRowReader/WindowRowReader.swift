// bnc-score's window-row reader (DESIGN.md §2 rows from bnc-window, or from anyone's pipe). Beyond
// "no crash": the symbol it accepts goes unquoted into the CSV, so it must be plain printable
// ASCII without separators; the parsed window start must turn into a daily file name; every
// number it accepts lies within WindowRowLimits; and the reader's fast path changes nothing: the
// same line through the general path alone gives the same fields bit for bit, or the same error.
import BNCCore
import BNCWire
import Scoring

private let featureNames = WindowRowKey.features.map(\.name)
nonisolated(unsafe) private var parser = WindowRowReader(featureNames: featureNames)
nonisolated(unsafe) private var row = WindowRowReader.Fields(featureCount: featureNames.count)
nonisolated(unsafe) private var general = WindowRowReader(featureNames: featureNames)
nonisolated(unsafe) private var generalRow = WindowRowReader.Fields(featureCount: featureNames.count)

/// What a parse gave, for comparing the two paths.
private func outcome(_ error: WindowRowError?, _ row: WindowRowReader.Fields) -> String {
    if let error { return "error \(error)" }
    let c = row.columns
    return "\(row.start) \(row.end) \(row.complete) \(row.featuresUsable) \(row.symbolRange) "
        + [c.0, c.1, c.2, c.3, c.4].map { String($0.bitPattern, radix: 16) }.joined(separator: ",") + " "
        + row.features.map { String($0.bitPattern, radix: 16) }.joined(separator: ",")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWindowRowReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var fastError: WindowRowError? = nil, generalError: WindowRowError? = nil
    do throws(WindowRowError) { try parser.parse(bytes, into: &row) } catch { fastError = error }
    do throws(WindowRowError) { try general.parseGeneral(bytes, into: &generalRow) } catch { generalError = error }
    precondition(outcome(fastError, row) == outcome(generalError, generalRow), "the fast path disagrees with the general path")
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
