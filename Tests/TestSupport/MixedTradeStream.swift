/// A made-up, reproducible trade-line file that holds everything the windowing must treat the
/// same however the file is cut into ranges for parallel parsing (bnc-window `--threads`): many
/// symbols interleaved, trades in Binance's exact layout and in other layouts (other key order,
/// spaces, CRLF, the combined-stream envelope, aggTrades), bad lines, lines longer than a small
/// range (and one over the 1 MiB cap), duplicates and late trades that arrive long after their
/// originals (so in another range), reordered neighbours, a time glitch, and a last line without
/// its newline.
package enum MixedTradeStream {
    /// The file's text for `symbols` symbols and about `trades` trade lines.
    package static func text(symbols: Int, trades: Int, seed: UInt64 = 1, oversized: Bool = true) -> String {
        var random = seed
        func next() -> UInt64 {
            // xorshift64*: tests need reproducible, not good, numbers.
            random ^= random >> 12; random ^= random << 25; random ^= random >> 27
            return random &* 2_685_821_657_736_338_717
        }
        func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        let names = (0..<symbols).map { "S\($0)USDT" }
        var nextID = [Int64](repeating: 1_000, count: symbols)
        var lines: [String] = []
        lines.reserveCapacity(trades + trades / 20)
        var time: Int64 = 1_723_161_255_000
        var sent: [String] = []
        for n in 0..<trades {
            time += Int64(below(40))
            // Skewed: a few symbols trade most of the time.
            let s = below(4) == 0 ? below(symbols) : below(min(symbols, 3))
            let id = nextID[s]
            nextID[s] += 1
            let price = "\(60_000 + below(500)).\(below(100))"
            let quantity = "0.\(below(100_000))"
            let maker = below(2) == 0
            var line: String
            switch below(40) {
            case 0:
                line = #"{"s":"\#(names[s])","e":"trade","t":\#(id),"T":\#(time),"E":\#(time + 1),"p":"\#(price)","q":"\#(quantity)","m":\#(maker)}"#
            case 1:
                line = #"{ "e" : "trade", "E" : \#(time + 1), "s" : "\#(names[s])", "t" : \#(id), "p" : "\#(price)", "q" : "\#(quantity)", "T" : \#(time), "m" : \#(maker), "M" : true }"# + "\r"
            case 2:
                line = #"{"stream":"\#(names[s].lowercased())@trade","data":{"e":"trade","E":\#(time + 1),"s":"\#(names[s])","t":\#(id),"p":"\#(price)","q":"\#(quantity)","T":\#(time),"m":\#(maker),"M":true}}"#
            case 3:
                let count = Int64(below(4))
                nextID[s] += count
                line = #"{"e":"aggTrade","E":\#(time + 1),"s":"\#(names[s])","a":\#(id / 2),"p":"\#(price)","q":"\#(quantity)","f":\#(id),"l":\#(id + count),"T":\#(time),"m":\#(maker),"M":true}"#
            default:
                line = #"{"e":"trade","E":\#(time + 1),"s":"\#(names[s])","t":\#(id),"p":"\#(price)","q":"\#(quantity)","T":\#(time),"m":\#(maker),"M":true}"#
            }
            lines.append(line)
            sent.append(line)
            switch below(200) {
            case 0: lines.append("garbage \(n)")
            case 1: lines.append(#"{"e":"trade","s":"\#(names[s])"}"#)
            case 2: lines.append("")
            case 3 where !sent.isEmpty: lines.append(sent[below(sent.count)])        // a duplicate, maybe long after
            case 4 where lines.count > 2: lines.swapAt(lines.count - 1, lines.count - 2)  // reordered
            case 5: nextID[s] += Int64(1 + below(5))                                   // a gap
            case 6:                                                                   // a line longer than a small range
                lines.append(#"{"e":"trade","E":\#(time),"s":"\#(names[s])","t":\#(nextID[s]),"p":"1.0","q":"1.0","T":\#(time),"m":true,"pad":"\#(String(repeating: "x", count: 5_000 + below(20_000)))"}"#)
                nextID[s] += 1
            case 7:                                                                   // a time glitch: seconds, not ms
                lines.append(#"{"e":"trade","E":\#(time / 1000),"s":"\#(names[s])","t":\#(nextID[s]),"p":"1.0","q":"1.0","T":\#(time / 1000),"m":true,"M":true}"#)
                nextID[s] += 1
            default: break
            }
            if n % 997 == 500 {
                // A late trade: an old time, with a new id.
                lines.append(#"{"e":"trade","E":\#(time - 90_000),"s":"\#(names[s])","t":\#(nextID[s]),"p":"\#(price)","q":"0.5","T":\#(time - 90_000),"m":false,"M":true}"#)
                nextID[s] += 1
            }
        }
        if oversized { lines.insert(#"{"e":"trade","pad":""# + String(repeating: "y", count: (1 << 20) + 10) + #""}"#, at: lines.count / 2) }
        // The last line has no newline.
        return lines.joined(separator: "\n")
    }
}
