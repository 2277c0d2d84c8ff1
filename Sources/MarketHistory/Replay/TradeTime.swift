import BNCCore
import BNCWire

/// Reads the exchange trade time `T` of a trade line, bare or inside the combined-stream envelope
/// `{"stream":…,"data":{…}}`, validating the JSON on the way (DESIGN.md §1).
package enum TradeTime {
    /// `T` as written (epoch ms, or µs when ≥ `WireLimits.microsecondThreshold`), found with
    /// BNCWire's peek at the line.
    package static func read(_ line: UnsafeRawBufferPointer) -> Result<Int64, TradeTimeError> {
        let peek: TradeLinePeek
        do {
            peek = try TradeLinePeek(line)
        } catch {
            return .failure(.json(error))
        }
        do throws(TradeLineError) {
            let time = try peek.tradeTime(in: line)
            return time > 0 ? .success(time) : .failure(.invalidTradeTime)
        } catch {
            if case .missingField = error { return .failure(.missingTradeTime) }
            return .failure(.invalidTradeTime)
        }
    }
}
