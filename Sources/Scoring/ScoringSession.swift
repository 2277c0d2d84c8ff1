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
                let fd: Int32
                do { fd = try input.open() } catch { throw .open(error) }
                defer { if fd != 0 { close(fd) } }
                var lineBase = 0
                var completed = true
                if options.batch && options.threads > 1 {
                    switch try readInParallel(fd, input, engine: engine, options: options) {
                    case .notSplit: break
                    case .consumed(let lines, let finished): lineBase = lines; completed = finished
                    }
                }
                if completed {
                    var reader = LineReader(fileDescriptor: fd, chunkSize: 1 << 20, maxLineLength: WireLimits.maxLineLength)
                    completed = try reader.forEachLine { line, number throws(ScoringError) in
                        try engine.process(line: line, lineNumber: lineBase + number, source: input.displayName)
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

    /// How `readInParallel` left an input.
    enum ParallelRead {
        /// Not a regular file worth splitting: nothing was consumed.
        case notSplit
        /// The file's whole lines were taken, `lines` of them, and the descriptor's offset is
        /// after them; `finished` is false when a stop signal ended the reading early.
        case consumed(lines: Int, finished: Bool)
    }

    /// The whole lines of a regular file from its current offset, parsed by `options.threads`
    /// threads in line-aligned ranges (`OrderedChunkMap`, as bnc-window reads) and taken by the
    /// engine in file order, so that rows, messages and line numbers are those of one stream.
    /// The bytes after the last `\n` are left to the caller's one-stream reader.
    private static func readInParallel(_ fd: Int32, _ input: InputFile, engine: ScoringEngine,
                                       options: ScoringOptions) throws(LineInputError<ScoringError>) -> ParallelRead {
        guard let chunks = LineAlignedChunks.cutRestOfRegularFile(fd, targetSize: options.parallelChunkSize) else { return .notSplit }
        let featureNames = options.featureNames
        let map = OrderedChunkMap(fileDescriptor: fd, chunks: chunks, threads: options.threads) { bytes, recycled in
            WindowRowBatch.parse(bytes, featureNames: featureNames, reusing: &recycled)
        }
        var lineBase = 0
        while true {
            let parsed: WindowRowBatch
            switch map.next() {
            case nil:
                lseek(fd, off_t(chunks.end), SEEK_SET)
                return .consumed(lines: lineBase, finished: true)
            case .success(let batch)?: parsed = batch
            case .failure(let error)?: throw .body(.input("\(input.displayName): \(error)"))
            }
            if lineBase == 0 && parsed.count > 0 {
                // The first range tells how long a row is: room for the file's rows (a tenth more).
                let rows = Double(chunks.end - chunks.start) / Double(chunks.range(0).count) * Double(parsed.count)
                engine.expectBatchRows(Int(min(rows * 1.1, 1e9)) + 1_024)
            }
            let goOn: Bool
            do { goOn = try engine.absorb(parsed, lineBase: lineBase, source: input.displayName) } catch { throw .body(error) }
            lineBase += parsed.lines
            map.recycle(consume parsed)
            if !goOn { return .consumed(lines: lineBase, finished: false) }
        }
    }
}
