// The trade-line scanner bnc-window reads every line with. It carries its own single-pass JSON
// scanner, so it is checked against the shared JSONObjectScanner: a line it accepts must be
// valid JSON, and an accepted trade must satisfy DESIGN.md §1's ranges.
import BNCCore
import BNCWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTradeLineParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    do throws(TradeLineError) {
        let trade = try TradeLineParser.parse(bytes)
        var valid = true
        do throws(JSONScanError) {
            try JSONObjectScanner.scan(bytes) { (_: JSONMember) throws(JSONScanError) in }
        } catch {
            valid = false
        }
        precondition(valid, "TradeLineParser accepted a line that is not a JSON object")
        precondition(trade.price > 0 && trade.price.isFinite, "non-positive price accepted")
        precondition(trade.quantity >= 0 && trade.quantity.isFinite, "negative quantity accepted")
        precondition(trade.tradeID >= 0 && trade.firstTradeID <= trade.lastTradeID)
        precondition(trade.tradeCount >= 1 && trade.hasPlausibleIDs, "an impossible id range accepted")
        precondition(trade.symbol.isValidUTF8, "a symbol that is not UTF-8 accepted")
        precondition(trade.tradeTime >= 0 && trade.eventTime >= 0, "negative time accepted")
        _ = trade.hashValue
    } catch {
        _ = error.description
    }
    return 0
}
