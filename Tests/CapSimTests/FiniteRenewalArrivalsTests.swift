import CapSimTestSupport
import Foundation
import ScenarioLanguage
import Testing
import Theory

/// A bounded queue fed arrivals that reach it as a renewal process other than Poisson,
/// exponential service: the simulation against GI/M/c/K (`FiniteRenewalQueue`), which
/// `validate` and the run's "(theory)" columns print, exact, in place of M/M/c/K's estimate.
@Suite struct FiniteRenewalArrivalsTests {
    static func theory(_ run: Run) throws -> FiniteRenewalQueue {
        try #require(run.scenario.model.offeredLoad()[0].finiteRenewalQueue)
    }

    static let bursty = [
        "horizon=100s", "warmup=10s", "replications=10", "workload.arrivals={process: gamma, rate: 3000/s, cv: 2}",
        "components.pool.queue=6",
    ]

    @Test("GI/M/4/10 with gamma gaps of cv 2: turned away, carried utilisation, wait, P(wait), requests present")
    func bursty() throws {
        let run = try Run("gm4-bursty.yaml", Self.bursty)
        let q = try Self.theory(run)
        // The embedded chain by matrix exponentials, apart (`FiniteRenewalQueueTests`).
        #expect(abs(q.blocking - 0.120_670_049) < 1e-8 && abs(q.meanWait - 0.000_468_597_37) < 1e-10)
        run.expectMatches("errors.queue_full.rate", q.blocking)
        run.expectMatches("utilization.pool", q.utilization)
        run.expectMatches("hop.pool.wait.mean", q.meanWait)
        run.expectMatches("hop.pool.wait.probability", q.waitProbability)
        run.expectMatches("in_system.mean", q.meanInSystem)
        expectConservation(run)
    }

    @Test("Poisson arrivals by round robin over single workers with a bounded queue: E2/M/1/4")
    func erlangGaps() throws {
        let run = try Run(
            "mmc.yaml",
            [
                "horizon=100s", "warmup=10s", "replications=10", "workload.arrivals={process: poisson, rate: 1800/s}",
                "components.pool.instances=2", "components.pool.workers=1", "components.pool.balance=round_robin",
                "components.pool.queue=3",
            ])
        let q = try Self.theory(run)
        #expect(q.gaps == RenewalGaps(source: .poisson(rate: 1_800), every: 2) && q.servers == 1 && q.capacity == 4)
        // Erlang-2 gaps block less than M/M/1/4's Poisson ones at the same load.
        let poisson = try #require(FiniteQueue(servers: 1, waitingRoom: 3, arrivalRate: 900, meanService: 0.001))
        #expect(q.blocking < poisson.blocking)
        run.expectMatches("errors.queue_full.rate", q.blocking)
        run.expectMatches("utilization.pool", q.utilization)
        run.expectMatches("hop.pool.wait.mean", q.meanWait)
        expectConservation(run)
    }

    @Test("validate prints GI/M/c/K's figures without ≈, and its JSON names the model")
    func text() throws {
        let sets = Self.bursty.flatMap { ["--set", $0] }
        let line = capsim(["validate", scenarioPath("gm4-bursty.yaml")] + sets)
        #expect(
            line.out.hasSuffix(
                "  pool: offered 3000.00/s, utilisation 75.0 %, GI/M/4/10, gaps' c_a² 4.000: turns away 12.07 % (queue_full), utilisation 65.9 % carried, mean wait 468.597 µs\n"
            ), "\(line.out)")
        let json = capsim(["validate", scenarioPath("gm4-bursty.yaml"), "--format", "json"] + sets)
        #expect(json.out.contains("\"wait_model\": \"renewal_arrivals\""), "\(json.out)")
        #expect(json.out.contains("\"blocking\": 0.1206700493"), "\(json.out)")
        let constant = capsim(
            [
                "validate", scenarioPath("gm4-bursty.yaml"), "--set",
                "workload.arrivals={process: constant, rate: 3000/s}",
            ]
                + ["--set", "components.pool.queue=6"])
        #expect(constant.out.contains("D/M/4/10: turns away 0.22 % (queue_full)"), "\(constant.out)")
    }

    @Test("Poisson arrivals split at random keep M/M/c/K; a service that is not exponential keeps the estimate")
    func notApplied() throws {
        let random = try ScenarioLoader.load(
            path: scenarioPath("mmc.yaml"),
            overrides: ["components.pool.instances=2", "components.pool.balance=random", "components.pool.queue=3"].map
            {
                try Override(parsing: $0)
            })
        #expect(random.model.offeredLoad()[0].finiteRenewalQueue == nil)
        #expect(random.model.isExactFiniteQueue(station: 0))
        let lognormal = try ScenarioLoader.load(
            path: scenarioPath("gm4-bursty.yaml"),
            overrides: ["components.pool.queue=6", "components.pool.service={lognormal: {mean: 1ms, cv: 1}}"].map {
                try Override(parsing: $0)
            })
        #expect(lognormal.model.offeredLoad()[0].finiteRenewalQueue == nil)
    }
}
