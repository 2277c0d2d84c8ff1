/// Writes diagnostics to stderr as `bnc-<tool>: <where>: <what>` (DESIGN.md §6), one line per
/// call with a single `write`, so lines from concurrent threads never interleave mid-line.
package struct Diagnostics: Sendable {
    package let tool: String

    package init(tool: String) { self.tool = tool }

    /// `where` names the place (`file:line`, `connection`, …); pass nil for a tool-wide message.
    package func report(_ location: String?, _ message: String) {
        var line = tool + ": "
        if let location, !location.isEmpty { line += location + ": " }
        line += message
        line += "\n"
        Diagnostics.writeStderr(line)
    }

    package static func writeStderr(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
    }

    /// Whether stderr is a terminal: long runs show progress only then, never on a pipe.
    package static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
