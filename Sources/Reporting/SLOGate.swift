import ScenarioLanguage
import SimStats

/// PASS, FAIL or INCONCLUSIVE: an SLO's verdict, decided from a confidence interval.
public enum Verdict: String, Sendable, Equatable, Comparable {
    case pass = "PASS"
    case inconclusive = "INCONCLUSIVE"
    case fail = "FAIL"

    /// FAIL is worse than INCONCLUSIVE, which is worse than PASS.
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
    private var rank: Int {
        switch self {
        case .pass: 0
        case .inconclusive: 1
        case .fail: 2
        }
    }
}

/// One SLO's verdict and the evidence behind it.
public struct SLOOutcome: Sendable, Equatable {
    public var slo: SLOSpec
    public var verdict: Verdict
    /// Mean of the per-replication values on the deciding prefix; for a percentile or a
    /// standard deviation, the value of the prefix's pooled histogram (as the report prints it).
    public var estimate: Double
    /// Confidence interval at the level spent on the deciding look (`level`).
    public var lower: Double
    public var upper: Double
    public var level: Double
    /// Replications the verdict is based on (a prefix 0 ..< n).
    public var replications: Int
    /// Two-sided p-value of "the true value equals the threshold".
    public var pValue: Double
    /// Why: decided at which look, or why it stayed inconclusive.
    public var reason: String
}

/// The SLO gate: decides every SLO of a scenario from replications taken in planned batches.
///
/// The statistics are `SequentialTest`'s (SimStats; README "SLOs and the CI gate"): one t test
/// per SLO and look, the error budget α spent across looks by a spending function and across
/// SLOs by Holm's step-down procedure, so the probability of any wrong verdict (PASS when the
/// true value breaks the SLO, or FAIL when it keeps it) is at most α. The gate turns each decision into a
/// verdict and its reason: a rejected hypothesis is PASS or FAIL by the side of the threshold the
/// estimate lies on; one whose interval lies inside its indifference zone, or that is undecided when
/// the plan runs out, is INCONCLUSIVE. It then holds back an availability PASS that rests on too
/// few failures.
///
/// Decisions use replication prefixes only, so they do not depend on threads or shards.
public struct SLOGate: Sendable {
    public var slos: [SLOSpec]
    public var alpha: Double

    public init(slos: [SLOSpec], alpha: Double = 0.05) {
        self.slos = slos
        self.alpha = alpha
    }

    /// Runs `plan`, asking `run` for the replications of each batch (a range of replication
    /// indices), and decides every SLO. Stops early once all SLOs are settled. Every SLO's
    /// metric must be in `layout` (the decoder checks it).
    ///
    /// A percentile's or a standard deviation's estimate at each look comes from the pooled
    /// histograms of the replications so far: `pool`'s when the batches absorb their
    /// replications' histograms into it in replication order (as `capsim run` and `check` do),
    /// or else the results' own, merged here.
    public func evaluate(
        plan: ReplicationPlan, layout: MetricLayout, pool: Pool? = nil,
        run: (Range<Int>) -> [ReplicationResult]
    ) -> (results: [ReplicationResult], outcomes: [SLOOutcome]) {
        let hypotheses = slos.map { slo in
            guard let metric = layout.index(of: slo.metric) else {
                preconditionFailure("SLO metric '\(slo.metric)' is not in the layout (the decoder validates it)")
            }
            let isMaximum = if case .max = slo.bound { true } else { false }
            return SequentialTest.Hypothesis(
                metric: metric, threshold: slo.bound.threshold, isMaximum: isMaximum, within: slo.within)
        }
        let kinds = hypotheses.map { layout.metrics[$0.metric].kind }
        let pooled: ([ReplicationResult]) -> [Double?] = { results in
            guard kinds.contains(where: \.isPooled) else { return [] }
            let merged = Pool.pooled(results, layout: layout, pool: pool)
            return kinds.map { $0.pooledValue(histograms: merged.histograms, distributions: merged.distributions) }
        }
        let (results, tested) = SequentialTest(hypotheses: hypotheses, alpha: alpha).run(
            looks: plan.looks, pooled: pooled, run: run)
        var final = zip(slos, tested).map { Self.outcome($0, $1) }
        // Availability needs failures to observe: a PASS on too few failure events proves
        // nothing (most replications of a rare-failure design see none, and [100 %, 100 %] is
        // the interval of a run that never saw an outage).
        if !layout.failureEvidence.isEmpty {
            for i in final.indices where final[i].verdict == .pass && Self.needsFailureEvidence(slos[i].metric) {
                let n = final[i].replications
                let events = results.prefix(n).reduce(0.0) { sum, r in
                    sum + layout.failureEvidence.reduce(0) { $0 + r.values[$1] }
                }
                if events < Double(Self.minimumFailureEvents) {
                    final[i].verdict = .inconclusive
                    final[i].reason =
                        "only \(Int(events)) failure events in \(n) replications: too few to vouch for availability (at least \(Self.minimumFailureEvents); run a longer horizon or more replications)"
                }
            }
        }
        return (results, final)
    }

    /// Failure events (summed over the deciding replications) an availability PASS needs.
    public static let minimumFailureEvents = 10

    /// Metrics whose PASS says "failures do not hurt enough": availability, downtime and
    /// outage episodes (their count, durations, MTBF and MTTF).
    static func needsFailureEvidence(_ metric: String) -> Bool {
        metric.hasPrefix("availability.") || metric.hasPrefix("downtime.") || metric.hasPrefix("outages.")
    }

    /// The verdict and reason of one SLO from its test's outcome.
    static func outcome(_ slo: SLOSpec, _ o: SequentialTest.Outcome) -> SLOOutcome {
        let look = o.look
        var verdict = Verdict.inconclusive
        let reason: String
        switch o.decision {
        case .rejected(let k, let looks, let n, let threshold):
            if let keeps = look.keepsBound { verdict = keeps ? .pass : .fail }
            reason =
                "decided at look \(k + 1) of \(looks) (n = \(n), p = \(shortNumber(look.pValue)) ≤ \(shortNumber(threshold)))"
        case .indifferent(let k, let n):
            reason =
                "within the indifference zone ±\(shortNumber(slo.within)) of the threshold at look \(k + 1) (n = \(n))"
        case .undecided(let n) where look.replications == 0:
            // Every replication's value was NaN: there was nothing to measure, which more
            // replications of the same design would not change.
            reason =
                slo.metric.contains("latency")
                ? "no value of \(slo.metric) in any of \(n) replications: latencies count successful requests, and none succeeded"
                : "no value of \(slo.metric) in any of \(n) replications: nothing it measures happened"
        case .undecided(let n):
            reason = "undecided after \(n) replications (the plan's maximum)"
        }
        return SLOOutcome(
            slo: slo, verdict: verdict, estimate: look.estimate, lower: look.lower, upper: look.upper,
            level: look.confidence, replications: look.replications, pValue: look.pValue, reason: reason)
    }
}

/// Up to four significant digits, for messages.
func shortNumber(_ x: Double) -> String {
    if x == 0 || !x.isFinite { return "\(x)" }
    var scale = 1.0
    var digits = 3
    let a = abs(x)
    if a >= 1 { return TableReport.fixed(x, a >= 1000 ? 0 : 3) }
    while a * scale < 1 {
        scale *= 10
        digits += 1
    }
    return TableReport.fixed(x, min(digits, 12))
}
