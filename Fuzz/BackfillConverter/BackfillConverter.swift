// The REST backfill reader: Binance's `historicalTrades` / `aggTrades` JSON arrays become trade
// lines that bnc-stream writes before the live trades. Whatever the REST server sends, every line
// produced must be one valid JSON object on one line (no raw newline), so bnc-window can never
// see a torn or merged line; the first byte chooses trade or aggTrade.
import BNCCore
import BNCWire
import MarketStream

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBackfillConverter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let kind: StreamKind = input[0] & 1 == 0 ? .trade : .aggTrade
    let json = UnsafeRawBufferPointer(rebasing: input[1...])
    do {
        try BackfillConverter.convert(json, symbol: "BTCUSDT", kind: kind) { id, line in
            precondition(!line.contains(0x0A) && !line.contains(0x0D), "backfill line contains a raw line break")
            var valid = true
            do throws(JSONScanError) {
                try JSONObjectScanner.scan(line) { (_: JSONMember) throws(JSONScanError) in }
            } catch {
                valid = false
            }
            precondition(valid, "backfill produced a line that is not a JSON object: \(String(decoding: line, as: UTF8.self))")
            if let trade = try? TradeLineParser.parse(line) {
                precondition(trade.tradeID == id || trade.kind == .aggTrade)
            }
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}
