// The plain line split the LineReader and LineSplitter fuzz targets check the real ones against:
// a line is everything up to `\n`, a trailing `\r` dropped, a final unterminated line kept, and a
// line longer than the cap reported only by its length.

/// One line of the reference split.
package enum SplitPiece: Equatable {
    case text([UInt8])
    case oversized(Int)
}

package func referenceSplit(_ input: ArraySlice<UInt8>, maxLineLength: Int) -> [SplitPiece] {
    var lines: [SplitPiece] = []
    var current: [UInt8] = []
    func emit() {
        if current.count > maxLineLength {
            lines.append(.oversized(current.count))
        } else {
            if current.last == 0x0D { current.removeLast() }
            lines.append(.text(current))
        }
        current = []
    }
    for b in input {
        if b == 0x0A { emit() } else { current.append(b) }
    }
    if !current.isEmpty { emit() }
    return lines
}
