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
                #expect(fromArray == Array("x".utf8) + (index > 0 ? [ResultReason.separator] : []) + name
                        + (above ? ResultReason.up : ResultReason.down))
                #expect(String(decoding: fromArray.suffix(3), as: UTF8.self) == (above ? "↑" : "↓"))
            }
        }
    }
}
