// DecimalParser against glibc's strtod (correctly rounded) as the reference: for every input that
// matches the documented grammar the two must agree bit for bit, and anything outside the grammar
// must be rejected. int64 is checked against Swift's own integer parser.
import BNCCore

private func matchesGrammar(_ b: UnsafeRawBufferPointer) -> Bool {
    // -?digits(.digits)?([eE][+-]?digits)?
    func isDigit(_ x: UInt8) -> Bool { x >= 48 && x <= 57 }
    var i = 0
    if i < b.count, b[i] == 45 { i += 1 }
    let intStart = i
    while i < b.count, isDigit(b[i]) { i += 1 }
    guard i > intStart else { return false }
    if i < b.count, b[i] == 46 {
        i += 1
        let f = i
        while i < b.count, isDigit(b[i]) { i += 1 }
        guard i > f else { return false }
    }
    if i < b.count, b[i] == 101 || b[i] == 69 {
        i += 1
        if i < b.count, b[i] == 43 || b[i] == 45 { i += 1 }
        let e = i
        while i < b.count, isDigit(b[i]) { i += 1 }
        guard i > e else { return false }
    }
    return i == b.count
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecimalParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let ours = DecimalParser.double(bytes)
    if matchesGrammar(bytes) {
        guard let ours else { preconditionFailure("grammar-valid input rejected") }
        var text = [CChar](repeating: 0, count: size + 1)
        for k in 0..<size { text[k] = CChar(bitPattern: bytes[k]) }
        let reference = strtod(text, nil)
        precondition(ours.bitPattern == reference.bitPattern,
                     "DecimalParser \(ours) != strtod \(reference) for \(String(decoding: bytes, as: UTF8.self))")
    } else {
        precondition(ours == nil, "input outside the grammar accepted")
    }
    // Any sub-range must be safe too (readers pass ranges of a larger buffer).
    if size >= 2 {
        _ = DecimalParser.double(bytes, 1..<(size - 1))
    }
    let int = DecimalParser.int64(bytes, 0..<size)
    let text = String(decoding: bytes, as: UTF8.self)
    let plain = !text.isEmpty && !text.hasPrefix("+") && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 45 }
    if let int {
        precondition(Int64(text) == int, "int64 \(int) for \(text)")
    } else if plain, let reference = Int64(text), reference != Int64.min {
        preconditionFailure("int64 rejected \(text)")
    }
    return 0
}
