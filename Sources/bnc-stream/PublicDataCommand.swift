import ArgumentParser
import BNCCore
import BNCWire
import MarketHistory

extension PublicDataKind: ExpressibleByArgument {}
extension TimestampUnit: ExpressibleByArgument {}

/// `bnc-stream public-data FILE…`: Binance's public-data dumps to trade lines.
struct PublicDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "public-data",
        abstract: "Convert Binance public-data trade dumps (CSV or the .zip they ship in) to trade lines.",
        discussion: """
            Reads the spot trades and aggTrades files from https://data.binance.vision \
            (e.g. BTCUSDT-trades-2024-08-09.zip, BTCUSDT-aggTrades-2024-08.zip), plain or zipped, \
            with or without a header row, in the order given, and writes one Binance trade payload \
            per row: {"e":"trade",…} for trades, {"e":"aggTrade",…} for aggTrades. Price and \
            quantity are copied verbatim; E (event time) is the trade time, the only time the \
            dumps carry. Malformed rows are skipped and counted on stderr.
            """)

    @Argument(help: "Trades or aggTrades CSV files or .zip archives, converted in this order ('-' or none: CSV on stdin, needs --symbol).")
    var files: [String] = []

    @Option(help: "Symbol to write (default: taken from each file name, e.g. BTCUSDT-trades-2024-08-09.zip).")
    var symbol: String?

    @Option(help: "File kind: trades or aggTrades (default: from the file name, the header, or the column count).")
    var kind: PublicDataKind?

    @Option(help: "Unit of E and T: ms (µs files are truncated to the millisecond), us, or source (as each file has it; spot files are µs since 2025-01-01).")
    var timeUnit: TimestampUnit = .milliseconds

    @Flag(help: "Stop with exit status 65 at the first malformed row instead of skipping it.")
    var strict = false

    func validate() throws {
        if symbol == nil, files.isEmpty || files.contains("-") {
            throw ValidationError("CSV on stdin has no file name to take the symbol from: pass --symbol")
        }
        if let symbol, !WireLimits.isWritableSymbol(symbol) {
            throw ValidationError("--symbol must be 1–\(WireLimits.maxSymbolLength) letters and digits, like BTCUSDT")
        }
    }

    mutating func run() {
        ToolExit.run(tool: "bnc-stream") {
            SignalTrap.install()
            let output = OutputBuffer()
            let reader = PublicDataReader(
                options: PublicDataOptions(symbol: symbol, kind: kind, timestampUnit: timeUnit, strict: strict),
                output: output, diagnostics: Diagnostics(tool: "bnc-stream"))
            do {
                try reader.convert(InputFile.list(files))
            } catch {
                try? output.flush()   // the rows converted before the error still go out
                throw error
            }
            try output.flush()
        }
    }
}
