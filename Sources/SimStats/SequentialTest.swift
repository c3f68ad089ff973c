/// The sequential test behind SLO verdicts (README "SLOs and the CI gate"): hypotheses "the true
/// value of a metric equals its threshold", tested on replications taken in planned batches.
///
/// At each look k (a replication count n_k of the plan), each open hypothesis gets a one-sample
/// t test on the per-replication values of its metric over the prefix 0 ..< n_k. A metric
/// estimated from the prefix's pooled data (a percentile, a standard deviation: `run`'s
/// `pooled`) is tested by sectioning as `Summary.sectioned` prints it: centred on the pooled
/// value, its distance to the threshold less the gap between the pooled value and the
/// per-replication values' mean counts, so the gap widens the interval. The error budget
/// α is spent across looks by the power-2 spending function, α_k = α·((n_k/N)² − (n_{k−1}/N)²),
/// and within a look across hypotheses by Holm's step-down procedure (hypotheses rejected at
/// earlier looks keep their place as rejected). A rejected hypothesis stays decided; so does one
/// whose interval lies inside its indifference zone. By the union bound over looks, the
/// probability of rejecting any true hypothesis — of any wrong verdict — is at most α.
///
/// Decisions use replication prefixes only, so they do not depend on threads or shards.
public struct SequentialTest: Sendable {
    /// One hypothesis: a metric (its index in `ReplicationResult.values`) against a threshold in
    /// the metric's unit.
    public struct Hypothesis: Sendable, Equatable {
        public var metric: Int
        public var threshold: Double
        /// True when the bound is a maximum (the metric must not exceed the threshold), false
        /// for a minimum (it must not fall below).
        public var isMaximum: Bool
        /// Indifference zone (≥ 0, the metric's unit): once the interval lies within this
        /// distance of the threshold, either verdict is acceptable and looking stops.
        public var within: Double

        public init(metric: Int, threshold: Double, isMaximum: Bool, within: Double = 0) {
            self.metric = metric
            self.threshold = threshold
            self.isMaximum = isMaximum
            self.within = within
        }
    }

    /// A one-sample t test of "the true mean equals the threshold" at one look.
    public struct Look: Sendable, Equatable {
        /// Mean of the per-replication values, or the pooled value of a metric estimated from
        /// pooled data (NaN when there is none).
        public var estimate: Double
        /// Confidence interval at level `confidence`; (−∞, ∞) with fewer than two values.
        public var lower: Double
        public var upper: Double
        /// 1 − the error budget the interval spends.
        public var confidence: Double
        /// Replications with a value (not NaN).
        public var replications: Int
        /// Two-sided p-value (1 with fewer than two values).
        public var pValue: Double
        /// Whether the estimate lies on the side of the threshold the bound allows; nil with fewer
        /// than two values.
        public var keepsBound: Bool?
    }

    /// Why a hypothesis ended as it did.
    public enum Decision: Sendable, Equatable {
        /// Rejected at look `look` (0-based) of `looks`, after `replications` replications,
        /// its p-value at or below Holm's `threshold`.
        case rejected(look: Int, looks: Int, replications: Int, threshold: Double)
        /// Its interval lay inside the indifference zone at look `look` (0-based), after
        /// `replications` replications.
        case indifferent(look: Int, replications: Int)
        /// Still open when the plan ran out, after `replications` replications.
        case undecided(replications: Int)
    }

    /// A hypothesis's deciding look (the last one made, if undecided) and the decision.
    public struct Outcome: Sendable, Equatable {
        public var look: Look
        public var decision: Decision
    }

    public var hypotheses: [Hypothesis]
    public var alpha: Double

    public init(hypotheses: [Hypothesis], alpha: Double) {
        self.hypotheses = hypotheses
        self.alpha = alpha
    }

    /// The error budget of each look (they add up to α).
    public static func spending(looks: [Int], alpha: Double) -> [Double] {
        guard let last = looks.last, last > 0 else { return [] }
        var previous = 0.0
        return looks.map { n in
            let t = Double(n) / Double(last)
            defer { previous = t * t }
            return alpha * (t * t - previous)
        }
    }

    /// Looks at the replications after each batch of `looks` (increasing replication counts),
    /// asking `run` for the replications of each batch (a range of replication indices), and
    /// decides every hypothesis. Stops early once every hypothesis is decided. `looks` must not
    /// be empty. `pooled`, asked after each batch with the replications so far, gives each
    /// hypothesis's estimate from their pooled data, or nil for one estimated as the mean of its
    /// per-replication values.
    public func run(
        looks: [Int], pooled: ([ReplicationResult]) -> [Double?] = { _ in [] },
        run: (Range<Int>) -> [ReplicationResult]
    ) -> (results: [ReplicationResult], outcomes: [Outcome]) {
        let levels = Self.spending(looks: looks, alpha: alpha)
        var results: [ReplicationResult] = []
        var outcomes: [Outcome?] = Array(repeating: nil, count: hypotheses.count)
        var latest: [Look] = []
        for (k, n) in looks.enumerated() {
            results += run(results.count..<n)
            let centres = pooled(results)
            latest = hypotheses.indices.map { i in
                Self.look(hypotheses[i], on: results, pooled: i < centres.count ? centres[i] : nil, level: levels[k])
            }
            // Holm within this look; hypotheses decided earlier count as already rejected.
            let decided = outcomes.compactMap { $0 }.count
            let open = hypotheses.indices.filter { outcomes[$0] == nil }.sorted {
                latest[$0].pValue < latest[$1].pValue
            }
            var rank = 0
            for i in open {
                let threshold = levels[k] / Double(hypotheses.count - decided - rank)
                guard latest[i].pValue <= threshold else { break }
                outcomes[i] = Outcome(
                    look: latest[i],
                    decision: .rejected(look: k, looks: looks.count, replications: n, threshold: threshold))
                rank += 1
            }
            // An interval inside the indifference zone will not leave it: stop looking at that hypothesis.
            for i in hypotheses.indices where outcomes[i] == nil {
                let o = latest[i]
                let t = hypotheses[i].threshold
                let d = hypotheses[i].within
                if d > 0, o.lower >= t - d, o.upper <= t + d {
                    outcomes[i] = Outcome(look: o, decision: .indifferent(look: k, replications: n))
                }
            }
            if outcomes.allSatisfy({ $0 != nil }) { break }
        }
        let final = hypotheses.indices.map { i in
            outcomes[i] ?? Outcome(look: latest[i], decision: .undecided(replications: results.count))
        }
        return (results, final)
    }

    /// The t test of one hypothesis on the replications so far, at confidence level 1 − `level`;
    /// centred on `pooled` when the metric is estimated from pooled data (then the gap between
    /// it and the per-replication mean is taken off the distance to the threshold and added to
    /// the half-width).
    static func look(_ h: Hypothesis, on results: [ReplicationResult], pooled: Double?, level: Double) -> Look {
        var tally = Tally()
        for r in results where !r.values[h.metric].isNaN { tally.add(r.values[h.metric]) }
        let n = Int(tally.count)
        let t0 = h.threshold
        let pooled = pooled.flatMap { $0.isNaN ? nil : $0 }
        guard n >= 2 else {
            return Look(
                estimate: pooled ?? (tally.isEmpty ? .nan : tally.mean), lower: -.infinity, upper: .infinity,
                confidence: 1 - level, replications: n, pValue: 1, keepsBound: nil)
        }
        let centre = pooled ?? tally.mean
        let gap = pooled.map { abs($0 - tally.mean) } ?? 0
        let distance = max(0, abs(centre - t0) - gap)
        let se = tally.standardDeviation / Double(n).squareRoot()
        let p: Double
        if se == 0 {
            p = distance == 0 ? 1 : 0
        } else {
            p = 2 * StudentT.upperTail(distance / se, degreesOfFreedom: n - 1)
        }
        let half = (se == 0 ? 0 : StudentT.quantile(1 - level / 2, degreesOfFreedom: n - 1) * se) + gap
        let keeps = h.isMaximum ? centre <= t0 : centre >= t0
        return Look(
            estimate: centre, lower: centre - half, upper: centre + half,
            confidence: 1 - level, replications: n, pValue: p, keepsBound: keeps)
    }
}
