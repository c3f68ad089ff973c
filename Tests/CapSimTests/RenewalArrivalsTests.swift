import CapSimTestSupport
import Foundation
import ScenarioLanguage
import Testing
import Theory

/// Constant and gamma arrivals that reach a pool as a renewal process, exponential service:
/// the simulation against Takács's GI/M/c (`RenewalQueue`), which `validate` and the run's
/// "(theory)" columns print. `ModelSpec.renewalGaps` decides where it applies.
@Suite struct RenewalArrivalsTests {
    static func theory(_ run: Run, station: Int = 0) throws -> RenewalQueue {
        try #require(run.scenario.model.offeredLoad()[station].renewalQueue)
    }

    @Test("GI/M/4 with gamma gaps of cv 2 (gm4-bursty.yaml): mean wait, P(wait), sojourn, queue length")
    func bursty() throws {
        let run = try Run("gm4-bursty.yaml", ["horizon=120s", "warmup=10s", "replications=20"])
        let q = try Self.theory(run)
        #expect(abs(q.meanWait - 0.002_336_44) < 1e-8 && abs(q.waitProbability - 0.781_73) < 1e-5)
        run.expectMatches("hop.pool.wait.mean", q.meanWait)
        run.expectMatches("hop.pool.wait.probability", q.waitProbability)
        run.expectMatches("latency.mean", q.meanWait + 0.001)
        run.expectMatches("queue.pool.mean", 3_200 * q.meanWait)
        run.expectMatches("utilization.pool", 0.8)
        expectConservation(run)
    }

    @Test("D/M/4: arrivals like a metronome wait less than Poisson ones")
    func metronome() throws {
        let run = try Run(
            "gm4-bursty.yaml",
            ["horizon=60s", "warmup=5s", "replications=20", "workload.arrivals={process: constant, rate: 3200/s}"])
        let q = try Self.theory(run)
        #expect(abs(q.meanWait - 0.000_272_504) < 1e-9)
        run.expectMatches("hop.pool.wait.mean", q.meanWait)
        run.expectMatches("hop.pool.wait.probability", q.waitProbability)
        expectConservation(run)
    }

    @Test("Poisson arrivals by round robin over instances of two workers: E4/M/2, not Allen–Cunneen's estimate")
    func erlangGaps() throws {
        let run = try Run(
            "mmc.yaml",
            [
                "horizon=60s", "warmup=5s", "replications=20", "workload.arrivals={process: poisson, rate: 7200/s}",
                "components.pool.instances=4", "components.pool.workers=2", "components.pool.balance=round_robin",
            ])
        let q = try Self.theory(run)
        #expect(q.gaps == RenewalGaps(source: .poisson(rate: 7_200), every: 4) && q.servers == 2)
        #expect(abs(q.meanWait - 0.002_510) < 1e-6 && abs(q.waitProbability - 0.786_35) < 1e-5)
        run.expectMatches("hop.pool.wait.mean", q.meanWait)
        run.expectMatches("hop.pool.wait.probability", q.waitProbability)
        let line = capsim([
            "validate", scenarioPath("mmc.yaml"), "--set", "workload.arrivals={process: poisson, rate: 7200/s}",
            "--set", "components.pool.instances=4", "--set", "components.pool.workers=2",
            "--set", "components.pool.balance=round_robin",
        ])
        #expect(
            line.out.contains(
                "mean wait 2.510 ms (E4/M/2: round robin gives each instance one arrival in 4, Takács: waits with probability 78.6 %; Erlang C for M/M/2: 4.263 ms)"
            ), "\(line.out)")
        // One worker per instance keeps E_n/M/1 (`BalanceSplit.erlangArrivalsWait`), as before.
        let one = try ScenarioLoader.load(
            path: scenarioPath("mmc.yaml"),
            overrides: ["components.pool.instances=8", "components.pool.workers=1"].map { try Override(parsing: $0) })
        #expect(one.model.renewalGaps(station: 0) == nil && one.model.offeredLoad()[0].erlangArrivals)
    }

    static let thinned = """
        version: 1
        horizon: 60s
        warmup: 5s
        replications: 20
        seed: 7
        workload:
          arrivals: {process: constant, rate: 6000/s}
          classes:
            - {name: a, weight: 1, path: [lb, server]}
            - {name: b, weight: 1, path: [other]}
        components:
          lb: {kind: load_balancer, targets: server, policy: round_robin, latency: {deterministic: 0.3ms}}
          server: {kind: server_pool, instances: 2, workers: 2, queue: unlimited, service: {exponential: {mean: 1ms}}}
          other: {kind: server_pool, workers: unlimited, service: {exponential: {mean: 1ms}}}
        """

    @Test("a class's random share, behind a constant delay, split by round robin: still GI/M/c (c_a² 0.25)")
    func thinnedAndSplit() throws {
        let run = try Run(yaml: Self.thinned)
        let q = try Self.theory(run, station: 1)
        #expect(q.gaps == RenewalGaps(source: .constant(rate: 6_000), kept: 0.5, every: 2) && q.servers == 2)
        run.expectMatches("hop.server.wait.mean", q.meanWait)
        run.expectMatches("hop.server.wait.probability", q.waitProbability)
        expectConservation(run)
    }

    @Test("where the arrivals are reshaped, no GI/M/c: Allen–Cunneen's estimate instead")
    func reshaped() throws {
        func gaps(
            _ sets: [String], yaml: String = RenewalArrivalsTests.thinned, station: Int = 1
        ) throws -> RenewalGaps? {
            let s = try ScenarioLoader.parse(yaml: yaml, overrides: sets.map { try Override(parsing: $0) })
            return s.model.renewalGaps(station: station)
        }
        #expect(try gaps([]) != nil)
        // A random delay in front reorders the gaps.
        #expect(try gaps(["components.lb.latency={exponential: {mean: 0.3ms}}"]) == nil)
        // Joining the shortest queue picks by the instances' state.
        #expect(try gaps(["components.lb.policy=least_outstanding"]) == nil)
        // Two classes with their own processes: a superposition.
        let own = """
            version: 1
            horizon: 10s
            workload:
              classes:
                - {name: a, path: [server], arrivals: {process: constant, rate: 10/s}}
                - {name: b, path: [server], arrivals: {process: constant, rate: 20/s}}
            components:
              server: {kind: server_pool, queue: unlimited, service: {exponential: {mean: 1ms}}}
            """
        #expect(try gaps([], yaml: own, station: 0) == nil)
        // One class alone with its own process is fine.
        #expect(
            try gaps(
                [
                    "workload.classes.1.path=[other]",
                    "components.other={kind: server_pool, service: {exponential: {mean: 1ms}}}",
                ], yaml: own, station: 0)
                == RenewalGaps(source: .constant(rate: 10)))
        // Poisson keeps its own models (Erlang C, E_n/M/1) but for round robin over several
        // workers (E_n/M/c).
        #expect(
            try gaps(["workload.arrivals={process: poisson, rate: 6000/s}"])
                == RenewalGaps(source: .poisson(rate: 6_000), kept: 0.5, every: 2))
        #expect(
            try gaps(["workload.arrivals={process: poisson, rate: 6000/s}", "components.lb.policy=random"]) == nil)
        // Clients' retries add arrivals.
        #expect(try gaps(["workload.client={timeout: 1s, retries: {max: 2}}"]) == nil)
        // A station with finite workers in front (a tandem's later stations); the first
        // station of the pipeline gets the arrivals as they come.
        let tandem = try ScenarioLoader.load(
            path: scenarioPath("tandem.yaml"),
            overrides: [try Override(parsing: "workload.arrivals={process: constant, rate: 500/s}")])
        #expect(tandem.model.renewalGaps(station: 0) == RenewalGaps(source: .constant(rate: 500)))
        #expect(tandem.model.renewalGaps(station: 1) == nil && tandem.model.renewalGaps(station: 2) == nil)
        // A service that is not exponential: Allen–Cunneen, marked ≈.
        let lognormal = capsim([
            "validate", scenarioPath("gm4-bursty.yaml"), "--set",
            "components.pool.service={lognormal: {mean: 1ms, cv: 1}}",
        ])
        #expect(lognormal.out.contains("mean wait ≈ ") && lognormal.out.contains("(Allen–Cunneen; Erlang C for M/M/4:"))
    }

    @Test(
        "validate's line and JSON; an exponential service fed constant arrivals elsewhere gets Allen–Cunneen, not Erlang C"
    )
    func text() throws {
        let line = capsim(["validate", scenarioPath("gm4-bursty.yaml")])
        #expect(
            line.out.hasSuffix(
                "  pool: offered 3200.00/s, utilisation 80.0 %, mean wait 2.336 ms (GI/M/4, gaps' c_a² 4.000, Takács: waits with probability 78.2 %; Erlang C for M/M/4: 745.541 µs), wait p99 13.028 ms\n"
            ), "\(line.out)")
        let json = capsim(["validate", scenarioPath("gm4-bursty.yaml"), "--format", "json"])
        #expect(
            json.out.contains("\"wait_model\": \"renewal_arrivals\"") && json.out.contains("\"wait_probability\": 0.78")
        )
        // A tandem's first station is D/M/1; the next ones see departures, not the arrivals:
        // Allen–Cunneen with the arrivals' c_a² = 0, an estimate (not Erlang C's M/M/1 figure).
        let tandem = capsim([
            "validate", scenarioPath("tandem.yaml"), "--set", "workload.arrivals={process: constant, rate: 500/s}",
        ])
        #expect(tandem.out.contains("  edge: offered 500.00/s, utilisation 50.0 %, mean wait "), "\(tandem.out)")
        #expect(tandem.out.contains(" (D/M/1, Takács: waits with probability "), "\(tandem.out)")
        #expect(
            tandem.out.contains(
                "  app: offered 500.00/s, utilisation 40.0 %, mean wait ≈ 266.667 µs (Allen–Cunneen; Erlang C for M/M/1: 533.333 µs)"
            ), "\(tandem.out)")
        #expect(!tandem.out.contains("(Erlang C, M/M/1)"), "\(tandem.out)")
    }
}
