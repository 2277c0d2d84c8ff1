/// A metrics file replaced whole on every write, as node_exporter's textfile collector requires:
/// the text goes to a temporary file in the same folder (`.NAME.PID.tmp`, which the collector
/// ignores: it reads only `*.prom`), then `rename(2)` puts it in place, so a scrape sees the old
/// file or the new one, never a half-written one. No fsync: after a power loss an older or empty
/// file is harmless, and a sync every few seconds for weeks would only wear the disk.
package struct MetricsFile: Sendable {
    package let path: String
    /// The temporary file: same folder (rename is atomic only within one file system).
    package let temporaryPath: String

    package init(path: String) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = folder + "." + name + "." + String(getpid()) + ".tmp"
    }

    /// Replaces the file's content with `text`.
    package func write(_ text: String) throws(MetricsFileError) {
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .write(path: path, errno: errno) }
        var failure: Int32 = 0
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { failure = n < 0 ? errno : EIO; return }
            }
        }
        if close(fd) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporaryPath)
            throw .write(path: path, errno: failure)
        }
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw .rename(path: path, errno: code)
        }
    }
}

/// `write(2)`, named so it does not clash with `MetricsFile.write` inside the type.
@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
