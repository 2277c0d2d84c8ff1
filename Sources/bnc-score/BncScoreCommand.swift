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
            window_end,complete,model_version,anomaly_score) or NDJSON. Each symbol has its own \
            StandardScaler + IsolationForest. Rows are written at once; score and prediction stay \
            empty until a symbol's first --train-windows complete windows have arrived.
            """,
        version: ToolVersion.current)

    @Argument(help: "Window-row files (NDJSON); none or '-' reads stdin.")
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Complete windows in the training buffer: the first model trains when it is full, later ones on its newest windows. (default: 500)", valueName: "n"))
    var trainWindows: Int?

    @Option(help: ArgumentHelp("Retrain after a model has scored this many rows; 0 trains once and never again. (default: 100)", valueName: "n"))
    var retrainEvery: Int?

    @Option(help: ArgumentHelp("Share of training windows called anomalous, in (0, 0.5], or 'auto' (threshold s(x) = 0.5).", valueName: "fraction|auto"))
    var contamination: Contamination = .fraction(0.05)

    @Option(help: ArgumentHelp("Trees in the forest.", valueName: "n"))
    var trees: Int = 100

    @Option(help: ArgumentHelp("Rows per tree: 'auto' = min(256, training rows), or a count (capped at the training rows).", valueName: "auto|n"))
    var maxSamples: ModelParameters.MaxSamples = .auto

    @Option(help: ArgumentHelp("Seed of the model's random generator (xoshiro256**); the same input and seed give byte-identical output.", valueName: "n"))
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Comma-separated numeric row keys the model uses.", valueName: "keys"))
    var features: String = ScoringOptions.defaultFeatures.joined(separator: ",")

    @Flag(help: "Offline mode: read all input, train each symbol once on all its complete windows, then score every row.")
    var batch = false

    @Option(help: "Output format.")
    var format: ResultFormat = .csv

    @Option(help: ArgumentHelp("Append results to this file instead of stdout (header only when the file is new or empty); %Y, %m, %d are the window's UTC date, giving one file per day.", valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("Model file: loaded at start (so a restart scores at once), saved atomically after every training and at exit. With --batch an existing file is used as is.", valueName: "path"))
    var model: String?

    @Flag(help: "No informational messages on stderr (warnings and errors still appear).")
    var quiet = false

    var featureNames: [String] {
        features.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimming(" ") }
    }

    func validate() throws {
        let names = featureNames
        if names.isEmpty || names.contains(where: \.isEmpty) {
            throw ValidationError("--features needs a comma-separated list of row keys, e.g. trade_count,volume")
        }
        if Set(names).count != names.count { throw ValidationError("--features names a key twice") }
        for reserved in [WindowRowKey.symbol, .start, .end, .complete].map(\.name) where names.contains(reserved) {
            throw ValidationError("--features: '\(reserved)' is not a numeric feature")
        }
        if let n = trainWindows, n < 1 { throw ValidationError("--train-windows must be at least 1") }
        if let n = retrainEvery, n < 0 { throw ValidationError("--retrain-every must be 0 (never) or more") }
        if trees < 1 { throw ValidationError("--trees must be at least 1") }
        if batch && (trainWindows != nil || retrainEvery != nil) {
            throw ValidationError("--batch trains once on all complete windows; --train-windows and --retrain-every apply to streaming only")
        }
        if let output, output.isEmpty { throw ValidationError("--output needs a path") }
        if let model, model.isEmpty { throw ValidationError("--model needs a path") }
        if let output, let model, output == model { throw ValidationError("--output and --model must be different files") }
    }

    mutating func run() {
        SignalTrap.install()
        let options = ScoringOptions(
            featureNames: featureNames, trainWindows: trainWindows ?? 500, retrainEvery: retrainEvery ?? 100,
            parameters: ModelParameters(treeCount: trees, maxSamples: maxSamples, contamination: contamination),
            seed: seed, batch: batch, format: format, outputPath: output, modelPath: model, quiet: quiet,
            showProgress: !quiet && !batch && Diagnostics.stderrIsTerminal)
        ToolExit.run(tool: "bnc-score") {
            try ScoringSession.run(options: options, inputs: InputFile.list(inputs))
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
