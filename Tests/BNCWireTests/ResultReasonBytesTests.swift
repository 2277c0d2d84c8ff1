import BNCWire
import Testing

/// The reason's per-row writer spells its arrows as bytes; they must be the `↑`/`↓` the reader
/// and every other writer use.
@Suite("ResultReason bytes")
struct ResultReasonBytesTests {
    @Test func theLentNameWriterSpellsItemsAsTheArrayWriterDoes() {
        for above in [true, false] {
            for index in 0..<3 {
                var fromArray: [UInt8] = Array("x".utf8), fromPointer = fromArray
                let name = Array("price_volatility".utf8)
                ResultReason.append(feature: name, above: above, index: index, to: &fromArray)
                name.withUnsafeBufferPointer { ResultReason.append(feature: $0, above: above, index: index, to: &fromPointer) }
                #expect(fromPointer == fromArray)
                // The cursor writer: the same bytes after the prefix, within its bound, nothing past it.
                var stored = [UInt8](repeating: 0xAA, count: ResultReason.itemBound(nameLength: name.count) + 1)
                let n = stored.withUnsafeMutableBytes { out in
                    name.withUnsafeBytes { ResultReason.write(feature: $0, above: above, index: index, at: out.baseAddress!) }
                }
                #expect(n <= ResultReason.itemBound(nameLength: name.count))
                #expect(Array(stored[0..<n]) == Array(fromArray.dropFirst()))
                #expect(stored[n...].allSatisfy { $0 == 0xAA })
                #expect(fromArray == Array("x".utf8) + (index > 0 ? [ResultReason.separator] : []) + name
                        + (above ? ResultReason.up : ResultReason.down))
                #expect(String(decoding: fromArray.suffix(3), as: UTF8.self) == (above ? "↑" : "↓"))
            }
        }
    }
}
