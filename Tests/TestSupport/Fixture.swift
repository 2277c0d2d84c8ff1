import Foundation

/// The real-data slices in `Tests/Fixtures` (see its README for where each was cut from).
package enum Fixture {
    /// The first 1,000 `@trade` messages of the 2023-04-05 capture (older payload with `b`/`a`),
    /// one combined-stream envelope per line.
    package static let trades2023 = "btcusdt-trades-20230405.ndjson"
    /// The first 1,000 `@trade` messages of the 2024-08-08 capture, one envelope per line.
    package static let trades2024 = "btcusdt-trades-20240808.ndjson"
    /// 600 window rows (DESIGN.md §2) of the original project's live run, crossing midnight UTC
    /// after the 400th row.
    package static let seedRunWindows = "seed-run-windows.ndjson"
    /// `bnc-window --window 5s` on `trades2023` / `trades2024`, written by the tool before heartbeat
    /// lines existed (commit c8191d5): trade-only input must still give exactly these bytes.
    package static let windows5s2023 = "btcusdt-windows-5s-20230405.ndjson"
    package static let windows5s2024 = "btcusdt-windows-5s-20240808.ndjson"

    /// A hand-written `GET /api/v3/exchangeInfo` answer (8 symbols; see the README).
    package static let exchangeInfo = "exchangeinfo-spot-sample.json"

    package static func url(_ name: String) -> URL { PackagePaths.fixtures.appendingPathComponent(name) }

    package static func path(_ name: String) -> String { url(name).path }

    package static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    /// The fixture's lines, without their newlines.
    package static func lines(_ name: String) throws -> [String] {
        try String(contentsOf: url(name), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The `data` objects of a capture fixture's envelopes: the payloads exactly as Binance sent them.
    package static func payloads(_ name: String) throws -> [String] {
        try lines(name).compactMap { line in
            guard let start = line.range(of: "\"data\":")?.upperBound else { return nil }
            return String(line[start..<line.index(before: line.endIndex)])
        }
    }
}
