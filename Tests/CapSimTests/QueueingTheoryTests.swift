import CapSimTestSupport
import Foundation
import Testing
import Theory

/// The shipped scenarios against closed-form queueing theory, within honest confidence bounds
/// (`expectMean`: about 3.9 standard errors, a false alarm about once in 10,000 assertions, plus
/// a 0.2 % floor for histogram and nanosecond rounding). Sizes: ~20 replications of 10^5 or more
/// customers each, in a release build.
@Suite("Queueing theory")
struct QueueingTheoryTests {
    @Test("M/M/1: sojourn ~ Exp(μ − λ): mean, p50, p99; utilisation λ/μ; Little's law")
    func mm1() throws {
        let run = try Run("mm1.yaml", ["horizon=600s", "warmup=30s", "replications=30"])
        let rate = 1000.0 - 900.0
        run.expectMatches("latency.mean", 1 / rate)
        run.expectMatches("latency.p50", log(2) / rate)
        run.expectMatches("latency.p99", log(100) / rate)
        run.expectMatches("hop.server.wait.mean", 0.9 / rate)
        run.expectMatches("utilization.server", 0.9)
        run.expectMatches("arrival_rate", 900)
        run.expectMatches("availability.request", 1, floor: 0)
        // Little's law per replication: L / λW = 1 (edge effects of the window are ~W/T ≈ 1e-4).
        let l = run.values("in_system.mean")
        let lam = run.values("arrival_rate")
        let w = run.values("latency.mean")
        expectMean(zip(l, zip(lam, w)).map { $0 / ($1.0 * $1.1) }, 1, label: "L / λW")
        // The pooled point estimate lies inside its own sectioning interval around theory.
        let p99 = run.summary["latency.p99"]!
        #expect(abs(p99.value - log(100) / rate) <= 2 * p99.halfWidth95!)
        expectConservation(run)
    }

    @Test("M/M/8: mean wait by Erlang C")
    func mmc() throws {
        let run = try Run("mmc.yaml", ["horizon=60s", "warmup=6s", "replications=20"])
        let c = Queueing.erlangC(servers: 8, load: 7.2)
        run.expectMatches("hop.pool.wait.mean", c / (8_000 - 7_200))
        run.expectMatches("latency.mean", c / (8_000 - 7_200) + 0.001)
        run.expectMatches("utilization.pool", 0.9)
        expectConservation(run)
    }

    @Test("M/M/2/5: blocking from the birth–death chain")
    func mmck() throws {
        let run = try Run("mmck.yaml", ["horizon=60s", "warmup=5s", "replications=20"])
        let blocking = Queueing.mmckBlocking(servers: 2, capacity: 5, load: 2.4)
        run.expectMatches("errors.queue_full.rate", blocking)
        run.expectMatches("availability.request", 1 - blocking)
        run.expectMatches("utilization.pool", 2.4 * (1 - blocking) / 2)
        // The station's own figures: the share of its arrivals that find the line full, and
        // what it serves, λ(1 − P_K).
        run.expectMatches("queue.pool.full.rate", blocking)
        run.expectMatches("arrival_rate.pool", 2400)
        run.expectMatches("throughput.pool", 2400 * (1 - blocking))
        // What validate and the run's "(theory)" columns print: M/M/2/5 exactly, the load
        // carried (not the 120 % offered), the wait of an admitted request, the mean present.
        let theory = run.scenario.model.offeredLoad()[0]
        let q = try #require(theory.boundedQueue)
        #expect(run.scenario.model.isExactFiniteQueue(station: 0))
        run.expectMatches("utilization.pool", try #require(theory.carriedUtilization))
        run.expectMatches("hop.pool.wait.mean", try #require(theory.meanWaitEstimate))
        run.expectMatches("in_system.mean", q.meanInSystem)
        expectConservation(run)
    }

    @Test("M/M/2/5 twice, split at random: each instance is the chain at half the rate, as validate says")
    func mmckRandomSplit() throws {
        let run = try Run(
            "mmck.yaml",
            [
                "horizon=40s", "warmup=4s", "replications=20", "components.pool.instances=2",
                "components.pool.balance=random", "workload.arrivals.rate=3600/s",
            ])
        #expect(run.scenario.model.isExactFiniteQueue(station: 0))
        let theory = run.scenario.model.offeredLoad()[0]
        let q = try #require(theory.boundedQueue)
        #expect(abs(q.blocking - Queueing.mmckBlocking(servers: 2, capacity: 5, load: 1.8)) < 1e-12)
        run.expectMatches("queue.pool.full.rate", q.blocking)
        run.expectMatches("utilization.pool", try #require(theory.carriedUtilization))
        run.expectMatches("hop.pool.wait.mean", try #require(theory.meanWaitEstimate))
        expectConservation(run)
    }

    @Test("processor sharing over 2 cores admitting 5: M/M/2/5's chain for lognormal service (insensitivity)")
    func processorSharingBounded() throws {
        let run = try Run(
            yaml: """
                version: 1
                horizon: 40s
                warmup: 4s
                replications: 20
                seed: 7
                workload:
                  arrivals: {process: poisson, rate: 2400/s}
                components:
                  server:
                    kind: server_pool
                    discipline: processor_sharing
                    workers: 2
                    queue: 3
                    service: {lognormal: {mean: 1ms, cv: 2}}
                """)
        #expect(run.scenario.model.isExactFiniteQueue(station: 0))
        let theory = run.scenario.model.offeredLoad()[0]
        let q = try #require(theory.boundedQueue)
        #expect(abs(q.blocking - Queueing.mmckBlocking(servers: 2, capacity: 5, load: 2.4)) < 1e-12)
        run.expectMatches("errors.queue_full.rate", q.blocking)
        run.expectMatches("utilization.server", try #require(theory.carriedUtilization))
        run.expectMatches("in_system.mean", q.meanInSystem)
        #expect(theory.meanWaitEstimate == 0)
        expectConservation(run)
    }

    @Test("Erlang B: M/G/10/10 blocking is insensitive to the (lognormal) service distribution")
    func erlangB() throws {
        let run = try Run("erlang-b.yaml", ["horizon=100s", "warmup=5s", "replications=20"])
        run.expectMatches("errors.queue_full.rate", Queueing.erlangB(servers: 10, load: 8))
        run.expectMatches("queue.trunk.full.rate", Queueing.erlangB(servers: 10, load: 8))
        run.expectMatches("throughput.trunk", 800 * (1 - Queueing.erlangB(servers: 10, load: 8)))
        // The "(theory)" utilisation is the load carried, exact for any service distribution.
        let theory = run.scenario.model.offeredLoad()[0]
        #expect(run.scenario.model.isExactFiniteQueue(station: 0))
        run.expectMatches("utilization.trunk", try #require(theory.carriedUtilization))
        expectConservation(run)
    }

    @Test("M/D/1: Pollaczek–Khinchine with E[S²] = E[S]²")
    func md1() throws {
        let run = try Run("md1.yaml", ["horizon=200s", "warmup=20s", "replications=20"])
        run.expectMatches("hop.server.wait.mean", 0.8 * 0.001 / (2 * 0.2))
        run.expectMatches("utilization.server", 0.8)
    }

    @Test("M/G/1 lognormal (cv 1.5): Pollaczek–Khinchine mean wait")
    func mg1Lognormal() throws {
        let run = try Run("mg1-lognormal.yaml", ["horizon=400s", "warmup=20s", "replications=20"])
        let rho = 0.7
        let meanService = 0.001
        let cv = 1.5
        run.expectMatches("hop.server.wait.mean", rho * meanService * (1 + cv * cv) / (2 * (1 - rho)))
    }

    @Test("M/G/1 gamma (cv 0.5): Pollaczek–Khinchine mean wait")
    func mg1Gamma() throws {
        let run = try Run("mg1-gamma.yaml", ["horizon=200s", "warmup=20s", "replications=20"])
        run.expectMatches("hop.server.wait.mean", 0.8 * 0.001 * 1.25 / (2 * 0.2))
    }

    @Test("Jackson tandem: each station is M/M/1 at the same arrival rate")
    func tandem() throws {
        let run = try Run("tandem.yaml", ["horizon=200s", "warmup=20s", "replications=20"])
        let sojourns = [1000.0, 1250, 2000].map { 1 / ($0 - 600) }
        run.expectMatches("latency.mean", sojourns.reduce(0, +))
        for (name, s) in zip(["edge", "app", "store"], sojourns) { run.expectMatches("hop.\(name).self.mean", s) }
        run.expectMatches("utilization.app", 0.48)
        // Every station of a Jackson tandem serves what arrives: X_i = λ.
        for name in ["edge", "app", "store"] {
            run.expectMatches("arrival_rate.\(name)", 600)
            run.expectMatches("throughput.\(name)", 600)
        }
        #expect(run.layout.index(of: "queue.app.full.rate") == nil, "an unbounded line is never full")
        expectConservation(run)
    }
}

@Suite("Good ratio")
struct GoodRatioTests {
    @Test("latency.good_ratio = P(success within the objective): M/M/1 gives 1 − e^{−(μ−λ)t}")
    func mm1() throws {
        let run = try Run("mm1.yaml", ["horizon=200s", "warmup=20s", "replications=20", "latency_objective=10ms"])
        run.expectMatches("latency.good_ratio", 1 - exp(-1.0))
        // Failing fast does not help it: with a tiny queue, rejected requests count as not good.
        let rejecting = try Run(
            "mm1.yaml",
            [
                "horizon=20s", "warmup=2s", "replications=4", "latency_objective=10ms",
                "components.server.queue=2",
            ])
        for (good, ok) in zip(rejecting.values("latency.good_ratio"), rejecting.values("availability.request")) {
            #expect(good <= ok)
        }
        #expect(
            try Run("mm1.yaml", ["horizon=5s", "warmup=1s", "replications=2"]).layout.index(of: "latency.good_ratio")
                == nil)
    }
}
