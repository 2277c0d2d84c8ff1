import ArgumentParser
import BNCCore
import BNCWire
import MarketHistory
import ToolCommand

/// `bnc-stream record`: trade lines in, one file per symbol and exchange day out
/// (`DIR/SYMBOL-YYYY-MM-DD.ndjson`), optionally compressed once the day is over, optionally
/// passed on to stdout so a live pipeline can record and analyse at once.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Append trade lines to daily files DIR/SYMBOL-YYYY-MM-DD.ndjson by exchange date.",
        discussion: "Reads trade lines (from bnc-stream, a recording, or a combined-stream capture) and "
            + "appends each one whole, with a single write, to the file of its symbol and UTC trade date. "
            + "Envelopes ({\"stream\":…,\"data\":{…}}) are stored as their data object. A day is closed "
            + "(fsynced, then compressed with --compress) once a trade past the next midnight plus --close-after "
            + "arrives, or at exit when that moment has passed by the wall clock. Lines that are not trades are "
            + "counted and skipped. A trade whose id (t, or a of an aggTrade) its daily file already holds — from an "
            + "earlier run over the same trades, or twice in the input — is not written again; the count is reported.\n\n"
            + "Example: bnc-stream btcusdt ethusdt | bnc-stream record --dir data/trades --compress zstd")

    @Option(name: .customLong("dir"), help: ArgumentHelp("Directory for the daily files (created if missing).", valueName: "DIR"))
    var directory: String

    @Option(help: ArgumentHelp("Compress each closed day: zstd or gzip (needs the program on PATH).", valueName: "zstd|gzip"))
    var compress: String?

    @Option(name: .customLong("close-after"),
            help: "How long after midnight (exchange time) a day stays open for late trades.")
    var closeAfter: DurationSpec = DurationSpec(milliseconds: 300_000)

    @Flag(help: "Also copy every input line, unchanged, to stdout (to feed bnc-window at the same time).")
    var tee = false

    @Flag(help: "Print no summary line at the end.")
    var quiet = false

    @Argument(help: ArgumentHelp("Trade-line files to read in order; none or - reads stdin.", valueName: "FILE"))
    var files: [String] = []

    func validate() throws {
        if let compress {
            guard let method = DailyTradeFiles.Compression(rawValue: compress) else {
                throw ValidationError("--compress must be zstd or gzip, not '\(compress)'")
            }
            guard method.isAvailable else {
                throw ValidationError("--compress \(compress): '\(method.program)' is not on PATH")
            }
        }
        if directory.isEmpty { throw ValidationError("--dir must not be empty") }
    }

    mutating func run() {
        ToolExit.run(tool: "bnc-stream") {
            SignalTrap.install()
            let diagnostics = Diagnostics(tool: "bnc-stream")
            let recorder: DailyTradeFiles
            do throws(DailyTradeFilesError) {
                recorder = try DailyTradeFiles(
                    directory: directory, compression: compress.flatMap(DailyTradeFiles.Compression.init(rawValue:)),
                    closeAfterMilliseconds: closeAfter.milliseconds, diagnostics: diagnostics)
            } catch {
                throw RecordError.files(error)
            }
            // A failed input ends the reading, but the days recorded so far are still closed and
            // the summary still printed: both failures are reported, the status is the last one's.
            var status = ExitStatus.success
            do { try record(into: recorder, diagnostics: diagnostics) } catch {
                status = ToolExit.report(error, tool: "bnc-stream")
            }
            do throws(DailyTradeFilesError) { try recorder.finish() } catch {
                status = ToolExit.report(RecordError.files(error), tool: "bnc-stream")
            }
            let stats = recorder.statistics
            // Said even with --quiet: it explains why fewer lines were stored than were read.
            if stats.duplicatesSkipped > 0 {
                diagnostics.report("record", "\(stats.duplicatesSkipped) trade(s) already in the daily files were not written again")
            }
            if !quiet {
                var summary = "\(stats.linesWritten) lines recorded in \(stats.filesOpened) file(s)"
                if stats.linesSkipped > 0 { summary += ", \(stats.linesSkipped) skipped (not trade lines)" }
                if stats.lateLines > 0 { summary += ", \(stats.lateLines) late for a closed day" }
                if stats.filesCompressed > 0 { summary += ", \(stats.filesCompressed) day(s) compressed" }
                if stats.compressionFailures > 0 { summary += ", \(stats.compressionFailures) compression failure(s)" }
                diagnostics.report("record", summary)
            }
            ToolExit.exit(status)
        }
    }

    /// Appends every input line to its daily file (and, with `--tee`, to stdout) until the end of
    /// the inputs or a signal.
    private func record(into recorder: DailyTradeFiles, diagnostics: Diagnostics) throws(RecordError) {
        let output = tee ? OutputBuffer(fileDescriptor: 1) : nil
        var teeing = tee
        var reported = 0
        for input in InputFile.list(files) {
            let finished: Bool
            do throws(LineInputError<RecordError>) {
                finished = try input.withLineReader(maxLineLength: WireLimits.maxLineLength) { reader throws(LineInputError<RecordError>) in
                    try reader.forEachLine { line, number throws(RecordError) in
                        guard case .text(let bytes) = line else {
                            if case .oversized(let length) = line {
                                reported += 1
                                if reported <= 5 {
                                    diagnostics.report("\(input.displayName):\(number)", "line of \(length) bytes over the \(WireLimits.maxLineLength >> 20) MiB cap, skipped")
                                }
                            }
                            return true
                        }
                        let outcome: DailyTradeFiles.Outcome
                        do throws(DailyTradeFilesError) { outcome = try recorder.append(line: bytes) } catch { throw .files(error) }
                        if case .skipped(let reason) = outcome {
                            reported += 1
                            if reported <= 5 && !bytes.isEmpty {
                                diagnostics.report("\(input.displayName):\(number)", "not recorded: \(reason)")
                            }
                        }
                        if teeing, let output {
                            do throws(OutputError) {
                                try output.append(bytes)
                                output.appendByte(0x0A)
                                try output.flush()
                            } catch .downstreamClosed {
                                // The analysis side went away; the recording is worth more, so go on.
                                teeing = false
                                diagnostics.report("record", "stdout closed by its reader; still recording, no longer copying")
                            } catch {
                                throw .output(error)
                            }
                        }
                        return true
                    }
                }
            } catch {
                switch error {
                case .body(let error): throw error
                case .open(let error): throw .open(error)
                case .read(let error): throw .read(input.displayName, error)
                }
            }
            if !finished { return }
        }
    }
}
