import BNCCore

/// Writes a finished document (the HTML report) to the path a user named, without ever replacing
/// something that is not a plain file:
///
/// * a **new path** or a **regular file**: written to a fresh temporary file beside it (created
///   with `O_EXCL`, so a planted name is never followed), synced, and renamed into place, so a
///   reader sees the old page or the new one, never half of one; a replaced file keeps its mode
///   (a writable file in a folder that is not writable is truncated and written in place);
/// * a **symlink** is followed, never replaced: onto a regular file, that file (the link's final
///   target) is replaced atomically as above and the link stays; onto anything else, the same rules
///   apply to the target; a dangling link gets its target created (like a shell's `>`);
/// * a **device node, FIFO or socket** (`/dev/null`, `/dev/stdout`, a named pipe): written straight
///   through (opened without `O_CREAT`/`O_TRUNC`) — renaming a file onto it would destroy the node;
/// * a **directory**: refused.
///
/// A path that cannot be created or opened is `ExitStatus.cannotCreate` (73); a failing write
/// (`/dev/full`, a full disk) is `ExitStatus.ioError` (74).
package enum ReportFile {
    package enum WriteError: ToolError, Equatable {
        /// Could not create or open the file (or its temporary), or rename it into place.
        case cannotCreate(String, errno: Int32)
        /// The path is a directory.
        case isDirectory
        /// Writing the bytes failed.
        case writeFailed(errno: Int32)

        package var description: String {
            switch self {
            case .cannotCreate(let what, let e): return "\(what): \(String(cString: strerror(e)))"
            case .isDirectory: return "is a directory: give a file name"
            case .writeFailed(let e): return "write failed: \(String(cString: strerror(e)))"
            }
        }

        package var exitStatus: ExitStatus {
            switch self {
            case .cannotCreate, .isDirectory: return .cannotCreate
            case .writeFailed: return .ioError
            }
        }
    }

    /// Writes `text` to `path` by the rules above.
    package static func write(_ text: String, to path: String) throws(WriteError) {
        var info = stat()
        if stat(path, &info) == 0 {   // follows symlinks: what the path finally names
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                // Replace the link's target, not the link: the real path of the file.
                guard let resolved = realpath(path, nil) else { throw .cannotCreate("cannot resolve the path", errno: errno) }
                let target = String(cString: resolved)
                free(resolved)
                try replaceAtomically(text, target, mode: info.st_mode & 0o7777)
            case S_IFDIR:
                throw .isDirectory
            default:
                try writeThrough(text, path, flags: O_WRONLY)
            }
            return
        }
        let statError = errno
        guard statError == ENOENT else { throw .cannotCreate("cannot open", errno: statError) }
        var link = stat()
        if lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK {
            // A dangling symlink: create what it names, through it.
            try writeThrough(text, path, flags: O_WRONLY | O_CREAT)
        } else {
            try replaceAtomically(text, path, mode: nil)
        }
    }

    /// A temporary file beside `path`, renamed onto it.
    private static func replaceAtomically(_ text: String, _ path: String, mode: mode_t?) throws(WriteError) {
        var temporary = ""
        var fd: Int32 = -1
        for attempt in 0..<100 {
            temporary = path + ".tmp-\(getpid())" + (attempt == 0 ? "" : "-\(attempt)")
            fd = temporary.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644) }
            if fd >= 0 || errno != EEXIST { break }
        }
        if fd < 0, mode != nil, errno == EACCES || errno == EPERM {
            // An existing file in a folder we may not write to (no temporary possible): replaced
            // in place, as a shell's `>` would — not atomic, but not refused either.
            try writeThrough(text, path, flags: O_WRONLY | O_TRUNC)
            return
        }
        guard fd >= 0 else { throw .cannotCreate("cannot create", errno: errno) }
        if let mode { _ = fchmod(fd, mode) }
        if let error = writeAll(text, fd) ?? (fsync(fd) == 0 ? nil : errno) {
            close(fd)
            unlink(temporary)
            throw .writeFailed(errno: error)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let e = errno
            unlink(temporary)
            throw .cannotCreate("cannot rename into place", errno: e)
        }
    }

    /// Opened and written in place: devices, FIFOs, and the target of a dangling link.
    private static func writeThrough(_ text: String, _ path: String, flags: Int32) throws(WriteError) {
        let fd = path.withCString { open($0, flags | O_CLOEXEC | O_NOCTTY, 0o644) }
        guard fd >= 0 else { throw .cannotCreate("cannot open", errno: errno) }
        let error = writeAll(text, fd)
        close(fd)
        if let error { throw .writeFailed(errno: error) }
    }

    /// The errno of a failing write, or nil when every byte went out.
    private static func writeAll(_ text: String, _ fd: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let k = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if k > 0 { offset += k } else if k < 0 && errno == EINTR { continue } else { return k == 0 ? EIO : errno }
            }
            return nil
        }
    }
}
