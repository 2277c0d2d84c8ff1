/// An input named on the command line: a path, or `-` (and no arguments at all) for stdin.
package struct InputFile: Sendable, Hashable {
    /// As given; `-` is stdin.
    package let path: String

    package init(_ path: String) { self.path = path }

    package static let standardInput = InputFile("-")

    /// `paths` as given, or stdin when there are none (DESIGN.md §6).
    package static func list(_ paths: [String]) -> [InputFile] {
        paths.isEmpty ? [.standardInput] : paths.map(InputFile.init)
    }

    package var isStandardInput: Bool { path == "-" }

    /// How diagnostics name this input.
    package var displayName: String { isStandardInput ? "<stdin>" : path }

    /// Opens for reading; the caller closes the descriptor unless it is stdin (0).
    package func open() throws(InputFileError) -> Int32 {
        if isStandardInput { return 0 }
        let fd = path.withCString { systemOpen($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        return fd
    }

    /// Runs `body` with a `LineReader` over this input, closing the file afterwards. An input
    /// that cannot be opened throws `.open`; `body`'s own errors (usually the `forEachLine`
    /// loop's) pass through unchanged.
    @discardableResult
    package func withLineReader<R, E: Error>(
        chunkSize: Int = 1 << 20, maxLineLength: Int,
        _ body: (inout LineReader) throws(LineInputError<E>) -> R
    ) throws(LineInputError<E>) -> R {
        let fd: Int32
        do { fd = try open() } catch { throw .open(error) }
        defer { if fd != 0 { close(fd) } }
        var reader = LineReader(fileDescriptor: fd, chunkSize: chunkSize, maxLineLength: maxLineLength)
        return try body(&reader)
    }
}

package enum InputFileError: ToolError, Sendable, Equatable {
    case cannotOpen(path: String, errno: Int32)

    package var exitStatus: ExitStatus { .ioError }

    package var description: String {
        switch self {
        case .cannotOpen(let path, let code): return "\(path): cannot open: \(String(cString: strerror(code)))"
        }
    }
}

@inline(__always) private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
    open(path, flags)
}
