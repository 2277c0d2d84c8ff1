import BNCCore

/// The timestamped block `summary --append FILE` adds to a running log, like the original's
/// `analysis/score_summary.txt`: a header line with the UTC time and the inputs, then the
/// summary tables (without the histogram). Appended with one `write` on an `O_APPEND`
/// descriptor, so concurrent appenders never interleave and a block is never torn.
package enum SummaryBlock {
    package static func render(_ summary: SummaryAnalysis, inputs: [String], at time: String) -> String {
        var out = "==== bnc-stats summary · \(time) ====\n"
        out += "inputs: \(inputs.isEmpty ? "<stdin>" : inputs.joined(separator: ", "))\n"
        let text = summary.text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let cut = lines.firstIndex { $0.hasPrefix("score histogram") } ?? lines.count
        out += lines[..<cut].joined(separator: "\n")
        out += "\n"
        return out
    }

    /// The current time, ISO 8601 UTC.
    package static func now() -> String {
        UTCTime(epochMilliseconds: MonotonicClock.wallClockMilliseconds()).iso8601
    }

    package enum AppendError: ToolError {
        /// The file could not be created or opened (exit 73).
        case cannotCreate(errno: Int32)
        /// Writing the block failed (exit 74).
        case failed(errno: Int32)
        package var description: String {
            switch self {
            case .cannotCreate(let e): return "cannot create: " + String(cString: strerror(e))
            case .failed(let e): return String(cString: strerror(e))
            }
        }
        package var exitStatus: ExitStatus {
            switch self {
            case .cannotCreate: return .cannotCreate
            case .failed: return .ioError
            }
        }
    }

    /// Appends `block` in one write. Opening with `O_APPEND` never replaces what is there: a
    /// regular file grows, a FIFO or device is written to, a symlink is followed.
    package static func append(_ block: String, to path: String) throws(AppendError) {
        let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0o644) }
        guard fd >= 0 else { throw .cannotCreate(errno: errno) }
        defer { close(fd) }
        var block = block
        let error: Int32? = block.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return errno }
            }
            return nil
        }
        if let error { throw .failed(errno: error) }
    }
}
