import Foundation
import InfraModel
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

    static func run(seed: Int, rate: Double, workers: Int, horizon: String) throws -> Run {
        try Run(
            yaml: """
                version: 1
                name: coverage
                horizon: \(horizon)
                warmup: 1s
                replications: 5
                seed: \(seed)
                workload:
                  arrivals: {process: poisson, rate: \(rate)/s}
                components:
                  server: {kind: server_pool, workers: \(workers), service: {exponential: {mean: 1ms}}}
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
        try Self.expectCoverage(rate: lambda, workers: 1, horizon: "21s", truth: truth)
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
}
