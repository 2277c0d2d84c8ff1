// bnc-stream's classifier for every text message from the exchange: trade (written out as one
// line), serverShutdown, other, or invalid. A message classified as a trade is written followed by
// '\n', with any CR/LF in it (JSON allows them as whitespace) written as spaces (LiveFeed.deliver):
// so its payload must lie inside the message, and with CR/LF turned into spaces it must still be one
// valid JSON object — i.e. no CR/LF can sit inside a string, where a space would change the value.
import BNCCore
import BNCWire
import MarketStream

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTradeMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let message = TradeMessage.inspect(bytes)
    precondition(message.payload.lowerBound >= 0 && message.payload.upperBound <= size)
    guard case .trade = message.kind else { return 0 }
    precondition(message.symbol.lowerBound >= message.payload.lowerBound && message.symbol.upperBound <= message.payload.upperBound)
    precondition(message.id >= 0, "negative trade id accepted: \(message.id)")
    let written = bytes[message.payload].map { $0 == 0x0A || $0 == 0x0D ? UInt8(ascii: " ") : $0 }
    var valid = true
    written.withUnsafeBytes { line in
        do throws(JSONScanError) {
            try JSONObjectScanner.scan(line) { (_: JSONMember) throws(JSONScanError) in }
        } catch {
            valid = false
        }
    }
    precondition(valid, "the line written for a trade message is not one JSON object")
    return 0
}
