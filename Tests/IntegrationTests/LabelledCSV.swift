import Foundation

/// The ODDS datasets' CSV form, as `scripts/reference/iforest_reference.py` writes the rows it used.
enum LabelledCSV {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A numeric CSV with a header: the header, the rows of features (all columns but `label`), labels.
    static func read(_ url: URL) throws -> (features: [[Double]], labels: [Int]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n")
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        guard let labelColumn = header.firstIndex(of: "label") else { throw Failure(description: "no label column") }
        var features: [[Double]] = [], labels: [Int] = []
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            var row: [Double] = []
            for (i, c) in cells.enumerated() {
                guard let v = Double(c) else { throw Failure(description: "bad number \(c)") }
                if i == labelColumn { labels.append(Int(v)) } else { row.append(v) }
            }
            features.append(row)
        }
        return (features, labels)
    }
}
