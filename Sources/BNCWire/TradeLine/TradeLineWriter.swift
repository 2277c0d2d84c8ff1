import BNCCore

/// The one writer of trade lines (DESIGN.md §1): every tool that makes a trade line instead of
/// passing one on (public-data conversion, the simulator, the REST backfill) builds it here, in a
/// reusable scratch buffer, so millions of lines need no `String` and no allocation per line, and
/// each line reaches the output whole (`OutputBuffer.append` of one buffer never tears a line).
/// `TradeLineParser` reads every line written here back to the same values.
///
/// The key order and spelling are Binance's own payloads:
/// `{"e":"trade","E":…,"s":"BTCUSDT","t":…,"p":"…","q":"…","T":…,"m":…,"M":…}` and
/// `{"e":"aggTrade","E":…,"s":…,"a":…,"p":"…","q":"…","f":…,"l":…,"T":…,"m":…,"M":…}`.
///
/// Limits are `WireLimits`': a caller rejects a symbol longer than `maxSymbolLength` or a decimal
/// longer than `maxDecimalLength` before building (the writer clamps rather than overflow).
package struct TradeLineWriter: ~Copyable {
    private let storage: UnsafeMutableRawBufferPointer
    private var count = 0

    package init() {
        storage = .allocate(byteCount: 512, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// The line built last, `\n` included; valid until the next build.
    package var line: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }

    /// The line built last without its `\n`.
    package var lineWithoutNewline: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[0..<max(count - 1, 0)])
    }

    /// A `trade` line. `price` and `quantity` are copied verbatim (ASCII decimals, at most
    /// `WireLimits.maxDecimalLength` bytes each); `bestMatch` nil leaves `M` out (futures files have none).
    package mutating func buildTrade(
        eventTime: Int64, symbol: UnsafeRawBufferPointer, tradeID: Int64,
        price: UnsafeRawBufferPointer, quantity: UnsafeRawBufferPointer,
        tradeTime: Int64, buyerIsMaker: Bool, bestMatch: Bool?
    ) {
        begin("{\"e\":\"trade\",\"E\":", eventTime, symbol, "\",\"t\":", tradeID)
        put(",\"p\":\""); put(price)
        put("\",\"q\":\""); put(quantity); put("\"")
        finish(tradeTime: tradeTime, buyerIsMaker: buyerIsMaker, bestMatch: bestMatch)
    }

    /// An `aggTrade` line; see `buildTrade`.
    package mutating func buildAggTrade(
        eventTime: Int64, symbol: UnsafeRawBufferPointer, aggregateID: Int64,
        price: UnsafeRawBufferPointer, quantity: UnsafeRawBufferPointer,
        firstTradeID: Int64, lastTradeID: Int64,
        tradeTime: Int64, buyerIsMaker: Bool, bestMatch: Bool?
    ) {
        begin("{\"e\":\"aggTrade\",\"E\":", eventTime, symbol, "\",\"a\":", aggregateID)
        put(",\"p\":\""); put(price)
        put("\",\"q\":\""); put(quantity)
        put("\",\"f\":"); put(firstTradeID)
        put(",\"l\":"); put(lastTradeID)
        finish(tradeTime: tradeTime, buyerIsMaker: buyerIsMaker, bestMatch: bestMatch)
    }

    /// A `trade` line whose price and quantity are fixed-point integers in units of 10^-8
    /// (written with eight decimals, as Binance spot does: `67012.34000000`, `0.00150000`).
    package mutating func buildTrade(
        eventTime: Int64, symbol: UnsafeRawBufferPointer, tradeID: Int64,
        priceE8: Int64, quantityE8: Int64,
        tradeTime: Int64, buyerIsMaker: Bool, bestMatch: Bool
    ) {
        begin("{\"e\":\"trade\",\"E\":", eventTime, symbol, "\",\"t\":", tradeID)
        put(",\"p\":\""); putFixed(priceE8)
        put("\",\"q\":\""); putFixed(quantityE8); put("\"")
        finish(tradeTime: tradeTime, buyerIsMaker: buyerIsMaker, bestMatch: bestMatch)
    }

    /// `{"e":"<event>","E":<time>,"s":"<symbol>","<id key>":<id>`, Binance's order.
    @inline(__always)
    private mutating func begin(_ eventHead: StaticString, _ eventTime: Int64, _ symbol: UnsafeRawBufferPointer,
                                _ idKey: StaticString, _ id: Int64) {
        count = 0
        put(eventHead); put(eventTime)
        put(",\"s\":\""); putSymbol(symbol)
        put(idKey); put(id)
    }

    /// `,"T":<time>,"m":<bool>[,"M":<bool>]}` and the newline.
    private mutating func finish(tradeTime: Int64, buyerIsMaker: Bool, bestMatch: Bool?) {
        put(",\"T\":"); put(tradeTime)
        put(",\"m\":"); put(buyerIsMaker ? "true" : "false")
        if let bestMatch { put(",\"M\":"); put(bestMatch ? "true" : "false") }
        put("}\n")
    }

    @inline(__always)
    private mutating func put(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        memcpy(storage.baseAddress! + count, text.utf8Start, n)
        count += n
    }

    @inline(__always)
    private mutating func put(_ bytes: UnsafeRawBufferPointer) {
        copy(bytes, atMost: WireLimits.maxDecimalLength)
    }

    @inline(__always)
    private mutating func putSymbol(_ bytes: UnsafeRawBufferPointer) {
        copy(bytes, atMost: WireLimits.maxSymbolLength)
    }

    @inline(__always)
    private mutating func copy(_ bytes: UnsafeRawBufferPointer, atMost limit: Int) {
        let n = min(bytes.count, limit)
        if n > 0 { memcpy(storage.baseAddress! + count, bytes.baseAddress!, n) }
        count += n
    }

    private mutating func put(_ value: Int64) {
        if value < 0 { storage[count] = UInt8(ascii: "-"); count += 1 }
        DigitBlocks.withDigits(of: value.magnitude) { copy($0, atMost: 20) }
    }

    /// `value` / 10^8 with exactly eight decimals.
    private mutating func putFixed(_ value: Int64) {
        let magnitude = value.magnitude
        if value < 0 { storage[count] = UInt8(ascii: "-"); count += 1 }
        put(Int64(magnitude / 100_000_000))
        storage[count] = UInt8(ascii: "."); count += 1
        var fraction = magnitude % 100_000_000
        var divisor: UInt64 = 10_000_000
        for _ in 0..<8 {
            storage[count] = UInt8(truncatingIfNeeded: fraction / divisor) &+ 48
            count += 1
            fraction %= divisor
            divisor /= 10
        }
    }
}
