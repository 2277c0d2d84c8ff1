import Foundation

/// bnc-window runs for end-to-end tests, in both tiers: trade lines written to a file, the tool
/// run on them, its window rows parsed as JSON objects.
package enum WindowRows {
    /// One window row, key → JSON value.
    package typealias Row = [String: Any]

    /// A stdout line that is not a JSON object.
    package struct NotAnObject: Error, CustomStringConvertible {
        package let line: String
        package var description: String { "not a JSON object: \(line.prefix(200))" }
    }

    /// Writes `lines` (newline-terminated) to `directory/name`; returns the path.
    package static func write(_ lines: [String], in directory: URL, name: String = "trades.ndjson") throws -> String {
        let url = directory.appendingPathComponent(name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Every line of `text` as a row; throws at the first line that is not a JSON object.
    package static func parse(_ text: String) throws -> [Row] {
        try text.split(separator: "\n").map { line in
            guard let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? Row else {
                throw NotAnObject(line: String(line))
            }
            return row
        }
    }

    /// Runs the built bnc-window with `arguments`; its rows and the whole result.
    package static func run(_ arguments: [String]) throws -> (rows: [Row], result: ToolRunner.Result) {
        let result = try ToolRunner.run("bnc-window", arguments)
        return (try parse(result.stdoutText), result)
    }
}
