// Binance public-data CSV rows (trades and aggTrades, with or without header) to trade lines.
// Every trade line the converter writes must parse back with TradeLineParser — the converter's
// output is bnc-window's input — and nothing may trap on any row.
import BNCCore
import BNCWire
import MarketHistory

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPublicDataConverter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let kinds: [PublicDataKind?] = [nil, .trades, .aggTrades]
    let kind = kinds[Int(input[0] % 3)]
    let unit = TimestampUnit.allCases[Int(input[0] >> 2) % TimestampUnit.allCases.count]
    var converter = PublicDataConverter(symbol: "btcusdt", kind: kind, timestampUnit: unit)
    var splitter = LineSplitter(maxLineLength: 4096)
    func handle(_ line: LineSplitter.Line, _ number: Int) -> Bool {
        guard case .text(let bytes) = line else { return true }
        switch converter.convert(bytes) {
        case .trade(let out):
            precondition(out.count > 0 && out[out.count - 1] == 0x0A, "trade line without its newline")
            let body = UnsafeRawBufferPointer(rebasing: out[0..<(out.count - 1)])
            do throws(TradeLineError) {
                _ = try TradeLineParser.parse(body)
            } catch {
                preconditionFailure("converter wrote a line bnc-window rejects: \(error) — \(String(decoding: body, as: UTF8.self))")
            }
        default:
            break
        }
        return true
    }
    splitter.push(UnsafeRawBufferPointer(rebasing: input[1...]), handle)
    splitter.finish(handle)
    return 0
}
