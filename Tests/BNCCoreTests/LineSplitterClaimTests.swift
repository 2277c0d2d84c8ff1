import BNCCore
import Foundation
import Testing

/// `push(_:claiming:_:)`: lines a callback claims in place plus the lines left to `body` must be
/// exactly the lines `push(_:_:)` gives, with the same numbers, at any chunking.
@Suite("LineSplitter: claimed lines")
struct LineSplitterClaimTests {
    enum Piece: Equatable { case text([UInt8]), oversized(Int), claimed([UInt8]) }

    func sample(seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        var bytes: [UInt8] = []
        for _ in 0..<400 {
            let length = next() % 10 == 0 ? Int(next() % 300) : Int(next() % 40)
            for _ in 0..<length { bytes.append(UInt8(ascii: "A") + UInt8(next() % 4)) }
            if next() % 5 == 0 { bytes.append(0x0D) }
            bytes.append(0x0A)
        }
        if next() % 2 == 0 { bytes += Array("ABtail without newline".utf8) }
        return bytes
    }

    /// Claims a line that starts with `A`, has no `\r` and ends at a `\n` within `available`.
    static func claimA(_ start: UnsafeRawPointer, _ available: Int, into pieces: inout [Piece]) -> LineSplitter.Claim {
        let bytes = UnsafeRawBufferPointer(start: start, count: available)
        guard available > 0, bytes[0] == UInt8(ascii: "A"), let newline = bytes.firstIndex(of: 0x0A),
              !bytes[..<newline].contains(0x0D) else { return .none }
        pieces.append(.claimed(Array(bytes[..<newline])))
        return .line(length: newline, keepGoing: true)
    }

    func split(_ bytes: [UInt8], chunk: Int, cap: Int, claiming: Bool) -> (pieces: [Piece], numbers: [Int]) {
        var splitter = LineSplitter(maxLineLength: cap)
        var pieces: [Piece] = []
        var numbers: [Int] = []
        func body(_ line: LineSplitter.Line, _ number: Int) -> Bool {
            switch line {
            case .text(let text): pieces.append(.text(Array(text)))
            case .oversized(let length): pieces.append(.oversized(length))
            }
            numbers.append(number)
            return true
        }
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + chunk, all.count)
                let piece = UnsafeRawBufferPointer(rebasing: all[offset..<end])
                if claiming {
                    splitter.push(piece, claiming: { start, available in
                        let claim = Self.claimA(start, available, into: &pieces)
                        if case .line = claim { numbers.append(numbers.count + 1) }
                        return claim
                    }, body)
                } else {
                    splitter.push(piece, body)
                }
                offset = end
            }
        }
        splitter.finish(body)
        return (pieces, numbers)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func claimedAndSplitLinesTogetherAreThePlainSplit(seed: UInt64) {
        let bytes = sample(seed: seed)
        let cap = 100
        let plain = split(bytes, chunk: bytes.count, cap: cap, claiming: false)
        for chunk in [1, 2, 3, 7, 64, 99, 100, 101, 102, 4096, bytes.count] {
            let claimed = split(bytes, chunk: chunk, cap: cap, claiming: true)
            // The same lines in the same order, whichever way each went.
            let merged = claimed.pieces.map { piece -> Piece in
                if case .claimed(let text) = piece { return .text(text) }
                return piece
            }
            #expect(merged == plain.pieces, "chunk \(chunk)")
            #expect(claimed.numbers == plain.numbers, "chunk \(chunk)")
            // Big chunks leave whole `A` lines within the cap to the claim.
            if chunk >= 4096 {
                #expect(claimed.pieces.contains { if case .claimed = $0 { true } else { false } })
                #expect(!claimed.pieces.contains { piece in
                    if case .claimed(let text) = piece { return text.count > cap }
                    return false
                })
            }
        }
    }

    @Test func aClaimCanStopThePush() {
        var splitter = LineSplitter(maxLineLength: 1 << 20)
        var seen: [String] = []
        let bytes = Array("A1\nb2\nA3\nA4\n".utf8)
        let finished = bytes.withUnsafeBytes { all in
            splitter.push(all, claiming: { start, available in
                let text = UnsafeRawBufferPointer(start: start, count: available)
                guard text[0] == UInt8(ascii: "A"), let newline = text.firstIndex(of: 0x0A) else { return .none }
                seen.append(String(decoding: text[..<newline], as: UTF8.self))
                return .line(length: newline, keepGoing: seen.count < 2)
            }) { line, _ in
                if case .text(let text) = line { seen.append(String(decoding: text, as: UTF8.self)) }
                return true
            }
        }
        #expect(!finished)
        #expect(seen == ["A1", "b2", "A3"])
        #expect(splitter.lineNumber == 3)
    }
}
