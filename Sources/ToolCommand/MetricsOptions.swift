import ArgumentParser
import BNCCore

/// `--metrics-file` and `--metrics-interval`, shared by the live tools (bnc-stream live,
/// bnc-window, bnc-score): where the Prometheus text file goes (docs/metrics.md) and how often it
/// is rewritten. No file, no metrics thread, no cost.
package struct MetricsOptions: ParsableArguments {
    @Option(name: .customLong("metrics-file"),
            help: ArgumentHelp("Write metrics in Prometheus' text format to this file (replaced atomically; name it *.prom for node_exporter's textfile collector): at start, every --metrics-interval and at exit.", valueName: "path"))
    package var metricsFile: String?

    @Option(name: .customLong("metrics-interval"), help: "How often --metrics-file is rewritten while running.")
    package var metricsInterval = DurationSpec(milliseconds: MetricsPublisher.defaultIntervalMilliseconds)

    package init() {}

    package func validate() throws {
        if let metricsFile, metricsFile.isEmpty || metricsFile.hasSuffix("/") {
            throw ValidationError("--metrics-file needs a file path")
        }
        guard (100...3_600_000).contains(metricsInterval.milliseconds) else {
            throw ValidationError("--metrics-interval must be from 100ms to 1h")
        }
    }

    /// The publisher for `--metrics-file`, started (first write done), or nil without the option:
    /// it renders `slot`'s value with `render`, and writes at once when the slot says a change is urgent.
    /// A file that cannot be written is an error here, before any input is read.
    package func startPublisher<Value>(tool: String, slot: MetricsSlot<Value>,
                                       render: @escaping @Sendable (Value) -> String) throws(MetricsFileError) -> MetricsPublisher? {
        guard let metricsFile else { return nil }
        let publisher = MetricsPublisher(file: MetricsFile(path: metricsFile), intervalMilliseconds: metricsInterval.milliseconds,
                                         diagnostics: Diagnostics(tool: tool), urgent: { slot.takeUrgent() },
                                         render: { render(slot.read()) })
        try publisher.start()
        return publisher
    }

    /// The publisher for `--metrics-file` over values kept in several slots (bnc-stream's
    /// connections): `urgent` and `render` read them all.
    package func startPublisher(tool: String, urgent: @escaping @Sendable () -> Bool,
                                render: @escaping @Sendable () -> String) throws(MetricsFileError) -> MetricsPublisher? {
        guard let metricsFile else { return nil }
        let publisher = MetricsPublisher(file: MetricsFile(path: metricsFile), intervalMilliseconds: metricsInterval.milliseconds,
                                         diagnostics: Diagnostics(tool: tool), urgent: urgent, render: render)
        try publisher.start()
        return publisher
    }
}
