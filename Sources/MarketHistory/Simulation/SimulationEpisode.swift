import BNCCore

/// An anomaly the simulator plants in its synthetic market, as written to the labels file.
package struct SimulationEpisode: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
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

    package var kind: Kind
    /// `[start, end)` in epoch milliseconds.
    package var start: Int64
    package var end: Int64
    package var magnitude: Double

    package init(kind: Kind, start: Int64, end: Int64, magnitude: Double) {
        self.kind = kind; self.start = start; self.end = end; self.magnitude = magnitude
    }

    package func contains(_ time: Int64) -> Bool { time >= start && time < end }

    /// The labels file: a JSON array, one episode per line, in time order:
    /// `{"kind":"volume_burst","start":…,"end":…,"start_iso":"…","end_iso":"…","magnitude":…}`.
    package static func labelsJSON(_ episodes: [SimulationEpisode]) -> String {
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
    /// Writes `labelsJSON(episodes)` to `path` through a temporary file beside it
    /// (`.NAME.partial`), fsynced and renamed into place, so a reader never sees half a file. On
    /// failure the temporary file is removed and an existing `path` is left as it was.
    package static func writeLabels(_ episodes: [SimulationEpisode], to path: String) throws(LabelsFileError) {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let temporary = String(path[..<slash]) + "." + String(path[slash...]) + ".partial"
        let fd = temporary.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw .cannotCreate(path: path, errno: errno) }
        var bytes = Array(labelsJSON(episodes).utf8)
        let failure: Int32? = bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return n < 0 ? errno : EIO }
            }
            return fsync(fd) == 0 ? nil : errno
        }
        close(fd)
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, errno: failure)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .renameFailed(path: path, errno: code)
        }
    }
}
