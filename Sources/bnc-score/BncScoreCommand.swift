import AnomalyModel
import ArgumentParser
import BNCCore
import BNCWire
import Scoring
import ToolCommand

@main
struct BncScoreCommand: ToolMainCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnc-score",
        abstract: "Score window rows with an Isolation Forest that scores like scikit-learn's.",
        discussion: """
            Reads window rows (NDJSON from bnc-window) and writes one scored result per row: CSV \
            (timestamp,trade_count,volume,avg_trade_size,return,volatility,score,prediction,symbol,\
            window_end,complete,model_version,anomaly_score,reason) or NDJSON. Each symbol has its own \
            StandardScaler + IsolationForest (--profile bnc adds a silence-aware feature); reason names \
            the features that isolated the window. Rows are written at once; score and prediction stay \
            empty until a symbol's first --train-windows complete windows have arrived.
            """,
        version: ToolVersion.current)

    @Argument(help: "Window-row files (NDJSON); none or '-' reads stdin.")
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Complete windows in the training buffer (1…1000000): the first model trains when it is full, later ones on its newest windows. (default: 500)", valueName: "n"))
    var trainWindows: Int?

    @Option(help: ArgumentHelp("Retrain after a model has scored this many rows (0…100000000); 0 trains once and never again. (default: 100)", valueName: "n"))
    var retrainEvery: Int?

    @Option(help: ArgumentHelp("Share of training windows called anomalous, in (0, 0.5], or 'auto' (threshold s(x) = 0.5).", valueName: "fraction|auto"))
    var contamination: Contamination = .fraction(0.05)

    @Option(help: ArgumentHelp("Trees in the forest (1…10000).", valueName: "n"))
    var trees: Int = 100

    @Option(help: ArgumentHelp("Rows per tree: 'auto' = min(256, training rows), or a count 1…1000000 (capped at the training rows).", valueName: "auto|n"))
    var maxSamples: ModelParameters.MaxSamples = .auto

    @Option(help: ArgumentHelp("Seed of the model's random generator (xoshiro256**), 0…18446744073709551615; the same input and seed give byte-identical output.", valueName: "n"))
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("The model: 'bnc' (default: the features plus a silence-aware feature from trade_count, with a reason on every row) or 'original' (the original project's StandardScaler + IsolationForest on the features as given). Without it, an existing --model file keeps the profile its models were trained with.", valueName: "bnc|original"))
    var profile: ModelProfile?

    @Option(help: ArgumentHelp("Comma-separated numeric row keys the model uses.", valueName: "keys"))
    var features: String = ScoringOptions.defaultFeatures.joined(separator: ",")

    @Flag(help: "Offline mode: read all input, train each symbol once on all its complete windows, then score every row.")
    var batch = false

    @Option(help: ArgumentHelp("With --batch: threads that parse a file input and encode the results (1…64; default: one per core, at most 8); the output is that of one thread. A pipe is read by one.", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Output format: csv, ndjson, or original — the original project's eight columns with local-time timestamps (YYYY-MM-DD HH:MM:SS), for its pandas code and data/window_results.csv.", valueName: "csv|ndjson|original"))
    var format: ResultFormat = .csv

    @Option(help: ArgumentHelp("Append results to this file instead of stdout (header only when the file is new or empty; windows it already holds are skipped); %Y, %m, %d are the window's UTC date, giving one file per day.", valueName: "path"))
    var output: String?

    @Flag(help: "Append to an existing --output file even when its first line is not this format's header (by default such a file is refused, untouched, with exit 73).")
    var appendForeign = false

    @Option(help: ArgumentHelp("Model file: loaded at start (so a restart scores at once), saved atomically after trainings (spaced out when many symbols train together) and at exit. With --batch an existing file is used as is.", valueName: "path"))
    var model: String?

    @Flag(help: "No informational messages on stderr (warnings and errors still appear).")
    var quiet = false

    @OptionGroup var metrics: MetricsOptions

    var featureNames: [String] {
        features.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimming(" ") }
    }

    func validate() throws {
        let names = featureNames
        if names.isEmpty || names.contains(where: \.isEmpty) {
            throw ValidationError("--features needs a comma-separated list of row keys, e.g. trade_count,volume")
        }
        if Set(names).count != names.count { throw ValidationError("--features names a key twice") }
        // The names go unquoted into the CSV's reason column (`volume↑;trade_count↑`).
        if let bad = names.first(where: { !$0.utf8.allSatisfy(ResultReason.isNameByte) }) {
            throw ValidationError("--features: '\(bad)' is not a row key (letters, digits and _ only)")
        }
        for reserved in [WindowRowKey.symbol, .start, .end, .complete].map(\.name) where names.contains(reserved) {
            throw ValidationError("--features: '\(reserved)' is not a numeric feature")
        }
        if !ScoringOptions.featureCountRange.contains(names.count) {
            throw ValidationError("--features names \(names.count) keys; at most \(ScoringOptions.featureCountRange.upperBound)")
        }
        if let n = trainWindows { try Self.check("--train-windows", n, ScoringOptions.trainWindowsRange) }
        if let n = retrainEvery { try Self.check("--retrain-every", n, ScoringOptions.retrainEveryRange, note: " (0 = never)") }
        try Self.check("--trees", trees, ScoringOptions.treesRange)
        if case .count(let n) = maxSamples { try Self.check("--max-samples", n, ScoringOptions.maxSamplesRange, note: " (or auto)") }
        if batch && (trainWindows != nil || retrainEvery != nil) {
            throw ValidationError("--batch trains once on all complete windows; --train-windows and --retrain-every apply to streaming only")
        }
        if let threads {
            try Self.check("--threads", threads, LineAlignedChunks.threadsRange)
            if !batch { throw ValidationError("--threads applies to --batch only (streaming scores each row as it arrives)") }
        }
        if let output, output.isEmpty { throw ValidationError("--output needs a path") }
        if let model, model.isEmpty { throw ValidationError("--model needs a path") }
        if appendForeign && output == nil { throw ValidationError("--append-foreign applies to --output only") }
        // Two spellings of one file (./m.bin and m.bin, a symlink) are caught at start by device and inode.
        if let output, let model, output == model { throw ValidationError("--output and --model must be different files") }
    }

    /// A numeric option outside its documented range is a usage error that names the range.
    private static func check(_ option: String, _ value: Int, _ range: ClosedRange<Int>, note: String = "") throws {
        guard !range.contains(value) else { return }
        throw ValidationError("\(option) must be from \(range.lowerBound) to \(range.upperBound)\(note), not \(value)")
    }

    mutating func run() {
        SignalTrap.install()
        let options = ScoringOptions(
            featureNames: featureNames, trainWindows: trainWindows ?? 500, retrainEvery: retrainEvery ?? 100,
            parameters: ModelParameters(treeCount: trees, maxSamples: maxSamples, contamination: contamination, profile: profile ?? .defaultProfile),
            seed: seed, batch: batch, format: format, outputPath: output, modelPath: model, quiet: quiet,
            showProgress: !quiet && !batch && Diagnostics.stderrIsTerminal,
            appendForeign: appendForeign, profileFromModelFile: profile == nil,
            threads: threads ?? LineAlignedChunks.defaultThreads)
        ToolExit.run(tool: "bnc-score") {
            let slot = MetricsSlot(ScoreHealth(startedAt: MonotonicClock.wallClockMilliseconds(),
                                               trainWindows: options.trainWindows))
            let publisher = try metrics.startPublisher(tool: "bnc-score", slot: slot) { $0.exposition() }
            // The final values are written on every way out, an error included.
            defer { publisher?.finish() }
            try ScoringSession.run(options: options, inputs: InputFile.list(inputs), metrics: publisher == nil ? nil : slot)
        }
    }
}

extension Contamination: ExpressibleByArgument {
    package init?(argument: String) { self.init(argument) }
    package var defaultValueDescription: String { description }
}

extension ModelParameters.MaxSamples: ExpressibleByArgument {
    package init?(argument: String) { self.init(argument) }
    package var defaultValueDescription: String { description }
}

extension ResultFormat: ExpressibleByArgument {}

extension ModelProfile: ExpressibleByArgument {}
