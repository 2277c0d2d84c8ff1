import BNCCore
import Synchronization

/// The whole market on one output: one `LiveFeed` per connection group (at most 1,024 streams
/// each, `SymbolPartition`), each on a thread of its own with today's rollover, reconnect, gap
/// backfill and heartbeats for its own symbols. What they share is owned here:
///
/// - stdout: each feed has its own `OutputBuffer` and they share one `OutputLock`, so every
///   `write` carries whole lines only; a symbol lives on one connection, so its order is that
///   connection's order (kept by its `LiveFeed`);
/// - the connection limit (`ConnectionGate`: 300 attempts per 5 minutes per IP between them);
/// - the REST request weight (`SharedWeightBudget`): gap fills wait in turn, catch-ups are given
///   up first;
/// - the end: the first feed to stop (signal, closed pipe, retries exhausted) stops the others;
///   the exit status is the first failure's, in group order, else 0.
package enum MarketFeed {
    /// The configuration of each group: `template` with its own endpoint, name ("2/3") and the
    /// shared gate and budget; `metrics[i]` (when given) is group i's slot.
    package static func configurations(
        template: LiveFeedConfiguration, endpoint: String, groups: [[String]], metrics: [MetricsSlot<FeedHealth>]?
    ) throws(StreamConfigurationError) -> [LiveFeedConfiguration] {
        let gate = ConnectionGate(limit: template.connectionLimit, windowMilliseconds: template.connectionLimitWindowMilliseconds)
        let budget = template.weightBudget ?? SharedWeightBudget(perWindow: template.restWeightPerMinute)
        var result: [LiveFeedConfiguration] = []
        for (i, group) in groups.enumerated() {
            var c = template
            c.endpoint = try StreamEndpoint(endpoint: endpoint, symbols: group, kind: template.kind)
            c.name = groups.count > 1 ? "\(i + 1)/\(groups.count)" : nil
            c.connectionGate = gate
            c.weightBudget = budget
            c.metrics = metrics?[i]
            result.append(c)
        }
        return result
    }

    /// Runs every configuration's feed on its own thread, writing to `fileDescriptor`, until one stops.
    package static func run(_ configurations: [LiveFeedConfiguration], fileDescriptor: Int32 = 1,
                            diagnostics: Diagnostics) -> ExitStatus {
        let lock = OutputLock()
        let ended = StopFlag()
        let statuses = runAll(configurations[...], fileDescriptor: fileDescriptor, lock: lock, ended: ended, diagnostics: diagnostics)
        return statuses.first { $0 != .success } ?? .success
    }

    /// Starts the first feed on a thread, the rest recursively, then joins (`DedicatedThread`
    /// is non-copyable, so the handles live on the stack rather than in an array).
    private static func runAll(_ configurations: ArraySlice<LiveFeedConfiguration>, fileDescriptor: Int32,
                               lock: OutputLock, ended: StopFlag, diagnostics: Diagnostics) -> [ExitStatus] {
        guard let first = configurations.first else { return [] }
        let thread = DedicatedThread(stackSize: 1 << 20) { () -> ExitStatus in
            let output = OutputBuffer(fileDescriptor: fileDescriptor, sharedWith: lock)
            let feed = LiveFeed(configuration: first, output: output, diagnostics: diagnostics,
                                stop: { SignalTrap.stopRequested || ended.isSet })
            let status = feed.run()
            ended.set()
            return status
        }
        let rest = runAll(configurations.dropFirst(), fileDescriptor: fileDescriptor, lock: lock, ended: ended, diagnostics: diagnostics)
        return [thread.join()] + rest
    }

    /// Set by the first feed that stops; the others see it as their stop request.
    final class StopFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        var isSet: Bool { flag.load(ordering: .relaxed) }
        func set() { flag.store(true, ordering: .relaxed) }
    }
}
