// LineSplitter (pushed chunks: decompressors, sockets) against a plain reference split. The first
// byte chooses the line cap; the input is then pushed in pieces whose lengths come from the data
// itself, so every position of a chunk boundary relative to '\n', '\r' and the cap is tried.
import BNCCore
import FuzzReference

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineSplitter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let maxLineLength = Int(input[0] % 48) + 1
    let payload = input[1...]
    var splitter = LineSplitter(maxLineLength: maxLineLength)
    var got: [SplitPiece] = []
    var numbers: [Int] = []
    func collect(_ line: LineSplitter.Line, _ number: Int) -> Bool {
        switch line {
        case .text(let b): got.append(.text(Array(b)))
        case .oversized(let n): got.append(.oversized(n))
        }
        numbers.append(number)
        return true
    }
    payload.withUnsafeBytes { raw in
        var offset = 0
        var k = 0
        while offset < raw.count {
            // Piece length from the data: 1…17; a 0 pushes an empty chunk first.
            let choice = Int(raw[(offset + k) % raw.count] % 18)
            k += 1
            if choice == 0 { splitter.push(UnsafeRawBufferPointer(start: nil, count: 0), collect) }
            let length = min(raw.count - offset, max(1, choice))
            splitter.push(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]), collect)
            offset += length
        }
    }
    splitter.finish(collect)
    let expected = referenceSplit(payload, maxLineLength: maxLineLength)
    precondition(got == expected, "LineSplitter disagrees with the reference split (cap \(maxLineLength))")
    precondition(numbers == Array(0..<got.count).map { $0 + 1 })
    precondition(splitter.bytesPushed == payload.count)
    precondition(!splitter.hasPartialLine)
    return 0
}
