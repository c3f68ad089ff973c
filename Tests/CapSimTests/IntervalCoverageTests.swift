import CapSimTestSupport
import Foundation
import InfraModel
import Reporting
import SimStats
import Testing

/// The 95 % intervals capsim prints for the headline measures cover the truth as often as they
/// claim: M/M/1 at ρ = 0.5 (λ = 500/s, mean service 1 ms), run with seeds 1 … 300, 5
/// replications of 20 s each after a 1 s warm-up, against the closed forms. A correct interval
/// covers in 95 % of the runs; the count of covering runs is Binomial(300, 0.95) (mean 285,
/// sd 3.77), so the test accepts 271 … 299 — 3.9 sd either side, a false alarm about once in
/// 10,000 — which also fails an interval so wide that it always covers.
///
/// At ρ = 0.5 the queue forgets its start within tens of milliseconds, so 10,000 customers per
/// replication make each replication's estimate nearly normal and the warm-up leaves no bias
/// worth a test: a miss here is the interval's fault, not the run's length.
@Suite("Coverage of the printed 95 % intervals")
struct IntervalCoverageTests {
    static let seeds = 300

    static func run(
        seed: Int, rate: Double, workers: Int, horizon: String, warmup: String = "1s", replications: Int = 5,
        service: String = "1ms"
    ) throws -> Run {
        try Run(
            yaml: """
                version: 1
                name: coverage
                horizon: \(horizon)
                warmup: \(warmup)
                replications: \(replications)
                seed: \(seed)
                workload:
                  arrivals: {process: poisson, rate: \(rate)/s}
                components:
                  server: {kind: server_pool, workers: \(workers), service: {exponential: {mean: \(service)}}}
                """)
    }

    /// Counts, over the seeds, the runs whose interval for each id covers its true value, and
    /// expects each count in the band.
    static func expectCoverage(
        rate: Double, workers: Int, horizon: String, truth: [(id: String, value: Double)],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        var covered = [Int](repeating: 0, count: truth.count)
        for seed in 1...seeds {
            let r = try run(seed: seed, rate: rate, workers: workers, horizon: horizon)
            for (k, t) in truth.enumerated() {
                let e = try #require(r.summary[t.id], "no \(t.id)", sourceLocation: sourceLocation)
                let hw = try #require(e.halfWidth95, "\(t.id) has no interval", sourceLocation: sourceLocation)
                if abs(e.value - t.value) <= hw { covered[k] += 1 }
            }
        }
        for (k, t) in truth.enumerated() {
            #expect(
                (271...299).contains(covered[k]),
                "\(t.id): the interval covered \(t.value) in \(covered[k]) of \(seeds) runs (band 271 … 299)",
                sourceLocation: sourceLocation)
        }
    }

    /// What one seed's M/M/1 runs give the coverage tests: the baseline's (1 ms services)
    /// estimates, and the paired differences `capsim compare` prints between it and the same
    /// run at 0.8 ms (`pairedPercentiles`).
    struct SeedOutcome: Sendable {
        /// Per metric id: the baseline's pooled value and its half-width.
        var estimates: [String: (value: Double, halfWidth: Double)] = [:]
        /// Per metric id: the paired difference (0.8 ms − 1 ms) and its half-width.
        var differences: [String: (value: Double, halfWidth: Double)] = [:]
    }

    /// Each seed's outcome at λ = `rate` on one worker: the M/M/1 runs `mm1` (λ = 500/s) and
    /// `shortReplications` (λ = 800/s) check are the baselines of `pairedPercentiles`, so each
    /// is run once per seed (the suite's heaviest runs) and the tests read the same outcomes.
    static func outcomes(rate: Double, warmup: String, horizon: String, replications: Int) throws -> [SeedOutcome] {
        let estimated = [
            "latency.mean", "latency.p90", "latency.p99", "latency.p999", "latency.stddev",
            "hop.server.wait.probability", "utilization.server", "in_system.mean", "throughput",
        ]
        let paired = ["latency.p90", "latency.p99", "latency.stddev"]
        return try (1...seeds).map { seed in
            func report(_ service: String) throws -> RunReport {
                let r = try run(
                    seed: seed, rate: rate, workers: 1, horizon: horizon, warmup: warmup,
                    replications: replications, service: service)
                return RunReport(scenario: r.scenario, summary: r.summary, results: r.results)
            }
            let base = try report("1ms")
            var outcome = SeedOutcome()
            for id in estimated {
                let e = try #require(base.summary[id], "no \(id)")
                outcome.estimates[id] = (e.value, try #require(e.halfWidth95, "\(id) has no interval"))
            }
            let differences = Comparison.differences(try report("0.8ms"), against: base)
            for id in paired {
                let d = try #require(differences.first { $0.metric == id }, "no \(id)")
                outcome.differences[id] = (d.difference, d.halfWidth95)
            }
            return outcome
        }
    }

    /// λ = 500/s, 5 replications of 20 s after 1 s: computed once, by the first test to ask.
    static let atHalfLoad = Result { try outcomes(rate: 500, warmup: "1s", horizon: "21s", replications: 5) }
    /// λ = 800/s, 16 replications of 20 s after 2 s: computed once, by the first test to ask.
    static let inShortReplications = Result {
        try outcomes(rate: 800, warmup: "2s", horizon: "22s", replications: 16)
    }

    /// How many of `outcomes` cover `truth` with the baseline's interval of `id`.
    static func covering(_ outcomes: [SeedOutcome], _ id: String, _ truth: Double) throws -> Int {
        try outcomes.count {
            let e = try #require($0.estimates[id], "no \(id)")
            return abs(e.value - truth) <= e.halfWidth
        }
    }

    @Test("M/M/1 at ρ = 0.5: mean and p90 latency, P(wait), utilisation, L and throughput cover 95 % of the time")
    func mm1() throws {
        let lambda = 500.0
        let mu = 1000.0
        let rho = lambda / mu
        let truth: [(id: String, value: Double)] = [
            ("latency.mean", 1 / (mu - lambda)),
            ("latency.p90", log(10) / (mu - lambda)),
            ("hop.server.wait.probability", rho),
            ("utilization.server", rho),
            ("in_system.mean", rho / (1 - rho)),
            ("throughput", lambda),
        ]
        let outcomes = try Self.atHalfLoad.get()
        for t in truth {
            let covered = try Self.covering(outcomes, t.id, t.value)
            #expect(
                (271...299).contains(covered),
                "\(t.id): the interval covered \(t.value) in \(covered) of \(Self.seeds) runs (band 271 … 299)")
        }
    }

    /// M/M/4 at ρ = 0.7 (λ = 2,800/s, 1 ms each): the wait's mean C/(cμ − λ), its p90 and p99
    /// from P(W > t) = C·e^{−(cμ − λ)t} (C = Erlang C(4, 2.8) ≈ 0.429 > 0.1, so both lie in the
    /// wait's continuous part), P(wait) = C and utilisation ρ. 14,000 visits per replication,
    /// about 140 of them beyond the wait's p99.
    @Test("M/M/4 at ρ = 0.7: the wait's mean, p90 and p99, P(wait) and utilisation cover 95 % of the time")
    func mm4() throws {
        let lambda = 2800.0
        let mu = 1000.0
        let c = 4
        let erlangC = Queueing.erlangC(servers: c, load: lambda / mu)
        let drain = Double(c) * mu - lambda
        let truth: [(id: String, value: Double)] = [
            ("hop.server.wait.mean", erlangC / drain),
            ("hop.server.wait.p90", log(erlangC / 0.1) / drain),
            ("hop.server.wait.p99", log(erlangC / 0.01) / drain),
            ("hop.server.wait.probability", erlangC),
            ("utilization.server", lambda / (Double(c) * mu)),
        ]
        try Self.expectCoverage(rate: lambda, workers: c, horizon: "6s", truth: truth)
    }

    /// M/M/1 at ρ = 0.8 (λ = 800/s, 1 ms each) in 16 short replications of 20 s after a 2 s
    /// warm-up: 16,000 requests each, but the slow ones come in bursts (a long busy period holds
    /// dozens of them), so a replication's 16 requests beyond the p999 are one or two bursts. A
    /// percentile or standard deviation computed within such a replication is biased low, and
    /// the spread of 16 of them alone made an interval around the pooled value that covered the
    /// p999 in 230 of these 300 runs and the standard deviation in 275 (`Summary.sectioned` adds
    /// the gap between the pooled value and the replications' mean).
    ///
    /// The sojourn is exponential with rate μ − λ: its p-quantile is −ln(1 − p)/(μ − λ), its
    /// standard deviation 1/(μ − λ). The standard deviation and the p99 must cover 95 % of the
    /// time (the band above). The p999 is held to at least 255 of 300 (85 %): its pooled value
    /// rests on about 16 bursts in all, whose skew no interval from 16 replications undoes; 277
    /// of 300 (92 %) were measured, and the warning about bursts names such runs.
    @Test(
        "M/M/1 at ρ = 0.8 in short replications: the p99 and the standard deviation cover 95 %, the p999 at least 85 %")
    func shortReplications() throws {
        let drain = 1000.0 - 800.0
        let ids = ["latency.stddev", "latency.p99", "latency.p999"]
        let truth = [1 / drain, log(100) / drain, log(1000) / drain]
        let outcomes = try Self.inShortReplications.get()
        let covered = try ids.indices.map { try Self.covering(outcomes, ids[$0], truth[$0]) }
        #expect((271...299).contains(covered[0]), "latency.stddev covered in \(covered[0]) of \(Self.seeds) runs")
        #expect((271...299).contains(covered[1]), "latency.p99 covered in \(covered[1]) of \(Self.seeds) runs")
        #expect((255...299).contains(covered[2]), "latency.p999 covered in \(covered[2]) of \(Self.seeds) runs")
    }

    /// `capsim compare`'s paired differences of pooled metrics (`PairedDifference`: the pooled
    /// values' difference, the paired sectioning half-width plus the gap to the replications'
    /// mean difference). Design A is M/M/1 with 1 ms services, design B the same arrivals and
    /// the same service draws at 0.8 ms (common random numbers: each of B's services is 0.8 of
    /// A's). Sojourns are exponential with rates μ − λ, so a p-quantile's difference is
    /// −ln(1 − p)·(1/(μ_B − λ) − 1/(μ_A − λ)) and the standard deviations' likewise with 1 for
    /// −ln(1 − p). At λ = 500/s in 5 replications of 20 s (as `mm1` above), and at λ = 800/s in
    /// 16 replications of 20 s (as `shortReplications`, where bursts bias each replication's
    /// own percentiles). Measured: 292, 291 and 286 of 300 at λ = 500/s; 286, 290 and 288 at
    /// λ = 800/s, where the mean of the replications' own differences, taken as the estimate,
    /// covered in 282, 281 and 273.
    @Test("compare: the paired difference of two designs' p90, p99 and standard deviation covers 95 % of the time")
    func pairedPercentiles() throws {
        for (rate, pass) in [(500.0, Self.atHalfLoad), (800.0, Self.inShortReplications)] {
            let outcomes = try pass.get()
            let ids = ["latency.p90", "latency.p99", "latency.stddev"]
            let scale = 1 / (1250 - rate) - 1 / (1000 - rate)
            let truth = [log(10) * scale, log(100) * scale, scale]
            for (k, id) in ids.enumerated() {
                let covered = try outcomes.count {
                    let d = try #require($0.differences[id])
                    return abs(d.value - truth[k]) <= d.halfWidth
                }
                #expect(
                    (271...299).contains(covered),
                    "λ = \(rate): \(id)'s difference covered \(truth[k]) in \(covered) of \(Self.seeds) runs")
            }
        }
    }
}
