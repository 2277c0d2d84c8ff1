/// The one mapping from an error that ends a tool to the end of the process: the stderr line
/// `bnc-<tool>: <where>: <what>` and the exit status. Every command's `run()` goes through
/// `ToolExit.run(tool:_:)`, and an error's status is its `ToolError.exitStatus`; the only other
/// way out is `exit(_:)`, for a run that reports as it goes and hands back a status (bnc-window's
/// inputs, the live feed's thread).
package enum ToolExit {
    /// The exit status `error` ends a tool with: a `ToolError`'s own; anything else (an error of a
    /// library outside bnc) is an I/O failure, 74.
    package static func status(for error: any Error) -> ExitStatus {
        (error as? any ToolError)?.exitStatus ?? .ioError
    }

    /// The diagnostic for `error` without the tool prefix (`<where>: <what>`), nil when the error
    /// means a quiet success (downstream closed the pipe).
    package static func message(for error: any Error) -> String? {
        if status(for: error) == .success { return nil }
        if let error = error as? any ToolError { return error.description }
        return String(describing: error)
    }

    /// Writes the diagnostic for `error` (if any) on stderr as `tool: <where>: <what>` and returns
    /// the status to exit with.
    @discardableResult
    package static func report(_ error: any Error, tool: String) -> ExitStatus {
        if let message = message(for: error) { Diagnostics(tool: tool).report(nil, message) }
        return status(for: error)
    }

    /// Runs a command's body. An error it throws is reported once on stderr and ends the process
    /// with its status; a quiet success (downstream closed) returns, so the command ends with 0.
    package static func run(tool: String, _ body: () throws -> Void) {
        do { try body() } catch { exit(report(error, tool: tool)) }
    }

    /// Ends the process with `status`; returns for `.success`, so the caller ends normally. For a
    /// body whose work reports its own diagnostics and hands back a status (a run that goes on
    /// after a bad input, the live feed's thread).
    package static func exit(_ status: ExitStatus) {
        guard status != .success else { return }
        systemExit(status.rawValue)
    }
}

extension ToolExit {
    /// Ends the process with `status`, whatever it is (a usage error found before any work).
    package static func terminate(_ status: ExitStatus) -> Never { systemExit(status.rawValue) }
}

@inline(__always) private func systemExit(_ code: Int32) -> Never { exit(code) }
