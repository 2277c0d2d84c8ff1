import Foundation

/// Runs the Python reference scripts (`scripts/reference/`): only the integration tier calls it.
/// A missing python3 or package makes the calling test fail, never skip: CI installs them.
package enum ReferencePython {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    /// Runs `python3 <script> arguments…` (`script` relative to the package root, e.g.
    /// `scripts/reference/stats_reference.py`) in the package root and returns its stdout.
    package static func run(_ script: String, _ arguments: [String]) throws -> Data {
        let quoted = ([script] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let result = try ToolRunner.shell("python3 " + quoted.joined(separator: " "))
        guard result.status == 0 else {
            throw Failure(description: "\(script) exited \(result.status): \(result.stderrText)")
        }
        return result.stdout
    }

    /// `run` with the output as text.
    package static func text(_ script: String, _ arguments: [String]) throws -> String {
        String(decoding: try run(script, arguments), as: UTF8.self)
    }
}
