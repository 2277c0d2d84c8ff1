import BNCCore
import BNCWire

/// Turns the rows of one public-data CSV into trade lines, straight from the bytes: price and
/// quantity are copied verbatim, nothing is allocated per row.
///
/// The layout comes from a header row if the file has one, else from the first data row (with the
/// kind the file name gave, if any); `E` is set to the trade time, the only time the dumps carry.
/// Make one converter per file: the layout is the file's.
package struct PublicDataConverter: ~Copyable {
    /// What one CSV line turned out to be.
    package enum Row {
        /// The trade line, `\n` included; valid until the next call.
        case trade(UnsafeRawBufferPointer)
        case header
        case blank
        case malformed(PublicDataRowError)
    }

    package static let maxColumns = 9

    package let kindHint: PublicDataKind?
    package let timestampUnit: TimestampUnit
    /// Known after the header or the first good row.
    package private(set) var layout: PublicDataLayout?
    /// Trade lines produced so far.
    package private(set) var tradeCount = 0
    private var sawContent = false
    private let symbol: UnsafeMutableRawBufferPointer
    private let symbolCount: Int
    private let fields: UnsafeMutablePointer<Range<Int>>
    private var builder = TradeLineWriter()

    /// - Parameters:
    ///   - symbol: written in upper case.
    ///   - kind: the kind the file name or `--kind` gave; nil to tell from the columns.
    package init(symbol: String, kind: PublicDataKind?, timestampUnit: TimestampUnit) {
        let bytes = Array(symbol.uppercased().utf8.prefix(WireLimits.maxSymbolLength))
        self.symbol = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        self.symbol.copyBytes(from: bytes)
        self.symbolCount = bytes.count
        fields = .allocate(capacity: Self.maxColumns + 1)
        kindHint = kind
        self.timestampUnit = timestampUnit
    }

    deinit {
        symbol.deallocate()
        fields.deallocate()
    }

    /// Converts one line (without its `\n`).
    package mutating func convert(_ line: UnsafeRawBufferPointer) -> Row {
        let count = line.count
        if count == 0 || ((line[0] == 0x20 || line[0] == 0x09) && line.allSatisfy({ $0 == 0x20 || $0 == 0x09 })) {
            return .blank
        }
        // Split on commas (the dumps never quote).
        var columns = 0
        var start = 0
        var i = 0
        while i < count {
            if line[i] == UInt8(ascii: ",") {
                if columns == Self.maxColumns { return .malformed(.unknownLayout(columns: Self.maxColumns + 1)) }
                fields[columns] = start..<i
                columns += 1
                start = i + 1
            }
            i += 1
        }
        if columns == Self.maxColumns { return .malformed(.unknownLayout(columns: Self.maxColumns + 1)) }
        fields[columns] = start..<count
        columns += 1

        let firstIsDigit = line[0] >= 48 && line[0] <= 57
        let isFirstContent = !sawContent
        sawContent = true
        if !firstIsDigit, isFirstContent {
            var names: [String] = []
            for c in 0..<columns {
                var name = String(decoding: UnsafeRawBufferPointer(rebasing: line[fields[c]]), as: UTF8.self)
                name.removeAll { $0 == "\"" || $0 == " " }
                names.append(name)
            }
            layout = PublicDataLayout.fromHeader(names)
            return .header
        }
        let layout: PublicDataLayout
        if let known = self.layout {
            guard columns == known.columnCount else {
                return .malformed(.columnCount(found: columns, expected: known.columnCount))
            }
            layout = known
        } else {
            let sixthIsBoolean = columns > 5 && parseBool(line, fields[5]) != nil
            guard let detected = PublicDataLayout.fromRow(columnCount: columns, sixthColumnIsBoolean: sixthIsBoolean, hint: kindHint)
            else { return .malformed(.unknownLayout(columns: columns)) }
            layout = detected
        }
        let row = build(line, layout)
        if case .trade = row, self.layout == nil { self.layout = layout }
        if case .trade = row { tradeCount += 1 }
        return row
    }

    private mutating func build(_ line: UnsafeRawBufferPointer, _ layout: PublicDataLayout) -> Row {
        guard let id = DecimalParser.int64(line, fields[0]), id >= 0 else {
            return .malformed(.invalidInteger(column: layout.kind == .trades ? "id" : "aggId"))
        }
        let priceRange = fields[1], quantityRange = fields[2]
        switch decimal(line, priceRange) {
        case nil: return .malformed(.invalidDecimal(column: "price"))
        case false?: return .malformed(.nonPositivePrice)
        case true?: break
        }
        guard decimal(line, quantityRange) != nil else { return .malformed(.invalidDecimal(column: "qty")) }
        guard let rawTime = DecimalParser.int64(line, fields[layout.timeColumn]), rawTime > 0 else {
            return .malformed(.invalidInteger(column: "time"))
        }
        guard let maker = parseBool(line, fields[layout.makerColumn]) else {
            return .malformed(.invalidBoolean(column: "isBuyerMaker"))
        }
        var bestMatch: Bool?
        if layout.hasBestMatch {
            guard let value = parseBool(line, fields[layout.bestMatchColumn]) else {
                return .malformed(.invalidBoolean(column: "isBestMatch"))
            }
            bestMatch = value
        }
        let time = timestampUnit.convert(rawTime)
        let symbolBytes = UnsafeRawBufferPointer(rebasing: symbol[0..<symbolCount])
        let price = UnsafeRawBufferPointer(rebasing: line[priceRange])
        let quantity = UnsafeRawBufferPointer(rebasing: line[quantityRange])
        switch layout.kind {
        case .trades:
            builder.buildTrade(eventTime: time, symbol: symbolBytes, tradeID: id, price: price, quantity: quantity,
                               tradeTime: time, buyerIsMaker: maker, bestMatch: bestMatch)
        case .aggTrades:
            guard let first = DecimalParser.int64(line, fields[3]), first >= 0 else {
                return .malformed(.invalidInteger(column: "firstId"))
            }
            guard let last = DecimalParser.int64(line, fields[4]), last >= first else {
                return .malformed(.invalidInteger(column: "lastId"))
            }
            // The reader's rule, so every line written is one bnc-window accepts.
            guard WireLimits.isPlausibleAggTradeRange(first: first, last: last) else { return .malformed(.tradeCountOverflow) }
            builder.buildAggTrade(eventTime: time, symbol: symbolBytes, aggregateID: id, price: price, quantity: quantity,
                                  firstTradeID: first, lastTradeID: last, tradeTime: time,
                                  buyerIsMaker: maker, bestMatch: bestMatch)
        }
        return .trade(builder.line)
    }

    /// `digits(.digits)?` of at most `maxDecimalLength` bytes: nil if not, else whether it is nonzero.
    private func decimal(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool? {
        guard !range.isEmpty, range.count <= WireLimits.maxDecimalLength else { return nil }
        var digits = 0, dots = 0, nonzero = false
        var lastWasDot = false
        for i in range {
            let b = line[i]
            if b >= 48 && b <= 57 {
                digits += 1
                if b != 48 { nonzero = true }
                lastWasDot = false
            } else if b == UInt8(ascii: "."), digits > 0, dots == 0 {
                dots += 1
                lastWasDot = true
            } else {
                return nil
            }
        }
        guard !lastWasDot else { return nil }
        return nonzero
    }

    /// `true`/`false` in any letter case (the dumps write `True`/`False` or `true`/`false`).
    private func parseBool(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool? {
        func matches(_ word: StaticString) -> Bool {
            guard range.count == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for k in 0..<range.count where line[range.lowerBound + k] | 0x20 != w[k] { return false }
            return true
        }
        if matches("true") { return true }
        if matches("false") { return false }
        return nil
    }
}
