import Foundation
@testable import Scoring

/// Collects encoded rows in memory.
final class RowCollector {
    var rows: [String] = []
    var flushes = 0
}

struct MemorySink: ResultSink {
    let collector: RowCollector
    mutating func write(row: [UInt8], windowStart: Int64) throws(ResultSinkError) {
        collector.rows.append(String(decoding: row, as: UTF8.self))
    }
    mutating func flush() throws(ResultSinkError) { collector.flushes += 1 }
    mutating func finish() throws(ResultSinkError) {}
}

/// Window rows for tests: a deterministic wobble with a spike every `spikeEvery` rows.
enum WindowRows {
    static func line(symbol: String = "BTCUSDT", index: Int, complete: Bool = true, spike: Bool = false,
                     start: Int64 = 1_772_294_480_000) -> String {
        let s = start + Int64(index) * 20_000
        let wobble = Double((index * 7919) % 97) / 97
        let count = spike ? 9000 : 1000 + Int(wobble * 400)
        let volume = spike ? 80.0 : 3 + wobble
        return #"{"symbol":"\#(symbol)","start":\#(s),"end":\#(s + 20_000),"trade_count":\#(count),"volume":\#(volume),"avg_trade_size":\#(volume / Double(count)),"price_return":\#((wobble - 0.5) * 1e-4),"price_volatility":\#(spike ? 90 : 5 + wobble * 3),"complete":\#(complete)}"#
    }

    static func feed(_ engine: ScoringEngine, _ lines: [String]) throws {
        for (i, l) in lines.enumerated() {
            var bytes = Array(l.utf8)
            try bytes.withUnsafeMutableBytes { raw in
                try engine.process(line: .text(UnsafeRawBufferPointer(raw)), lineNumber: i + 1, source: "test")
            }
        }
    }

    static func fields(_ csvRow: String) -> [String] {
        csvRow.dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
}
