import BNCCore
import BNCWire

/// Runs a whole `bnc-score` invocation: opens the sink, feeds every input's lines to a
/// `ScoringEngine`, stops cleanly on SIGINT/SIGTERM, and finishes (batch scoring, flush, fsync).
package enum ScoringSession {
    package static func run(options: ScoringOptions, inputs: [InputFile],
                           metrics: MetricsSlot<ScoreHealth>? = nil) throws(ScoringError) {
        try OutputPreflight.check(options: options)
        let header = ResultFormatter(format: options.format).header
        let sink: any ResultSink
        if let path = options.outputPath {
            sink = RotatingFileSink(pattern: path, header: header, gather: options.batch, format: options.format,
                                    appendForeign: options.appendForeign)
        } else {
            sink = StandardOutputSink(header: header)
        }
        let engine = try ScoringEngine(options: options, sink: sink, metrics: metrics)
        try engine.prepareOutput()
        var interrupted = false
        for input in inputs {
            do throws(LineInputError<ScoringError>) {
                let completed = try input.withLineReader(maxLineLength: WireLimits.maxLineLength) { reader throws(LineInputError<ScoringError>) in
                    try reader.forEachLine { line, number throws(ScoringError) in
                        try engine.process(line: line, lineNumber: number, source: input.displayName)
                        return !SignalTrap.stopRequested
                    }
                }
                if !completed || SignalTrap.stopRequested { interrupted = true }
            } catch {
                switch error {
                case .body(.output(.downstreamClosed)): return
                case .body(let error): throw error
                case .open(let error): throw .input(error.description)
                case .read(let error): throw .input("\(input.displayName): \(error)")
                }
            }
            if interrupted { break }
        }
        do { try engine.finish(interrupted: interrupted) } catch {
            if case .output(.downstreamClosed) = error { return }
            throw error
        }
    }
}
