/// A service-level objective: a metric id and the bound it must keep, decided from its
/// confidence interval, never from a point value.
public struct SLOSpec: Sendable, Equatable {
    public enum Bound: Sendable, Equatable {
        /// The metric must not exceed the threshold (latency, error rates).
        case max(Double)
        /// The metric must not fall below the threshold (availability, throughput).
        case min(Double)

        public var threshold: Double {
            switch self {
            case .max(let t), .min(let t): t
            }
        }
    }

    /// Label in reports: `name:` or, by default, e.g. `latency.p99 <= 0.25`.
    public var name: String
    /// A metric id of the scenario's layout (validated), e.g. `latency.p99`.
    public var metric: String
    public var bound: Bound
    /// Indifference zone (SI units, ≥ 0): a true value within this distance of the threshold is
    /// close enough that either verdict is acceptable; once the interval lies inside the zone the
    /// check stops adding replications and reports INCONCLUSIVE.
    public var within: Double
    /// Where the SLO is written (for CI annotations).
    public var location: SourceLocation

    public init(name: String, metric: String, bound: Bound, within: Double = 0, location: SourceLocation) {
        self.name = name
        self.metric = metric
        self.bound = bound
        self.within = within
        self.location = location
    }
}

/// How many replications to run: a fixed number, or batches from `min` up to `max` until every
/// SLO is decided (`replications: {min: 10, max: 200, until: slo-decided}`).
public struct ReplicationPlan: Sendable, Equatable {
    public var minimum: Int
    public var maximum: Int
    /// True for `until: slo-decided`: add planned batches until the SLOs are decided.
    public var untilDecided: Bool

    public init(fixed n: Int) {
        minimum = n
        maximum = n
        untilDecided = false
    }
    public init(minimum: Int, maximum: Int, untilDecided: Bool) {
        self.minimum = minimum
        self.maximum = maximum
        self.untilDecided = untilDecided
    }

    /// The replication counts at which results are looked at: `minimum`, then doubling, ending
    /// exactly at `maximum`. A fixed plan has one look.
    public var looks: [Int] {
        guard untilDecided, maximum > minimum else { return [maximum] }
        var n = [minimum]
        while let last = n.last, last * 2 < maximum { n.append(last * 2) }
        n.append(maximum)
        return n
    }
}
