// bnc-stats' readers: our CSV, our NDJSON, the original project's CSV and trade-rate files, told
// apart by their first line. The input goes through a real file (the reader takes paths), in
// /dev/shm so it stays in memory.
import BNCCore
import ResultStats

private let path = "/dev/shm/bnc-fuzz-results-\(getpid()).csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResultReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0)
    var offset = 0
    while offset < size {
        let n = write(fd, data + offset, size - offset)
        precondition(n > 0)
        offset += n
    }
    close(fd)
    for strict in [false, true] {
        do throws(ResultReadError) {
            let reader = try ResultReader.read([InputFile(path)], strict: strict)
            precondition(!strict || reader.skippedRows == 0)
            // Every analysis and the report on whatever rows got through: none may trap
            // (issue 11: a score of 1e400 killed summary's histogram).
            let s = reader.series
            if !strict && s.count > 0 {
                _ = SummaryAnalysis(s).text()
                _ = HourlyAnalysis(s).text()
                _ = BaselineAnalysis(s).text(limit: 0)
                let w = s.inferredWindowMilliseconds.flatMap { $0 > 0 ? $0 : nil } ?? 20_000
                _ = HTMLReport(s, inputs: ["fuzz"], horizons: PreMoveAnalysis.defaultHorizons, windowMilliseconds: w).render()
                _ = WindowSizeStudy(rows: s, sizes: WindowSizeStudy.defaultSizes, inputWindowMilliseconds: w).text()
            }
        } catch {
            _ = error.description
        }
    }
    return 0
}
