import BNCCore

/// Checks made before the first input line is read, so that a run that cannot keep what it
/// computes stops at once instead of at its first training, hours into a live run:
///
/// - the model file and the output file can be written (exit 73): neither is a folder, an existing
///   one is writable, and the folder exists and is writable where a file is created — always for
///   the model (saved through a rename), for the output only when it does not exist yet;
/// - `--output` and `--model` are not one file, compared by device and inode — `./m.bin` and
///   `m.bin`, a symlink and its target, a hard link — not by spelling (exit 64): the model's
///   atomic save would replace every CSV row written before it.
///
/// An output path with `%Y`/`%m`/`%d` is checked through its folder when that has no pattern in it.
package enum OutputPreflight {
    package static func check(options: ScoringOptions) throws(ScoringError) {
        if let model = options.modelPath { try writable(model, what: "--model", replaced: true) }
        if let output = options.outputPath {
            if RotatingFileSink.isPattern(output) {
                let folder = directory(of: output)
                if !RotatingFileSink.isPattern(folder) { try folderWritable(folder, for: output, what: "--output") }
            } else {
                try writable(output, what: "--output", replaced: false)
            }
        }
        if let output = options.outputPath, let model = options.modelPath, !RotatingFileSink.isPattern(output),
           let a = FileIdentity(path: output), let b = FileIdentity(path: model), a == b {
            throw .sameFile(output: output, model: model)
        }
    }

    /// A file path we will write: an existing non-folder we may write, or a new name in a
    /// writable folder. `replaced`: the file is replaced by a rename (the model), so its folder
    /// must be writable even when the file exists; an output file is only appended to.
    static func writable(_ path: String, what: String, replaced: Bool) throws(ScoringError) {
        var info = stat()
        if stat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { throw .cannotCreate(path: path, reason: "\(what): is a directory") }
            if access(path, W_OK) != 0 { throw .cannotCreate(path: path, reason: "\(what): \(String(cString: strerror(errno)))") }
            if !replaced { return }
        }
        try folderWritable(directory(of: path), for: path, what: what)
    }

    /// The model is saved through a temporary file renamed in its folder; a new output file is
    /// created there: the folder must exist and be writable.
    static func folderWritable(_ folder: String, for path: String, what: String) throws(ScoringError) {
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw .cannotCreate(path: path, reason: "\(what): folder \(folder) does not exist (\(String(cString: strerror(errno))))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .cannotCreate(path: path, reason: "\(what): \(folder) is not a folder")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw .cannotCreate(path: path, reason: "\(what): cannot write in folder \(folder) (\(String(cString: strerror(errno))))")
        }
    }

    /// `a/b/c` → `a/b`; `c` → `.`; `/c` → `/`.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = path[..<slash]
        return folder.isEmpty ? "/" : String(folder)
    }
}

/// Which file a path names: device and inode when it exists; otherwise the existing folder's
/// device and inode plus the name (a dangling symlink is followed to where it would create
/// its file). Two spellings of one file compare equal.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
    var name: String?

    init?(path: String) {
        var path = path
        var info = stat()
        for _ in 0..<40 {
            if stat(path, &info) == 0 {
                device = UInt64(info.st_dev)
                inode = UInt64(info.st_ino)
                name = nil
                return
            }
            // Missing: a dangling symlink points at the file a write would create.
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK,
                  let target = Self.readLink(path) else { break }
            path = target.hasPrefix("/") ? target : OutputPreflight.directory(of: path) + "/" + target
        }
        let folder = OutputPreflight.directory(of: path)
        guard stat(folder, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            path.withCString { readlink($0, b.baseAddress!, b.count) }
        }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}
