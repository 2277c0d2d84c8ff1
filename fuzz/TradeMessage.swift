// fuzz-modules: BNCCore TradeFormat MarketStream
// bnc-stream's classifier for every text message from the exchange: trade (written out as one
// line), serverShutdown, other, or invalid. A message classified as a trade is written verbatim
// followed by '\n', so its payload must lie inside the message and must not hold a raw line break
// (JSON allows '\n' as whitespace; written verbatim it would tear the line in two).
import BNCCore
import TradeFormat
import MarketStream

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTradeMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let message = TradeMessage.inspect(bytes)
    precondition(message.payload.lowerBound >= 0 && message.payload.upperBound <= size)
    guard case .trade = message.kind else { return 0 }
    precondition(message.symbol.lowerBound >= message.payload.lowerBound && message.symbol.upperBound <= message.payload.upperBound)
    precondition(message.id >= 0, "negative trade id accepted: \(message.id)")
    let payload = UnsafeRawBufferPointer(rebasing: bytes[message.payload])
    precondition(!payload.contains(0x0A) && !payload.contains(0x0D),
                 "trade payload holds a raw line break; written verbatim it becomes two lines")
    return 0
}
