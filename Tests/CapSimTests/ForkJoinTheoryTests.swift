import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing
import Theory

/// A synchronous fan-out holds its caller's worker until the slowest branch returns: the
/// caller's utilisation is λ·(S + E[max of the branches])/c, where the mean of the maximum
/// exceeds the largest branch mean. `validate`'s figure (`ForkJoin`) against the simulation:
/// exact for branches that do not queue, an upper estimate for branches that do.
@Suite("Fan-outs against theory")
struct ForkJoinTheoryTests {
    /// `api` (64 exponential 1 ms workers, never queueing at 1000/s) fans out to `calls`.
    func run(_ calls: String, _ components: String) throws -> Run {
        try Run(
            yaml: """
                version: 1
                name: fork
                horizon: 60s
                warmup: 5s
                replications: 8
                seed: 7
                workload:
                  arrivals: {process: poisson, rate: 1000/s}
                  classes:
                    - name: page
                      path:
                        - to: api
                          calls: \(calls)
                components:
                  api: {kind: server_pool, workers: 64, service: {exponential: {mean: 1ms}}}
                \(components)
                """)
    }

    func utilization(_ run: Run) throws -> Double {
        try #require(run.scenario.model.offeredLoad()[0].utilization)
    }

    @Test("pure delays: the caller holds for E[max(Exp(4 ms), lognormal(3 ms, cv 1.5))] = 5.4056 ms, not 4 ms")
    func delays() throws {
        let r = try run(
            "[{parallel: [a, b]}]",
            """
              a: {kind: server_pool, workers: unlimited, service: {exponential: {mean: 4ms}}}
              b: {kind: server_pool, workers: unlimited, service: {lognormal: {mean: 3ms, cv: 1.5}}}
            """)
        // ∫(1 − F_a·F_b) by mpmath to 30 digits: 5.40560420515261 ms.
        let hold = 0.001 + 0.00540560420515261
        let u = try utilization(r)
        #expect(abs(u - hold * 1000 / 64) <= 1e-5 * u, "validate's \(u) against \(hold * 1000 / 64)")
        r.expectMatches("utilization.api", hold * 1000 / 64)
        r.expectMatches("hop.api.inclusive.mean", hold)
        expectConservation(r)
    }

    @Test("an optional branch and a repeated one: E[max] = 3 + 2 − ½·12/7 ms")
    func optionalAndRepeated() throws {
        // a: made with probability ½, then Exp(4 ms); b: a geometric number of Exp(1.5 ms)
        // calls with mean 2, which sum to Exp(3 ms). E[max] = ∫ e^{−t/3} + ½e^{−t/4} − ½e^{−7t/12}.
        let r = try run(
            "[{parallel: [{to: a, probability: 50%}, {to: b, repeat: {mean: 2}}]}]",
            """
              a: {kind: server_pool, workers: unlimited, service: {exponential: {mean: 4ms}}}
              b: {kind: server_pool, workers: unlimited, service: {exponential: {mean: 1.5ms}}}
            """)
        let hold = 0.001 + 0.003 + 0.002 - 0.0005 * 12 / 7
        let u = try utilization(r)
        #expect(abs(u - hold * 1000 / 64) <= 1e-5 * u, "validate's \(u) against \(hold * 1000 / 64)")
        r.expectMatches("utilization.api", hold * 1000 / 64)
    }

    @Test(
        "two M/M/1 branches at ρ = ½: the run gives Nelson and Tantawi's exact (12 − ρ)/8/(μ − λ); validate the independent 1.5/(μ − λ) above it"
    )
    func queueingBranches() throws {
        let r = try run(
            "[{parallel: [a, b]}]",
            """
              a: {kind: server_pool, service: {exponential: {mean: 0.5ms}}}
              b: {kind: server_pool, service: {exponential: {mean: 0.5ms}}}
            """)
        // μ − λ = 1000/s: each branch's sojourn is Exp(1 ms); their waits follow the same arrivals.
        let exact = 0.001 + (12 - 0.5) / 8 * 0.001
        let independent = 0.001 + 0.0015
        let u = try utilization(r)
        #expect(abs(u - independent * 1000 / 64) <= 1e-5 * u, "validate's \(u) against \(independent * 1000 / 64)")
        r.expectMatches("utilization.api", exact * 1000 / 64)
        r.expectMatches("hop.api.inclusive.mean", exact)
    }
}
