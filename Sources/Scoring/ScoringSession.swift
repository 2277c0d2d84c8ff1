import BNCCore
import BNCWire

/// Runs a whole `bnc-score` invocation: opens the sink, feeds every input's lines to a
/// `ScoringEngine`, stops cleanly on SIGINT/SIGTERM, and finishes (batch scoring, flush, fsync).
public enum ScoringSession {
    public static func run(options: ScoringOptions, inputs: [InputFile]) throws(ScoringError) {
        let header = ResultFormatter(format: options.format).header
        let sink: any ResultSink
        if let path = options.outputPath {
            sink = RotatingFileSink(pattern: path, header: header, gather: options.batch)
        } else {
            sink = StandardOutputSink(header: header)
        }
        let engine = try ScoringEngine(options: options, sink: sink)
        var interrupted = false
        for input in inputs {
            var failure: ScoringError?
            do {
                let completed = try input.withLineReader(maxLineLength: WireLimits.maxLineLength) { reader in
                    try reader.forEachLine { line, number in
                        do throws(ScoringError) {
                            try engine.process(line: line, lineNumber: number, source: input.displayName)
                        } catch {
                            failure = error
                            return false
                        }
                        return !SignalTrap.stopRequested
                    }
                }
                if let failure { throw failure }
                if !completed || SignalTrap.stopRequested { interrupted = true }
            } catch let error as ScoringError {
                if case .output(.downstreamClosed) = error { return }
                throw error
            } catch {
                throw .input("\(input.displayName): \(error)")
            }
            if interrupted { break }
        }
        do { try engine.finish(interrupted: interrupted) } catch {
            if case .output(.downstreamClosed) = error { return }
            throw error
        }
    }
}
