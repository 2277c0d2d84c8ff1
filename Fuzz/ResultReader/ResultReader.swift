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
            _ = reader.series
        } catch {
            _ = error.description
        }
    }
    return 0
}
