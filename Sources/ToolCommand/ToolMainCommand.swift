import ArgumentParser
import BNCCore

/// The root command of a bnc tool. Conforming (instead of plain `ParsableCommand`) gives the
/// command this `main()`, which parses like ArgumentParser's own but reports a command-line error
/// the way every other bnc diagnostic is reported:
///
///     bnc-score: --train-windows: -5 is out of range (a negative number)
///     Usage: bnc-score [--model <model>] …
///       See 'bnc-score --help' for more information.
///
/// on stderr, exit 64 — never `Error: …`, never a negative number taken for a missing value, never
/// a huge value echoed back whole (`CommandLineErrorText.maxEchoedValue`). `--help`, `--version`
/// and the like are ArgumentParser's, unchanged (stdout, exit 0).
package protocol ToolMainCommand: ParsableCommand {}

extension ToolMainCommand {
    /// Parses `CommandLine.arguments`, runs the command, and reports a command-line error as above.
    package static func main() {
        main(Array(CommandLine.arguments.dropFirst()))
    }

    /// `main()` on `arguments` (without the program name).
    package static func main(_ arguments: [String]) {
        var arguments = arguments
        var command: ParsableCommand
        while true {
            do {
                command = try parseAsRoot(arguments)
                break
            } catch {
                // `--opt -5`: ArgumentParser takes `-5` for an option and reports the value of
                // `--opt` as missing. Give it as `--opt=-5` and parse again, so the value reaches
                // the option's own checks (and its range error).
                if let fixed = CommandLineErrorText.joiningNegativeValue(message(for: error), in: arguments) {
                    arguments = fixed
                    continue
                }
                fail(error)
            }
        }
        do {
            try command.run()
        } catch {
            fail(error)
        }
    }

    private static func fail(_ error: Error) -> Never {
        let code = exitCode(for: error)
        // Help, version, completion scripts, an `ExitCode` thrown on purpose: ArgumentParser's own.
        if code == .success || error is ExitCode { exit(withError: error) }
        let message = message(for: error)
        let full = fullMessage(for: error)
        let prefix = _errorPrefix + message + "\n"
        let hint = full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : ""
        let tool = configuration.commandName ?? "bnc"
        var text = tool + ": " + CommandLineErrorText.format(message)
        if !hint.isEmpty { text += "\n" + CommandLineErrorText.truncatingQuotedValues(hint) }
        if !text.hasSuffix("\n") { text += "\n" }
        Diagnostics.writeStderr(text)
        ToolExit.terminate(.usage)
    }
}
