// bnc-stats watch's input side: the line decoder (our CSV / NDJSON, the original's CSV, the
// `reason` column), the episode tracker under options the input chooses, the alert JSON and
// variables, the live view at a size the input chooses, and the two small text formats it reads
// (--state files, Prometheus metrics).
import BNCCore
import ResultStats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWatchInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let first = size > 0 ? Int(bytes[0]) : 0
    var tracker = EpisodeTracker(.init(mergeGap: first & 3, minScore: first & 4 != 0 ? 0.6 : nil,
                                       cooldownMilliseconds: first & 8 != 0 ? 60_000 : 0))
    var board = WatchBoard(history: 16, maxAlerts: 4)
    var decoder = ScoredRowDecoder()
    var start = 0
    for i in 0...size where i == size || bytes[i] == 0x0A {
        let line = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
        start = i + 1
        switch decoder.decode(line) {
        case .row(let row):
            precondition(row.symbol.utf8.count <= 23)
            precondition(row.end.map { $0 > row.start } ?? true)
            let events = tracker.process(row)
            for event in events {
                let json = AlertEncoder.jsonLine(event, source: "fuzz")
                precondition(json.hasSuffix("}\n") && json.utf8.filter { $0 == 0x0A }.count == 1, "one JSON object on one line")
                _ = AlertEncoder.environment(event, source: nil)
                board.record(event)
            }
            board.record(row, anomalous: tracker.isAnomalous(row), episode: tracker.states[row.symbol]?.open)
        case .none, .bad:
            break
        }
    }
    let width = 20 + first % 200, height = 5 + first % 50
    let lines = LiveViewRenderer().render(board, feed: "feed: fuzz", width: width, height: height, now: 0)
    precondition(lines.count <= height && lines.allSatisfy { $0.text.count <= width })
    // The saved state reads back as itself.
    let saved = WatchStateFile.encode(tracker.states)
    precondition(WatchStateFile.decode(saved) == tracker.states)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = WatchStateFile.decode(text)
    _ = FeedMetrics(samples: FeedMetrics.parse(text[...]), modified: 0).summary(now: 0)
    return 0
}
