import Foundation
import Testing

/// Erlang-A: an overloaded pool kept stable by abandonment.
@Suite("Erlang-A: abandonment with exponential patience")
struct ErlangATests {
    /// P(abandon) of M/M/n+M from its birth-death chain: births λ, deaths min(j, n)μ + (j − n)⁺θ;
    /// abandonments per second are θ·E[(N − n)⁺], so P(abandon) = θ·E[(N − n)⁺]/λ. The chain is
    /// summed until its terms vanish (they fall faster than geometrically once (j − n)θ > λ).
    static func abandonment(servers n: Int, arrival λ: Double, service μ: Double, patience θ: Double) -> Double {
        var p = 1.0
        var total = 1.0
        var queued = 0.0
        var j = 0
        while true {
            j += 1
            p *= λ / (Double(min(j, n)) * μ + Double(max(j - n, 0)) * θ)
            total += p
            queued += Double(max(j - n, 0)) * p
            if j > n && p < 1e-18 * total { break }
        }
        return θ * (queued / total) / λ
    }

    @Test("the formula: no patience limit at low load means almost nobody abandons; its value for the shipped scenario")
    func formula() {
        #expect(Self.abandonment(servers: 4, arrival: 100, service: 100, patience: 0.001) < 1e-6)
        #expect(abs(Self.abandonment(servers: 4, arrival: 480, service: 100, patience: 50) - 0.2396) < 0.0005)
    }

    @Test("Scenarios/erlang-a.yaml at 120 % load: the share of requests dropped as abandoned matches Erlang-A")
    func erlangA() throws {
        let run = try Run("erlang-a.yaml", ["horizon=60s", "warmup=5s", "replications=10"])
        expectConservation(run)
        let theory = Self.abandonment(servers: 4, arrival: 480, service: 100, patience: 50)
        run.expectMatches("attempts.dropped.rate", theory)
        // Everyone else is served: the pool is busy with 480 (1 − P(ab)) requests/s.
        run.expectMatches("utilization.pool", 480 * (1 - theory) / 400)
    }

    @Test("without drop_expired the pool serves abandoned requests for nobody and its queue grows without bound")
    func withoutDropping() throws {
        let run = try Run(
            "erlang-a.yaml", ["horizon=20s", "warmup=2s", "replications=3", "components.pool.drop_expired=false"])
        // Every request is served, so 120 % of capacity: the pool is saturated and the timeouts
        // turn almost every request into an error.
        for u in run.values("utilization.pool") { #expect(u > 0.999) }
        for a in run.values("availability.request") { #expect(a < 0.05) }
    }
}
