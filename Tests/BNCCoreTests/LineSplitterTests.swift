import BNCCore
import Foundation
import Testing

@Suite("LineSplitter: pushed chunks to lines, the same as LineReader")
struct LineSplitterTests {
    enum Piece: Equatable { case text([UInt8]), oversized(Int) }

    /// What the lines of `bytes` must be: split at `\n`, a trailing `\r` dropped, a last line
    /// without `\n` kept, lines over `cap` reported by length.
    func reference(_ bytes: [UInt8], cap: Int) -> [Piece] {
        var pieces: [Piece] = []
        var current: [UInt8] = []
        func close() {
            if current.count > cap { pieces.append(.oversized(current.count)); return }
            pieces.append(.text(current.last == 0x0D ? Array(current.dropLast()) : current))
        }
        for b in bytes {
            if b == 0x0A { close(); current = [] } else { current.append(b) }
        }
        if !current.isEmpty { close() }
        return pieces
    }

    func collect(_ line: LineSplitter.Line, into pieces: inout [Piece]) {
        switch line {
        case .text(let bytes): pieces.append(.text(Array(bytes)))
        case .oversized(let length): pieces.append(.oversized(length))
        }
    }

    func sample(seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        var bytes: [UInt8] = []
        for _ in 0..<400 {
            let length = next() % 10 == 0 ? Int(next() % 300) : Int(next() % 40)
            for _ in 0..<length { bytes.append(UInt8(ascii: "a") + UInt8(next() % 26)) }
            if next() % 5 == 0 { bytes.append(0x0D) }
            bytes.append(0x0A)
        }
        if next() % 2 == 0 { bytes += Array("tail without newline\r".utf8) }
        return bytes
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func anyChunkingGivesTheReferenceLines(seed: UInt64) {
        let bytes = sample(seed: seed)
        let cap = 100
        let expected = reference(bytes, cap: cap)
        for chunk in [1, 2, 3, 7, 64, 99, 100, 101, 4096] {
            var splitter = LineSplitter(maxLineLength: cap)
            var pieces: [Piece] = []
            var numbers: [Int] = []
            bytes.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let end = min(offset + chunk, all.count)
                    splitter.push(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { line, number in
                        collect(line, into: &pieces); numbers.append(number); return true
                    }
                    offset = end
                }
            }
            splitter.finish { line, number in collect(line, into: &pieces); numbers.append(number); return true }
            #expect(pieces == expected, "chunk size \(chunk)")
            #expect(numbers == Array(1...expected.count))
            #expect(splitter.bytesPushed == bytes.count)
        }
    }

    @Test func lineReaderAgreesOverAPipeWithSmallReads() throws {
        let bytes = sample(seed: 9)
        let pipe = Pipe()
        let writer = Thread {
            pipe.fileHandleForWriting.write(Data(bytes))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        var reader = LineReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, chunkSize: 13, maxLineLength: 100)
        var pieces: [Piece] = []
        try reader.forEachLine { line, _ in collect(line, into: &pieces); return true }
        #expect(pieces == reference(bytes, cap: 100))
        #expect(reader.bytesRead == bytes.count)
        #expect(reader.lineNumber == pieces.count)
    }

    @Test func stoppingEarly() {
        var splitter = LineSplitter(maxLineLength: 16)
        var seen = 0
        let more = Array("a\nb\nc\n".utf8).withUnsafeBytes { bytes in
            splitter.push(bytes) { _, number in seen = number; return number < 2 }
        }
        #expect(!more && seen == 2)
    }
}
