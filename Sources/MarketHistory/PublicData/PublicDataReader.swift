import BNCCore
import BNCWire
import Foundation
import ZIPFoundation

/// How `PublicDataReader` reads its files.
package struct PublicDataOptions: Sendable {
    /// Overrides the symbol in the file names (required for stdin and for renamed files).
    package var symbol: String?
    /// Overrides the kind in the file names; nil tells it from the name, header or columns.
    package var kind: PublicDataKind?
    package var timestampUnit: TimestampUnit
    /// End at the first malformed row instead of skipping it.
    package var strict: Bool
    /// Malformed rows reported one by one per file; the rest are only counted.
    package var reportLimit: Int

    package init(symbol: String? = nil, kind: PublicDataKind? = nil, timestampUnit: TimestampUnit = .milliseconds,
                strict: Bool = false, reportLimit: Int = 5) {
        self.symbol = symbol; self.kind = kind; self.timestampUnit = timestampUnit
        self.strict = strict; self.reportLimit = reportLimit
    }
}

/// What a run converted.
package struct PublicDataSummary: Sendable, Equatable {
    /// CSV files read (each file inside a zip counts).
    package var files = 0
    package var trades = 0
    package var malformedRows = 0
    /// SIGINT/SIGTERM ended the run early (everything converted so far was written).
    package var stopped = false

    package init() {}
}

/// Converts Binance public-data dumps (https://data.binance.vision) to trade lines, file after
/// file in the order given: plain CSV, CSV on stdin, or the `.zip` Binance ships, which is
/// inflated in chunks with ZIPFoundation (never fully in memory, no external `unzip`).
package final class PublicDataReader {
    package let options: PublicDataOptions
    package let output: OutputBuffer
    package let diagnostics: Diagnostics
    package private(set) var summary = PublicDataSummary()
    private var splitter = LineSplitter(maxLineLength: WireLimits.maxLineLength)

    package init(options: PublicDataOptions, output: OutputBuffer, diagnostics: Diagnostics = Diagnostics(tool: "bnc-stream")) {
        self.options = options
        self.output = output
        self.diagnostics = diagnostics
    }

    /// The symbol the rows of `input` get: `--symbol`, else the file name's.
    package func symbol(for input: InputFile) -> String? {
        if let symbol = options.symbol { return symbol.uppercased() }
        if input.isStandardInput { return nil }
        return PublicDataFileName(path: input.path)?.symbol
    }

    /// Converts `inputs` in order, writing trade lines to `output` (not flushed at the end).
    /// Every input's symbol is checked before anything is written.
    /// - Throws: `PublicDataError`.
    @discardableResult
    package func convert(_ inputs: [InputFile]) throws(PublicDataError) -> PublicDataSummary {
        for input in inputs where symbol(for: input) == nil {
            throw .noSymbol(path: input.displayName)
        }
        for input in inputs {
            let finished = SignalTrap.stopRequested ? false : try convert(input)
            if !finished {
                summary.stopped = true
                break
            }
        }
        return summary
    }

    /// Converts one input; false when a signal stopped it.
    private func convert(_ input: InputFile) throws(PublicDataError) -> Bool {
        guard let symbol = symbol(for: input) else { throw .noSymbol(path: input.displayName) }
        let kind = options.kind ?? (input.isStandardInput ? nil : PublicDataFileName(path: input.path)?.kind)
        let fd: Int32
        do { fd = try input.open() } catch { throw .open(error) }
        if !input.isStandardInput, Self.startsLikeZip(fd) {
            close(fd)
            return try convertZip(path: input.path, symbol: symbol, kind: kind)
        }
        defer { if fd != 0 { close(fd) } }
        var converter = PublicDataConverter(symbol: symbol, kind: kind, timestampUnit: options.timestampUnit)
        var log = MalformedLineLog(location: input.displayName, diagnostics: diagnostics, reportLimit: options.reportLimit)
        var reader = LineReader(fileDescriptor: fd, maxLineLength: WireLimits.maxLineLength)
        let finished: Bool
        do throws(LineInputError<PublicDataError>) {
            finished = try reader.forEachLine { line, number throws(PublicDataError) in
                try self.handle(line, number, &converter, &log)
            }
        } catch {
            switch error {
            case .body(let error): throw error
            case .read(let error): throw .read(path: input.path, error)
            case .open(let error): throw .open(error)
            }
        }
        finishFile(input.displayName, converter: converter, log: log)
        return finished
    }

    /// Ends a zip extraction early (a signal stopped the line loop); not a failure.
    private struct ExtractionStopError: Error {}

    private func convertZip(path: String, symbol: String, kind: PublicDataKind?) throws(PublicDataError) -> Bool {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .archive(path: path, reason: "\(error)")
        }
        let entries = archive.filter { $0.type == .file }
        guard !entries.isEmpty else { throw .archive(path: path, reason: "it holds no files") }
        // First pass: every entry's CRC-32 against the one the archive records, before a single
        // line is written. Damaged bytes inflate to plausible-looking rows (invented trade ids),
        // so a damaged archive must emit nothing; entries can be hundreds of MB, so they are
        // inflated twice rather than held in memory.
        for entry in entries {
            let location = entries.count == 1 ? path : "\(path)(\(entry.path))"
            let computed: CRC32
            do {
                computed = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { _ in
                    if SignalTrap.stopRequested { throw ExtractionStopError() }
                }
            } catch is ExtractionStopError {
                return false
            } catch {
                throw .archive(path: location, reason: "\(error)")
            }
            guard computed == entry.checksum else {
                throw .damagedEntry(path: location, expected: entry.checksum, computed: computed)
            }
        }
        for entry in entries {
            let location = entries.count == 1 ? path : "\(path)(\(entry.path))"
            let entryKind = kind ?? PublicDataFileName(path: entry.path)?.kind
            var converter = PublicDataConverter(symbol: symbol, kind: entryKind, timestampUnit: options.timestampUnit)
            var log = MalformedLineLog(location: location, diagnostics: diagnostics, reportLimit: options.reportLimit)
            splitter = LineSplitter(maxLineLength: WireLimits.maxLineLength)
            var finished = true
            do {
                _ = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: true) { data in
                    let more = try data.withUnsafeBytes { raw in
                        try self.splitter.push(raw) { line, number in try self.handle(line, number, &converter, &log) }
                    }
                    if !more { throw ExtractionStopError() }
                }
                finished = try splitter.finish { line, number in try self.handle(line, number, &converter, &log) }
            } catch is ExtractionStopError {
                finished = false
            } catch let error as PublicDataError {
                throw error
            } catch {
                finishFile(location, converter: converter, log: log)
                throw .archive(path: location, reason: "\(error)")
            }
            finishFile(location, converter: converter, log: log)
            if !finished { return false }
        }
        return true
    }

    private func handle(
        _ line: LineSplitter.Line, _ number: Int,
        _ converter: inout PublicDataConverter, _ log: inout MalformedLineLog
    ) throws(PublicDataError) -> Bool {
        let problem: PublicDataRowError?
        switch line {
        case .oversized(let length):
            problem = .oversized(length: length)
        case .text(let bytes):
            switch converter.convert(bytes) {
            case .trade(let tradeLine):
                do { try output.append(tradeLine) } catch { throw .output(error) }
                problem = nil
            case .header, .blank:
                problem = nil
            case .malformed(let reason):
                problem = reason
            }
        }
        if let problem {
            if options.strict {
                summary.malformedRows += 1
                throw .malformedRow(location: log.location, line: number, reason: problem)
            }
            log.record(line: number, problem)
        }
        if number & 0xFFF == 0, SignalTrap.stopRequested { return false }
        return true
    }

    private func finishFile(_ location: String, converter: borrowing PublicDataConverter, log: MalformedLineLog) {
        summary.files += 1
        summary.trades += converter.tradeCount
        summary.malformedRows += log.count
        log.reportTotal(noun: "rows")
        if Diagnostics.stderrIsTerminal {
            diagnostics.report(location, "\(converter.tradeCount) \(converter.layout?.kind.rawValue ?? "trades") converted")
        }
    }

    /// Whether the file begins with a zip local-file header (`PK\3\4`); pipes and the like are not zips.
    static func startsLikeZip(_ fd: Int32) -> Bool {
        var magic: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress!, 4, 0) }
        return n == 4 && magic == (0x50, 0x4B, 0x03, 0x04)
    }
}
