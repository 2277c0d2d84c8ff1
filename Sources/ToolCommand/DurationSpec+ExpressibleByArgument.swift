import ArgumentParser
import BNCCore

/// `--window 20s`, `--idle-timeout 500ms`: a `DurationSpec` option parses with `DurationSpec(_:)`
/// and shows its default in `--help` in the same shortest spelling it accepts.
extension DurationSpec: ExpressibleByArgument {
    package init?(argument: String) { self.init(argument) }

    package var defaultValueDescription: String { description }
}
