import CGSL
import ScenarioLanguage
import SimStats

/// PASS, FAIL or INCONCLUSIVE: an SLO's verdict, decided from a confidence interval.
public enum Verdict: String, Sendable, Equatable, Comparable {
    case pass = "PASS"
    case inconclusive = "INCONCLUSIVE"
    case fail = "FAIL"

    /// FAIL is worse than INCONCLUSIVE, which is worse than PASS.
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
    private var rank: Int { switch self { case .pass: 0; case .inconclusive: 1; case .fail: 2 } }
}

/// One SLO's verdict and the evidence behind it.
public struct SLOOutcome: Sendable, Equatable {
    public var slo: SLOSpec
    public var verdict: Verdict
    /// Mean of the per-replication values on the deciding prefix.
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
/// Statistics (README "SLO verdicts"): at each look k (replication counts from the plan), the
/// per-replication values of an SLO's metric over the prefix 0 ..< n_k give a t statistic
/// against the threshold. The error budget α is spent across looks by the power-2 spending
/// function, α_k = α·((n_k/N)² − (n_{k−1}/N)²), and within a look across SLOs by Holm's
/// step-down procedure (SLOs decided at earlier looks keep their place as rejected hypotheses).
/// A decided SLO is PASS or FAIL by the side of the threshold its mean lies on, and stays
/// decided. An SLO whose interval lies inside its indifference zone, or that is undecided when
/// the plan runs out, is INCONCLUSIVE. The probability of any wrong verdict (PASS when the true
/// value breaks the SLO, or FAIL when it keeps it) is at most α by the union bound over looks.
///
/// Decisions use replication prefixes only, so they do not depend on threads or shards.
public struct SLOGate: Sendable {
    public var slos: [SLOSpec]
    public var alpha: Double

    public init(slos: [SLOSpec], alpha: Double = 0.05) { self.slos = slos; self.alpha = alpha }

    /// The error budget of each look.
    public static func spending(looks: [Int], alpha: Double) -> [Double] {
        guard let last = looks.last, last > 0 else { return [] }
        var previous = 0.0
        return looks.map { n in
            let t = Double(n) / Double(last)
            defer { previous = t * t }
            return alpha * (t * t - previous)
        }
    }

    /// Runs `plan`, asking `run` for the replications of each batch (a range of replication
    /// indices), and decides every SLO. Stops early once all SLOs are settled.
    public func evaluate(plan: ReplicationPlan, layout: MetricLayout,
                         run: (Range<Int>) -> [ReplicationResult]) -> (results: [ReplicationResult], outcomes: [SLOOutcome]) {
        let looks = plan.looks
        let levels = Self.spending(looks: looks, alpha: alpha)
        var results: [ReplicationResult] = []
        var outcomes: [SLOOutcome?] = Array(repeating: nil, count: slos.count)
        var latest: [SLOOutcome] = []
        for (k, n) in looks.enumerated() {
            results += run(results.count..<n)
            latest = slos.map { evaluate($0, on: results, layout: layout, level: levels[k]) }
            // Holm within this look; SLOs decided earlier count as already rejected.
            let decided = outcomes.compactMap { $0 }.count
            let open = slos.indices.filter { outcomes[$0] == nil }.sorted { latest[$0].pValue < latest[$1].pValue }
            var rank = 0
            for i in open {
                let threshold = levels[k] / Double(slos.count - decided - rank)
                guard latest[i].pValue <= threshold else { break }
                var o = latest[i]
                o.reason = "decided at look \(k + 1) of \(looks.count) (n = \(n), p = \(shortNumber(o.pValue)) ≤ \(shortNumber(threshold)))"
                outcomes[i] = o
                rank += 1
            }
            // An interval inside the indifference zone will not leave it: stop looking at that SLO.
            for i in slos.indices where outcomes[i] == nil {
                let o = latest[i], t = slos[i].bound.threshold, d = slos[i].within
                if d > 0, o.lower >= t - d, o.upper <= t + d {
                    var o = o
                    o.verdict = .inconclusive
                    o.reason = "within the indifference zone ±\(shortNumber(d)) of the threshold at look \(k + 1) (n = \(n))"
                    outcomes[i] = o
                }
            }
            if outcomes.allSatisfy({ $0 != nil }) { break }
        }
        var final = slos.indices.map { i in
            outcomes[i] ?? {
                var o = latest[i]
                o.verdict = .inconclusive
                o.reason = "undecided after \(results.count) replications (the plan's maximum)"
                return o
            }()
        }
        // Availability needs failures to observe: a PASS on too few failure events proves
        // nothing (most replications of a rare-failure design see none, and [100 %, 100 %] is
        // the interval of a run that never saw an outage).
        if !layout.failureEvidence.isEmpty {
            for i in final.indices where final[i].verdict == .pass && Self.needsFailureEvidence(slos[i].metric) {
                let n = final[i].replications
                let events = results.prefix(n).reduce(0.0) { sum, r in sum + layout.failureEvidence.reduce(0) { $0 + r.values[$1] } }
                if events < Double(Self.minimumFailureEvents) {
                    final[i].verdict = .inconclusive
                    final[i].reason = "only \(Int(events)) failure events in \(n) replications: too few to vouch for availability (at least \(Self.minimumFailureEvents); run a longer horizon or more replications)"
                }
            }
        }
        return (results, final)
    }

    /// Failure events (summed over the deciding replications) an availability PASS needs.
    public static let minimumFailureEvents = 10

    /// Metrics whose PASS says "failures do not hurt enough": availability and downtime.
    static func needsFailureEvidence(_ metric: String) -> Bool {
        metric.hasPrefix("availability.") || metric.hasPrefix("downtime.")
    }

    /// The test of one SLO on the replications so far, at confidence level 1 − `level`.
    func evaluate(_ slo: SLOSpec, on results: [ReplicationResult], layout: MetricLayout, level: Double) -> SLOOutcome {
        let i = layout.index(of: slo.metric)!
        var tally = Tally()
        for r in results where !r.values[i].isNaN { tally.add(r.values[i]) }
        let n = Int(tally.count), t0 = slo.bound.threshold
        guard n >= 2 else {
            return SLOOutcome(slo: slo, verdict: .inconclusive, estimate: tally.isEmpty ? .nan : tally.mean, lower: -.infinity,
                              upper: .infinity, level: 1 - level, replications: n, pValue: 1, reason: "fewer than 2 replications with a value")
        }
        let se = tally.standardDeviation / Double(n).squareRoot()
        let p: Double
        if se == 0 { p = tally.mean == t0 ? 1 : 0 } else {
            p = 2 * gsl_cdf_tdist_Q(abs(tally.mean - t0) / se, Double(n - 1))
        }
        let half = se == 0 ? 0 : StudentT.quantile(1 - level / 2, degreesOfFreedom: n - 1) * se
        let keeps: Bool
        switch slo.bound {
        case .max: keeps = tally.mean <= t0
        case .min: keeps = tally.mean >= t0
        }
        return SLOOutcome(slo: slo, verdict: keeps ? .pass : .fail, estimate: tally.mean, lower: tally.mean - half,
                          upper: tally.mean + half, level: 1 - level, replications: n, pValue: p, reason: "")
    }
}

/// Up to four significant digits, for messages.
func shortNumber(_ x: Double) -> String {
    if x == 0 || !x.isFinite { return "\(x)" }
    var scale = 1.0, digits = 3
    let a = abs(x)
    if a >= 1 { return TableReport.fixed(x, a >= 1000 ? 0 : 3) }
    while a * scale < 1 { scale *= 10; digits += 1 }
    return TableReport.fixed(x, min(digits, 12))
}
