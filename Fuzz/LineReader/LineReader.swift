// LineReader against a plain reference split. The first two bytes choose the chunk size and the
// line cap (small, so chunk and cap boundaries are hit constantly); the rest is fed through a
// real pipe (inputs stay below the pipe's 64 KiB buffer, so one thread can fill it first).
import BNCCore
import FuzzReference

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let chunkSize = Int(input[0] % 32) + 1
    let maxLineLength = Int(input[1] % 64) + 1
    let payload = input[2...]

    guard payload.count < 60_000 else { return 0 }
    var ends: [Int32] = [0, 0]
    precondition(pipe(&ends) == 0)
    let fd = ends[0]
    defer { close(fd) }
    payload.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = write(ends[1], raw.baseAddress! + offset, raw.count - offset)
            precondition(n > 0)
            offset += n
        }
    }
    close(ends[1])

    var got: [SplitPiece] = []
    var numbers: [Int] = []
    var reader = LineReader(fileDescriptor: fd, chunkSize: chunkSize, maxLineLength: maxLineLength)
    let finished = try! reader.forEachLine { line, number in
        switch line {
        case .text(let bytes): got.append(.text(Array(bytes)))
        case .oversized(let length): got.append(.oversized(length))
        }
        numbers.append(number)
        return true
    }
    precondition(finished)
    let expected = referenceSplit(payload, maxLineLength: maxLineLength)
    precondition(got == expected, "LineReader disagrees with the reference split (chunk \(chunkSize), cap \(maxLineLength))")
    precondition(numbers == Array(1...max(1, got.count)).prefix(got.count).map { $0 })
    precondition(reader.bytesRead == payload.count)
    return 0
}
