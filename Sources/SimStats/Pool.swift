import InfraModel

/// The pooled histograms and level times of replications, merged as each one finishes — in
/// replication order, through `Experiment.run(inOrder:)` — so that a run of many replications
/// holds one set of histograms, not one per replication (about 240 KB each on a three-tier
/// model). `Summary(layout:results:pool:)` reads it instead of the results' own.
public final class Pool: Sendable {
    private let state: Guarded<(histograms: [LatencyHistogram], distributions: [LevelTimes], merged: Int)>

    public init(layout: MetricLayout) {
        state = Guarded(
            (
                Array(repeating: LatencyHistogram(), count: layout.histograms.count),
                Array(repeating: LevelTimes(), count: layout.distributions.count), 0
            ))
    }

    /// Merges the result's histograms and level times, then drops them from it.
    public func absorb(_ r: inout ReplicationResult) {
        state.withLock { s in
            for h in s.histograms.indices { s.histograms[h].merge(r.histograms[h]) }
            if r.distributions.count == s.distributions.count {
                for d in s.distributions.indices { s.distributions[d].merge(r.distributions[d]) }
            }
            s.merged += 1
        }
        r.histograms = []
        r.distributions = []
    }

    /// The histograms and level times of `results` pooled: `pool`'s, which must hold exactly
    /// these results, or else the results' own (which they must still keep), merged here.
    public static func pooled(
        _ results: [ReplicationResult], layout: MetricLayout, pool: Pool?
    ) -> (histograms: [LatencyHistogram], distributions: [LevelTimes]) {
        if let pool {
            let merged = pool.merged
            precondition(merged.replications == results.count, "the pool holds exactly these results")
            return (merged.histograms, merged.distributions)
        }
        var histograms = Array(repeating: LatencyHistogram(), count: layout.histograms.count)
        var distributions = Array(repeating: LevelTimes(), count: layout.distributions.count)
        for r in results {
            precondition(r.histograms.count == histograms.count, "without a pool, results keep their histograms")
            for h in histograms.indices { histograms[h].merge(r.histograms[h]) }
            if r.distributions.count == distributions.count {
                for d in distributions.indices { distributions[d].merge(r.distributions[d]) }
            }
        }
        return (histograms, distributions)
    }

    /// What has been merged so far, and from how many replications.
    public var merged: (histograms: [LatencyHistogram], distributions: [LevelTimes], replications: Int) {
        state.withLock { ($0.histograms, $0.distributions, $0.merged) }
    }
}
