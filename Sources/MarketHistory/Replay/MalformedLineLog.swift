import BNCCore

/// Counts skipped lines of one input and reports the first few to stderr as
/// `bnc-stream: <file>:<line>: <reason>`, so a bad file is visible without flooding the terminal.
package struct MalformedLineLog: Sendable {
    package let location: String
    package let reportLimit: Int
    package private(set) var count = 0
    private let diagnostics: Diagnostics

    package init(location: String, diagnostics: Diagnostics, reportLimit: Int = 5) {
        self.location = location
        self.diagnostics = diagnostics
        self.reportLimit = reportLimit
    }

    package mutating func record(line: Int, _ reason: CustomStringConvertible) {
        count += 1
        if count <= reportLimit { diagnostics.report("\(location):\(line)", reason.description) }
    }

    /// Prints the total, if anything was skipped.
    package func reportTotal(noun: String = "lines") {
        guard count > 0 else { return }
        diagnostics.report(location, "\(count) malformed \(count == 1 ? String(noun.dropLast()) : noun) skipped")
    }
}
