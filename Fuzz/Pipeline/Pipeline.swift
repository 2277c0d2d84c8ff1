// The whole windowing side of the pipeline in process (issue 11): the fuzz input is a program of
// trades — extreme ids, times, sizes and symbols, aggTrade ranges, repeats, reorders, glitches and
// jumps — written as trade lines in the three layouts the reader has tiers for, read back with
// TradeLineParser and windowed by WindowAggregator. What must hold, whatever the input:
// no trap; per symbol the rows are whole windows in strictly increasing time; no `complete` row
// has missing or quarantined trades, nor is the symbol's first; a silence writes at most
// `maxSilence / window` blank rows in a row (so rows are bounded by the accepted span plus that
// limit); every trade line is exactly one of taken, duplicate, late, outlier; every accepted id is
// counted once (Σ trade_count ≤ the distinct ids read); the rows add up to the totals.
import BNCCore
import BNCWire
import Windowing

struct Program {
    let bytes: UnsafeRawBufferPointer
    var at = 0
    var isEmpty: Bool { at >= bytes.count }
    mutating func byte() -> UInt8 {
        guard at < bytes.count else { return 0 }
        defer { at += 1 }
        return bytes[at]
    }
    mutating func word() -> UInt64 {
        var w: UInt64 = 0
        for _ in 0..<8 { w = w << 8 | UInt64(byte()) }
        return w
    }
}

struct SymbolState {
    var lastID: Int64 = 1_000
    var lastTime: Int64 = 1_723_161_255_342
    var ranges: [(Int64, Int64)] = []
}

let symbols = ["BTCUSDT", "ethusdt", "ABCDEFGHIJKLMNOPQRSTUVW", "币安USDT"]
let prices = ["61837.63000000", "0.00000001", "99999999999999999999.5", "1", "340282366920938463463374607431768211456"]
let quantities = ["0.00000000", "0.04800000", "1", "123456789012345678901234567890.5", "0.000000000000000000000000001"]

func line(_ p: inout Program, _ symbol: String, _ agg: Bool, _ id: Int64, _ last: Int64, _ time: Int64) -> String {
    let price = prices[Int(p.byte()) % prices.count], quantity = quantities[Int(p.byte()) % quantities.count]
    let maker = p.byte() & 1 == 0 ? "true" : "false"
    let event = Int64(bitPattern: UInt64(bitPattern: time) &+ UInt64(p.byte()))
    switch (agg, p.byte() % 3) {
    case (false, 0):
        return #"{"e":"trade","E":\#(event),"s":"\#(symbol)","t":\#(id),"p":"\#(price)","q":"\#(quantity)","T":\#(time),"m":\#(maker),"M":true}"#
    case (false, 1):
        return #"{"t":\#(id),"e":"trade","E":\#(event),"s":"\#(symbol)","p":"\#(price)","q":"\#(quantity)","T":\#(time),"m":\#(maker)}"#
    case (false, _):
        return #"{"stream":"x@trade","data":{ "e" : "trade", "E":\#(event), "s":"\#(symbol)", "t":\#(id), "p":"\#(price)", "q":"\#(quantity)", "T":\#(time), "m":\#(maker) } }"#
    case (true, 0):
        return #"{"e":"aggTrade","E":\#(event),"s":"\#(symbol)","a":\#(id),"p":"\#(price)","q":"\#(quantity)","f":\#(id),"l":\#(last),"T":\#(time),"m":\#(maker),"M":true}"#
    case (true, _):
        return #"{ "e":"aggTrade", "E":\#(event), "s":"\#(symbol)", "a":7, "p":"\#(price)", "q":"\#(quantity)", "f":\#(id), "l":\#(last), "T":\#(time), "m":\#(maker) }"#
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeline(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var p = Program(bytes: UnsafeRawBufferPointer(start: data, count: size))
    let window = [Int64(1), 100, 1_000, 20_000, 3_600_000][Int(p.byte()) % 5]
    let lateness = [Int64(0), 1, 1_000, 5_000][Int(p.byte()) % 4]
    let maxJump = [Int64(10), 1_000, 600_000, 86_400_000][Int(p.byte()) % 4]
    let confirmations = Int(p.byte() % 8) + 1
    let silence = min([Int64(0), 1_000, 60_000, 3_600_000][Int(p.byte()) % 4], window * 1_000)
    let era = p.byte() & 1 == 0
    let configuration = WindowConfiguration(
        windowMilliseconds: window, latenessMilliseconds: lateness, timeField: p.byte() & 1 == 0 ? .trade : .event,
        maxJumpMilliseconds: maxJump, jumpConfirmations: confirmations, maxSilenceMilliseconds: silence,
        plausibleTimes: era ? WindowConfiguration.exchangeEra : WindowConfiguration.anyTime)
    var aggregator = WindowAggregator(configuration: configuration)
    var states = [String: SymbolState]()
    var rows: [WindowRow] = []
    var fed: Int64 = 0

    var steps = 0
    while !p.isEmpty && steps < 3_000 {
        steps += 1
        let op = p.byte()
        var text: String
        if op == 0xFF {
            // A raw line straight from the input.
            let n = Int(p.byte())
            var raw = [UInt8]()
            for _ in 0..<n { raw.append(p.byte()) }
            text = String(decoding: raw, as: UTF8.self)
            let trade: Trade? = raw.withUnsafeBytes { try? TradeLineParser.parse($0) }
            if let trade { fed += 1; aggregator.add(trade) { rows.append($0) } }
            _ = text
            continue
        }
        let symbol = symbols[Int(op & 3)]
        let agg = op & 4 != 0
        var s = states[symbol] ?? SymbolState()
        let arg = Int64(p.byte())
        var id: Int64
        switch p.byte() % 9 {
        case 0, 1, 2: id = s.lastID &+ 1
        case 3: id = s.lastID                                        // repeat
        case 4: id = max(0, s.lastID - arg)                          // reordered
        case 5: id = Int64(bitPattern: p.word() & 0x7FFF_FFFF_FFFF_FFFF)
        case 6: id = Int64.max
        case 7: id = 0
        default: id = s.lastID &+ arg &* 1_000_003                   // a gap
        }
        if id < 0 { id = Int64.max }
        var last = id
        if agg {
            switch p.byte() % 5 {
            case 0: last = id
            case 1: last = id &+ arg
            case 2: last = id &+ WireLimits.maxTradesPerAggTrade - 1
            case 3: last = id &+ WireLimits.maxTradesPerAggTrade
            default: last = Int64.max
            }
            if last < 0 { last = Int64.max }
        }
        var time: Int64
        switch p.byte() % 10 {
        case 0, 1, 2, 3: time = s.lastTime + arg
        case 4: time = s.lastTime - arg * 10
        case 5: time = s.lastTime + arg * 3_600_000                 // hours ahead
        case 6: time = max(0, s.lastTime - arg * 86_400_000)        // days behind
        case 7: time = s.lastTime / 1_000                           // seconds
        case 8: time = 4_102_444_800_000 + arg                      // 2100
        default: time = Int64(bitPattern: p.word() % 200_000_000_000_000)   // up to µs range
        }
        text = line(&p, symbol, agg, id, last, time)
        let breakSymbol = p.byte() == 0x7E
        s.lastID = id
        if time < WireLimits.microsecondThreshold { s.lastTime = time }
        var utf8 = Array(text.utf8)
        if breakSymbol {      // a byte that is never UTF-8 inside the symbol
            let key = Array(#""s":""#.utf8)
            if let at = (0..<(utf8.count - key.count)).first(where: { Array(utf8[$0..<$0 + key.count]) == key }) {
                utf8[at + key.count] = 0xFF
            }
        }
        if op & 0xF0 == 0xF0, !utf8.isEmpty {      // one byte of the line replaced
            let at = Int(p.byte()) % utf8.count
            utf8[at] = p.byte()
        }
        let trade: Trade? = utf8.withUnsafeBytes { try? TradeLineParser.parse($0) }
        if let trade {
            fed += 1
            var parsed = states[trade.symbol.description] ?? SymbolState()
            if trade.symbol.description != symbol { parsed.lastID = s.lastID; parsed.lastTime = s.lastTime }
            parsed.ranges.append((trade.firstTradeID, trade.lastTradeID))
            states[trade.symbol.description] = parsed
            if trade.symbol.description != symbol { states[symbol] = s } else {
                states[symbol]!.lastID = s.lastID; states[symbol]!.lastTime = s.lastTime
            }
            aggregator.add(trade) { rows.append($0) }
        } else {
            states[symbol] = s
        }
    }
    aggregator.finish { rows.append($0) }
    let totals = aggregator.totals

    // Accounting.
    precondition(totals.tradeLines + totals.duplicates + totals.lateTrades + totals.outlierTrades == fed,
                 "lines: \(totals) of \(fed)")
    precondition(rows.reduce(0) { $0 + $1.tradeCount } == totals.trades, "Σ trade_count ≠ trades")
    precondition(rows.reduce(0) { $0 + $1.duplicates } == totals.duplicates)
    precondition(rows.reduce(0) { $0 + $1.lateTrades } == totals.lateTrades)
    precondition(rows.reduce(0) { $0 + $1.outlierTrades } <= totals.outlierTrades)
    precondition(Int64(rows.count) == totals.rows)

    // Per symbol.
    var bySymbol = [Symbol: [WindowRow]]()
    for row in rows { bySymbol[row.symbol, default: []].append(row) }
    let silentLimit = silence / window
    for (symbol, list) in bySymbol {
        precondition(symbol.isValidUTF8, "a symbol that is not UTF-8 reached a row")
        var blankRun: Int64 = 0
        for (k, row) in list.enumerated() {
            precondition(row.end - row.start == window && row.start % window == 0, "not a whole window")
            if k > 0 { precondition(row.start > list[k - 1].start, "rows out of order or repeated") }
            precondition(row.tradeCount >= 0 && row.missingTrades >= 0 && row.outlierTrades >= 0)
            if row.complete {
                precondition(row.missingTrades == 0 && row.outlierTrades == 0, "complete row with missing or quarantined trades")
                precondition(k > 0, "a symbol's first row is complete")
            }
            if era { precondition(row.start >= 1_483_228_800_000 - window && row.end <= 4_102_444_800_000 + window) }
            if row.tradeCount > 0 {
                blankRun = 0
                precondition(row.open != nil && row.firstTradeID! <= row.lastTradeID!)
            } else if row.duplicates == 0 && row.lateTrades == 0 && row.outlierTrades == 0 {
                blankRun += 1
                precondition(blankRun <= silentLimit, "more blank rows in a row than --max-silence allows")
            }
        }
        // Every accepted trade counted once: no more than the distinct ids read for the symbol.
        let ranges = (states[symbol.description]?.ranges ?? []).sorted { $0.0 < $1.0 }
        var distinct: Int64 = 0, reach: Int64 = -1
        for (f, l) in ranges where l > reach {
            let from = max(f, reach &+ 1)
            let (n, o) = (l - from).addingReportingOverflow(1)
            distinct = o ? .max : distinct.addingReportingOverflow(n).overflow ? .max : distinct + n
            reach = l
        }
        precondition(list.reduce(0) { $0 + $1.tradeCount } <= distinct, "a trade counted twice")
    }
    return 0
}
