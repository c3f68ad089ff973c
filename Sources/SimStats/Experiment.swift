import Dispatch
import InfraModel
import SimRandom

/// Runs independent replications of one model, on one or more threads.
///
/// Each replication is single-threaded and deterministic: its random streams are keyed by the
/// master seed and counted by the replication index, so its result does not depend on which
/// thread runs it or when. Results are returned in replication order.
public struct Experiment: Sendable {
    public var spec: ModelSpec
    public var seed: UInt64
    /// Replication indices to run, ascending (normally 0 ..< n; a shard's are spread out).
    public var indices: [Int]
    /// Threads to use (≥ 1).
    public var jobs: Int

    public init(spec: ModelSpec, seed: UInt64, replications: Range<Int>, jobs: Int = 1) {
        self.init(spec: spec, seed: seed, indices: Array(replications), jobs: jobs)
    }

    /// Runs the replications `indices` (ascending, each ≥ 0): a shard's share of a design's
    /// replications. Each one's result is what a run of `0 ..< n` gives for that index.
    public init(spec: ModelSpec, seed: UInt64, indices: [Int], jobs: Int = 1) {
        self.spec = spec
        self.seed = seed
        self.indices = indices
        self.jobs = max(1, jobs)
    }

    /// Runs one replication: a model without features (`ModelSpec.mayUseFeatures`,
    /// `Simulation.usesFeatures`) in the handlers built for such models (`CoreModel`), where
    /// every output is the same and the tests for features are gone.
    public static func runReplication(
        _ spec: ModelSpec, layout: MetricLayout, seed: UInt64, replication: Int
    ) -> ReplicationResult {
        if !spec.mayUseFeatures {
            var core = Simulation<CoreModel>(spec: spec, streams: StreamStore(seed: seed), replication: replication)
            if !core.usesFeatures { return run(&core, spec, layout: layout, replication: replication) }
        }
        var full = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: replication)
        return run(&full, spec, layout: layout, replication: replication)
    }

    static func run<Shape: ModelShape>(
        _ simulation: inout Simulation<Shape>, _ spec: ModelSpec, layout: MetricLayout, replication: Int
    ) -> ReplicationResult {
        if spec.windowLengths.isEmpty {
            var collector = ReplicationCollector(layout: layout)
            let outcome = simulation.run(into: &collector)
            return ReplicationResult(replication: replication, spec: spec, collector: collector, outcome: outcome)
        }
        var collector = WindowedCollector(layout: layout, spec: spec)
        let outcome = simulation.run(into: &collector)
        let windows = collector.finish()
        return ReplicationResult(
            replication: replication, spec: spec, collector: collector.base, outcome: outcome, windows: windows)
    }

    /// Runs every replication (or, once `spec.stopRequest` is set, the replications finished
    /// before the first one that was not: a prefix); `progress` is called (from any thread) with the number finished.
    /// `inOrder`, if given, sees each result in replication order (whatever thread finished it
    /// first, so what it accumulates does not depend on `jobs`) and may trim it, e.g. fold its
    /// time series into a running summary and drop the rows: results waiting for an earlier
    /// one are the only ones held whole.
    public func run(
        progress: (@Sendable (Int) -> Void)? = nil,
        inOrder: (@Sendable (inout ReplicationResult) -> Void)? = nil
    ) -> [ReplicationResult] {
        let layout = MetricLayout(spec: spec)
        let indices = self.indices
        let state = Guarded<(next: Int, done: Int, delivered: Int, results: [ReplicationResult?])>(
            (0, 0, 0, Array(repeating: nil, count: indices.count)))
        let spec = self.spec
        let seed = self.seed
        let work: @Sendable (Int) -> Void = { _ in
            while true {
                let k: Int? = state.withLock { s in
                    guard s.next < indices.count, spec.stopRequest?.isRequested != true else { return nil }
                    defer { s.next += 1 }
                    return s.next
                }
                guard let k else { return }
                let r = Self.runReplication(spec, layout: layout, seed: seed, replication: indices[k])
                let done = state.withLock { s in
                    // An interrupted replication is partial: its slot stays empty, so neither
                    // `inOrder` nor the returned results ever see it.
                    if !r.outcome.interrupted { s.results[k] = r }
                    s.done += 1
                    if let inOrder {
                        // take() leaves the slot nil while inOrder runs, so the result is trimmed in place, not copied.
                        while s.delivered < indices.count, var r = s.results[s.delivered].take() {
                            inOrder(&r)
                            s.results[s.delivered] = r
                            s.delivered += 1
                        }
                    }
                    return s.done
                }
                progress?(done)
            }
        }
        let threads = min(jobs, indices.count)
        if threads <= 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
        // Every replication has a result unless a stop was requested; then the results are the
        // ones finished before the first that did not, so what is kept is a prefix in
        // replication order whatever the thread count.
        return state.withLock { s in
            Array(s.results.prefix { $0 != nil }.compactMap { $0 })
        }
    }
}
