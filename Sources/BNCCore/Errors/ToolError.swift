/// An error that can end a tool: it knows the exit status it ends the process with (sysexits,
/// DESIGN.md §6) and its `description` is the diagnostic, `<where>: <what>` (the place first when
/// it has one, e.g. `trades.ndjson:12: …`). `ToolExit` turns it into the stderr line and the exit.
///
/// Every error type of the package conforms, so "which status does this end with?" has one answer
/// per case, next to the case. Errors that mean success (downstream closed the pipe) say
/// `.success`: the tool then ends quietly.
package protocol ToolError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}

extension ToolError {
    /// This error with `location` in front of its description (`stdout: write failed: …`), for
    /// errors whose own text does not name the place.
    package func at(_ location: String) -> LocatedError<Self> { LocatedError(location: location, error: self) }
}

/// A `ToolError` with the place it happened: `<location>: <description>`, same exit status.
package struct LocatedError<Base: ToolError>: ToolError {
    package let location: String
    package let error: Base

    package init(location: String, error: Base) {
        self.location = location
        self.error = error
    }

    package var description: String { location.isEmpty ? error.description : "\(location): \(error.description)" }
    package var exitStatus: ExitStatus { error.exitStatus }
}

extension LocatedError: Sendable where Base: Sendable {}
extension LocatedError: Equatable where Base: Equatable {}
