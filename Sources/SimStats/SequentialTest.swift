/// The sequential test behind SLO verdicts (README "SLOs and the CI gate"): hypotheses "the true
/// value of a metric equals its threshold", tested on replications taken in planned batches.
///
/// At each look k (a replication count n_k of the plan), each open hypothesis gets a one-sample
/// t test on the per-replication values of its metric over the prefix 0 ..< n_k. The error budget
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
        /// Mean of the per-replication values (NaN when there is none).
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
        /// Whether the mean lies on the side of the threshold the bound allows; nil with fewer
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
    /// be empty.
    public func run(
        looks: [Int], run: (Range<Int>) -> [ReplicationResult]
    ) -> (results: [ReplicationResult], outcomes: [Outcome]) {
        let levels = Self.spending(looks: looks, alpha: alpha)
        var results: [ReplicationResult] = []
        var outcomes: [Outcome?] = Array(repeating: nil, count: hypotheses.count)
        var latest: [Look] = []
        for (k, n) in looks.enumerated() {
            results += run(results.count..<n)
            latest = hypotheses.map { Self.look($0, on: results, level: levels[k]) }
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

    /// The t test of one hypothesis on the replications so far, at confidence level 1 − `level`.
    static func look(_ h: Hypothesis, on results: [ReplicationResult], level: Double) -> Look {
        var tally = Tally()
        for r in results where !r.values[h.metric].isNaN { tally.add(r.values[h.metric]) }
        let n = Int(tally.count)
        let t0 = h.threshold
        guard n >= 2 else {
            return Look(
                estimate: tally.isEmpty ? .nan : tally.mean, lower: -.infinity, upper: .infinity,
                confidence: 1 - level, replications: n, pValue: 1, keepsBound: nil)
        }
        let se = tally.standardDeviation / Double(n).squareRoot()
        let p: Double
        if se == 0 {
            p = tally.mean == t0 ? 1 : 0
        } else {
            p = 2 * StudentT.upperTail(abs(tally.mean - t0) / se, degreesOfFreedom: n - 1)
        }
        let half = se == 0 ? 0 : StudentT.quantile(1 - level / 2, degreesOfFreedom: n - 1) * se
        let keeps = h.isMaximum ? tally.mean <= t0 : tally.mean >= t0
        return Look(
            estimate: tally.mean, lower: tally.mean - half, upper: tally.mean + half,
            confidence: 1 - level, replications: n, pValue: p, keepsBound: keeps)
    }
}
