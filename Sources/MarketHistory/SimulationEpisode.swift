import BNCCore
import Foundation

/// An anomaly the simulator plants in its synthetic market, as written to the labels file.
public struct SimulationEpisode: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Arrivals several times faster than the regime's (`magnitude` = the rate factor).
        case volumeBurst = "volume_burst"
        /// The price runs several percent in seconds, then gives back half
        /// (`magnitude` = the signed peak move as a fraction, e.g. -0.045).
        case flashMove = "flash_move"
        /// No trades at all (`magnitude` = 0).
        case silence
        /// Trades tens of times larger than usual (`magnitude` = the size factor).
        case hugeTrades = "huge_trades"
    }

    public var kind: Kind
    /// `[start, end)` in epoch milliseconds.
    public var start: Int64
    public var end: Int64
    public var magnitude: Double

    public init(kind: Kind, start: Int64, end: Int64, magnitude: Double) {
        self.kind = kind; self.start = start; self.end = end; self.magnitude = magnitude
    }

    public func contains(_ time: Int64) -> Bool { time >= start && time < end }

    /// The labels file: a JSON array, one episode per line, in time order:
    /// `{"kind":"volume_burst","start":…,"end":…,"start_iso":"…","end_iso":"…","magnitude":…}`.
    public static func labelsJSON(_ episodes: [SimulationEpisode]) -> String {
        var text = "[\n"
        for (i, episode) in episodes.enumerated() {
            text += "  {\"kind\":\"\(episode.kind.rawValue)\",\"start\":\(episode.start),\"end\":\(episode.end)"
            text += ",\"start_iso\":\"\(UTCTime(epochMilliseconds: episode.start).iso8601)\""
            text += ",\"end_iso\":\"\(UTCTime(epochMilliseconds: episode.end).iso8601)\""
            text += ",\"magnitude\":\(formatMagnitude(episode.magnitude))}"
            text += i == episodes.count - 1 ? "\n" : ",\n"
        }
        text += "]\n"
        return text
    }

    /// Four decimals, written without `Double.description` so the file is the same everywhere.
    static func formatMagnitude(_ value: Double) -> String {
        let scaled = Int64((abs(value) * 10_000).rounded())
        let fraction = String(scaled % 10_000)
        return (value < 0 && scaled != 0 ? "-" : "") + "\(scaled / 10_000)."
            + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}

extension SimulationEpisode {
    /// Writes `labelsJSON(episodes)` to `path` (through a temporary file renamed into place, so a
    /// reader never sees half a file).
    public static func writeLabels(_ episodes: [SimulationEpisode], to path: String) throws {
        try labelsJSON(episodes).write(toFile: path, atomically: true, encoding: .utf8)
    }
}
