import BNCCore
import Foundation
import Testing

@Suite("LineReader")
struct LineReaderTests {
    enum Item: Equatable { case text([UInt8]), oversized(Int) }

    /// The obvious definition: split at `\n`, drop one trailing `\r`, keep a last unterminated line.
    static func referenceSplit(_ data: [UInt8], cap: Int) -> [Item] {
        var items: [Item] = []
        var pieces = data.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        for piece in pieces {
            if piece.count > cap { items.append(.oversized(piece.count)); continue }
            var line = piece
            if line.last == 0x0D { line.removeLast() }
            items.append(.text(line))
        }
        return items
    }

    static func read(_ data: [UInt8], chunkSize: Int, cap: Int) throws -> (items: [Item], numbers: [Int]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnc-lines-\(UUID().uuidString)")
        try Data(data).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var items: [Item] = [], numbers: [Int] = []
        try InputFile(url.path).withLineReader(chunkSize: chunkSize, maxLineLength: cap) { reader throws(LineInputError<Never>) in
            try reader.forEachLine { line, number in
                switch line {
                case .text(let bytes): items.append(.text(Array(bytes)))
                case .oversized(let length): items.append(.oversized(length))
                }
                numbers.append(number)
                return true
            }
        }
        return (items, numbers)
    }

    static func corpus(seed: UInt64) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        var data: [UInt8] = []
        for _ in 0..<300 {
            switch g.next() % 10 {
            case 0: data += [0x0A]                                   // empty line
            case 1: data += Array("abc\r\n".utf8)                     // CRLF
            case 2: data += [UInt8](repeating: 0x78, count: Int(g.next() % 90)) + [0x0A]  // may exceed the cap
            case 3: data += [0x0D, 0x0A]
            case 4: data += Array("\r\r\n".utf8)
            default:
                let n = Int(g.next() % 40)
                data += (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next() % 250) + 1 }.map { $0 == 0x0A ? 0x20 : $0 }
                data += [0x0A]
            }
        }
        if g.next() % 2 == 0 { data += Array("last line without newline".utf8) }
        return data
    }

    @Test(arguments: Array(1...17) + [31, 64, 100, 333, 4096, 1 << 20])
    func everyChunkSizeMatchesTheReferenceSplit(chunkSize: Int) throws {
        for seed: UInt64 in 1...6 {
            let data = Self.corpus(seed: seed)
            for cap in [64, 1 << 20] {
                let (items, numbers) = try Self.read(data, chunkSize: chunkSize, cap: cap)
                let expected = Self.referenceSplit(data, cap: cap)
                #expect(items == expected, "seed \(seed) cap \(cap)")
                #expect(numbers == Array(1...max(1, expected.count)).prefix(expected.count).map { $0 })
            }
        }
    }

    @Test func mappedFilesLargerThanTheMapWindowMatchTheReadPath() throws {
        // ~20 MiB of lines of every length up to 300 bytes, so lines straddle the 8 MiB windows.
        var g = SplitMix64(seed: 11)
        var data: [UInt8] = []
        data.reserveCapacity(21 << 20)
        while data.count < 20 << 20 {
            let n = Int(g.next() % 300)
            data += [UInt8](repeating: UInt8(0x41 + g.next() % 26), count: n)
            if g.next() % 7 == 0 { data.append(0x0D) }
            data.append(0x0A)
        }
        data += Array("tail".utf8)
        let mapped = try Self.read(data, chunkSize: 1 << 20, cap: 1 << 20)
        let copied = try Self.read(data, chunkSize: 4096, cap: 1 << 20)
        #expect(LineReader.mappingThreshold <= 1 << 20 && LineReader.mappingThreshold > 4096)
        #expect(mapped.items.count == copied.items.count)
        #expect(mapped.items == copied.items)
        #expect(mapped.items == Self.referenceSplit(data, cap: 1 << 20))
    }

    @Test func crlfAndNoFinalNewline() throws {
        let (items, _) = try Self.read(Array("a\r\nb\n\r\nc".utf8), chunkSize: 2, cap: 100)
        #expect(items == [.text([0x61]), .text([0x62]), .text([]), .text([0x63])])
        let (empty, _) = try Self.read([], chunkSize: 5, cap: 100)
        #expect(empty.isEmpty)
    }

    @Test func linesOverOneMebibyteAreReportedAndSkipped() throws {
        var data = Array("first\n".utf8)
        data += [UInt8](repeating: 0x41, count: (1 << 20) + 10) + [0x0A]
        data += Array("after\n".utf8)
        data += [UInt8](repeating: 0x42, count: 3 << 20)          // unterminated and oversized
        for chunk in [1 << 16, 1 << 20, 777_777] {
            let (items, numbers) = try Self.read(data, chunkSize: chunk, cap: 1 << 20)
            #expect(items == [.text(Array("first".utf8)), .oversized((1 << 20) + 10), .text(Array("after".utf8)),
                              .oversized(3 << 20)])
            #expect(numbers == [1, 2, 3, 4])
        }
        // Exactly at the cap is still a line.
        let atCap = [UInt8](repeating: 0x43, count: 100) + [0x0A]
        #expect(try Self.read(atCap, chunkSize: 7, cap: 100).items == [.text([UInt8](repeating: 0x43, count: 100))])
    }

    @Test func stoppingEarlyReturnsFalse() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnc-lines-\(UUID().uuidString)")
        try Data("1\n2\n3\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var seen = 0
        let finished = try InputFile(url.path).withLineReader(chunkSize: 3, maxLineLength: 1 << 20) { reader throws(LineInputError<Never>) in
            try reader.forEachLine { _, _ in seen += 1; return seen < 2 }
        }
        #expect(!finished && seen == 2)
    }

    @Test func missingFileIsAReadableError() {
        #expect(throws: InputFileError.self) { _ = try InputFile("/nonexistent/bnc").open() }
        let error = InputFileError.cannotOpen(path: "/x", errno: ENOENT)
        #expect(error.description == "/x: cannot open: No such file or directory")
    }
}

