/// Rewrites ArgumentParser's error messages into bnc's diagnostic form, `<option>: <what>`, and
/// keeps what they echo short. Pure text functions, so the rules are tested without a process.
package enum CommandLineErrorText {
    /// Longest value (or other quoted text) echoed back in a message; longer ones are cut to this
    /// many characters followed by `…`, so a 100 KB argument does not come back in full.
    package static let maxEchoedValue = 64

    /// `message` (ArgumentParser's `message(for:)`) as `<option>: <what>`, values truncated:
    /// - `Missing value for '--x <x>'` → `--x: missing value`
    /// - `The value 'v' is invalid for '--x <x>'[: why]` → `--x: 'v' is not a valid value[: why]`,
    ///   or, for a negative number, `--x: -5 is out of range (a negative number)`
    /// - `Unknown option '--x'` → `--x: unknown option`
    /// - a validation message that starts with an option name (`--x must be …`) → `--x: must be …`
    /// Anything else is kept as it is. Quoted values are cut to `maxEchoedValue`, lines to four times that.
    package static func format(_ message: String) -> String {
        let limit = maxEchoedValue * 4
        return rewrite(message).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.count <= limit ? String($0) : String($0.prefix(limit)) + "…" }
            .joined(separator: "\n")
    }

    private static func rewrite(_ message: String) -> String {
        let text = message.hasSuffix(".") && !message.hasSuffix("..") ? String(message.dropLast()) : message
        if let rest = text.dropPrefix("Missing value for '"), let option = optionName(rest) {
            return "\(option): missing value"
        }
        if let rest = text.dropPrefix("The value '"), let end = rest.firstRange(of: "' is invalid for '") {
            let value = String(rest[..<end.lowerBound])
            let after = rest[end.upperBound...]
            if let option = optionName(after) {
                var why = ""
                if let close = after.firstIndex(of: "'") {
                    let tail = after[after.index(after: close)...]
                    if tail.hasPrefix(": ") { why = String(tail) }
                }
                if isNegativeNumber(value) {
                    return "\(option): \(truncated(value)) is out of range (a negative number)"
                }
                return truncatingQuotedValues("\(option): '\(truncated(value))' is not a valid value\(why)")
            }
        }
        if let rest = text.dropPrefix("Unknown option '"), let close = rest.firstIndex(of: "'") {
            // ArgumentParser may add ". Did you mean '--model'?": kept, as a parenthesis.
            var tail = rest[rest.index(after: close)...].drop { $0 == "." || $0 == " " }
            if let first = tail.first { tail = Substring(first.lowercased()) + tail.dropFirst() }
            let suggestion = tail.isEmpty ? "" : " (\(tail))"
            return truncatingQuotedValues("\(truncated(String(rest[..<close]))): unknown option\(suggestion)")
        }
        if text.hasPrefix("--"), let space = text.firstIndex(of: " ") {
            let option = text[..<space]
            if option.dropFirst(2).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                return truncatingQuotedValues("\(option): \(text[text.index(after: space)...])")
            }
        }
        return truncatingQuotedValues(text)
    }

    /// For `Missing value for '--x <x>'` where the argument after `--x` is a negative number:
    /// `arguments` with the two joined as `--x=-5`; nil otherwise.
    package static func joiningNegativeValue(_ message: String, in arguments: [String]) -> [String]? {
        guard let rest = message.dropPrefix("Missing value for '"), let option = optionName(rest) else { return nil }
        guard let i = arguments.firstIndex(of: option), i + 1 < arguments.count,
              isNegativeNumber(arguments[i + 1]) else { return nil }
        var fixed = arguments
        fixed.replaceSubrange(i...(i + 1), with: ["\(option)=\(arguments[i + 1])"])
        return fixed
    }

    /// `-5`, `-0.5`, `-1e9`, and negative durations such as `-1s`: what a user means as a
    /// (negative) value, not an option — no option name starts with a digit or a dot.
    package static func isNegativeNumber(_ text: String) -> Bool {
        guard text.count > 1, text.hasPrefix("-") else { return false }
        let body = text.dropFirst()
        guard let first = body.first, first.isASCII, first.isNumber || first == "." else { return false }
        return true
    }

    /// `text` cut to `maxEchoedValue` characters plus `…`.
    package static func truncated(_ text: String) -> String {
        text.count <= maxEchoedValue ? text : String(text.prefix(maxEchoedValue)) + "…"
    }

    /// Every `'…'` span longer than `maxEchoedValue` cut down.
    package static func truncatingQuotedValues(_ text: String) -> String {
        var out = ""
        var quoted: String?
        for c in text {
            if var q = quoted {
                if c == "'" {
                    out += "'" + truncated(q) + "'"
                    quoted = nil
                } else {
                    q.append(c)
                    quoted = q
                }
            } else if c == "'" {
                quoted = ""
            } else {
                out.append(c)
            }
        }
        if let q = quoted { out += "'" + truncated(q) }
        return out
    }

    /// `--x` from `--x <x>'…` or `--x'…` (ArgumentParser's synopsis of the option).
    private static func optionName(_ text: Substring) -> String? {
        guard text.hasPrefix("-") else { return nil }
        let end = text.firstIndex { $0 == " " || $0 == "'" } ?? text.endIndex
        return String(text[..<end])
    }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? self[index(startIndex, offsetBy: prefix.count)...] : nil
    }
}

extension Substring {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? self[index(startIndex, offsetBy: prefix.count)...] : nil
    }
}
