import CapSimTestSupport
import Foundation
import SimStats
import Testing

/// The spread measures against closed forms, within the same honest bounds as "Queueing theory"
/// (`expectMean`: about 3.9 standard errors across replications plus a 0.2 % floor).
@Suite("Spread and distributions against theory")
struct DistributionTheoryTests {
    @Test("M/M/1 (ρ = 0.9): latency sd = 1/(μ − λ); P(wait > 0) = ρ; wait sd = √(ρ(2 − ρ))/(μ − λ)")
    func mm1Spread() throws {
        let run = try Run("mm1.yaml", ["horizon=600s", "warmup=30s", "replications=30"])
        let rate = 1000.0 - 900.0
        run.expectMatches("latency.stddev", 1 / rate)
        run.expectMatches("hop.server.wait.probability", 0.9)
        // The wait W is 0 with probability 1 − ρ, else Exp(μ − λ): E[W²] = 2ρ/(μ − λ)².
        run.expectMatches("hop.server.wait.stddev", (0.9 * (2 - 0.9)).squareRoot() / rate)
    }

    @Test("M/M/8 (ρ = 0.9): P(wait > 0) is Erlang C")
    func mmcWaitProbability() throws {
        let run = try Run("mmc.yaml", ["horizon=60s", "warmup=6s", "replications=20"])
        run.expectMatches("hop.pool.wait.probability", Queueing.erlangC(servers: 8, load: 7.2))
    }

    @Test("M/M/1 (ρ = 0.9): in system ~ geometric P(N = n) = (1 − ρ)ρⁿ, waiting P(Nq = k) = (1 − ρ)ρ^{k+1}")
    func mm1Counts() throws {
        let rho = 0.9
        let run = try Run("mm1.yaml", ["horizon=600s", "warmup=30s", "replications=30"])
        guard let system = run.layout.distributions.firstIndex(of: "in_system"),
            let queue = run.layout.distributions.firstIndex(of: "queue.server"),
            let station = run.layout.distributions.firstIndex(of: "in_system.server")
        else {
            Issue.record("missing distributions: \(run.layout.distributions)")
            return
        }
        for n in [0, 1, 5, 10, 20] {
            let shares = run.results.map { r in
                let s = r.distributions[system].shares
                return n < s.count ? s[n] : 0
            }
            expectMean(shares, (1 - rho) * pow(rho, Double(n)), label: "P(N = \(n))", floor: 0.005)
        }
        for k in [0, 1, 5, 10] {
            let theory = k == 0 ? 1 - rho * rho : (1 - rho) * pow(rho, Double(k + 1))
            let shares = run.results.map { r in
                let s = r.distributions[queue].shares
                return k < s.count ? s[k] : 0
            }
            expectMean(shares, theory, label: "P(Nq = \(k))", floor: 0.005)
        }
        // One station: the requests at it are the requests in the system.
        #expect(run.results.allSatisfy { $0.distributions[station] == $0.distributions[system] })
        run.expectMatches("in_system.server.mean", rho / (1 - rho))
        // The median: P(N ≤ 5) = 0.469, P(N ≤ 6) = 0.522, so the pooled p50 is 6 unless the
        // estimate of P(N ≤ 5) or P(N ≤ 6) is off by more than 0.022 (many standard errors here).
        #expect(run.summary["in_system.p50"]?.value == 6)
        #expect(run.summary["queue.server.p50"]?.value == 5)
    }
}
