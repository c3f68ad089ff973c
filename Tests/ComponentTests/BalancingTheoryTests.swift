import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing
import Theory

/// Every point of a scenario's sweep, run with the same seed and replications (common random
/// numbers: the points see the same arrivals and demands), keyed by the swept policy.
struct PolicyRuns {
    let layout: MetricLayout
    let runs: [(policy: String, results: [ReplicationResult])]

    init(_ file: String, _ sets: [String]) throws {
        let scenario = try ScenarioLoader.load(
            path: scenarioPath(file), overrides: sets.map { try Override(parsing: $0) })
        layout = MetricLayout(spec: scenario.model)
        runs = scenario.points.map { point in
            (
                point.axes[0].text,
                Experiment(spec: point.model, seed: scenario.seed, replications: 0..<scenario.replications, jobs: 2)
                    .run()
            )
        }
    }

    func values(_ policy: String, _ id: String) -> [Double] {
        guard let i = layout.index(of: id), let run = runs.first(where: { $0.policy == policy }) else {
            Issue.record("no run \(policy) or metric \(id)")
            return []
        }
        return run.results.map { $0.values[i] }
    }

    /// Asserts mean(`id` under `better`) < mean(`id` under `worse`) from paired per-replication
    /// differences: the one-sided Student-t bound at 1 − 0.5e-4 (a false alarm about once in 20,000
    /// assertions, as rare as `expectMean`'s) must exclude 0. Returns the mean difference.
    @discardableResult
    func expectBelow(
        _ better: String, _ worse: String, _ id: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Double {
        var t = Tally()
        for (b, w) in zip(values(better, id), values(worse, id)) { t.add(w - b) }
        let critical = StudentT.quantile(1 - 0.5e-4, degreesOfFreedom: Int(t.count) - 1)
        let bound = critical * t.standardDeviation / Double(t.count).squareRoot()
        #expect(
            t.count >= 2 && t.mean - bound > 0,
            "\(id): \(worse) − \(better) = \(t.mean) ± \(bound) (n=\(t.count)) does not exclude 0",
            sourceLocation: sourceLocation)
        print(
            "paired \(id): \(worse) − \(better) = \(t.mean * 1e3) ms, one-sided bound \(bound * 1e3) ms (n=\(t.count))")
        return t.mean
    }
}

extension Queueing {
    /// Mean wait of E_k/M/1 (a single server fed every k-th arrival of a Poisson stream of rate
    /// λ, e.g. one of k instances under round robin): σ/(μ(1 − σ)), where σ ∈ (0, 1) solves
    /// σ = A*(μ(1 − σ)) with A*(s) = (λ/(λ + s))^k, the Laplace transform of the gaps (GI/M/1).
    static func erlangKM1Wait(k: Int, lambda: Double, mu: Double) -> Double {
        func excess(_ sigma: Double) -> Double { pow(lambda / (lambda + mu * (1 - sigma)), Double(k)) - sigma }
        var lo = 0.0
        var hi = 1 - 1e-12  // excess(lo) > 0 > excess(hi) when λ/k < μ
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if excess(mid) > 0 { lo = mid } else { hi = mid }
        }
        let sigma = (lo + hi) / 2
        return sigma / (mu * (1 - sigma))
    }
}

@Suite("Balancing: queueing theory")
struct BalancingTheoryTests {
    @Test("random over 4 instances × 2 workers: four independent M/M/2 queues at λ/4 (Erlang C)")
    func randomIsThinnedMMc() throws {
        let run = try Run(
            "mmc.yaml",
            [
                "horizon=60s", "warmup=5s", "replications=20", "components.pool.instances=4",
                "components.pool.workers=2", "components.pool.balance=random",
                "workload.arrivals.rate=6400/s",
            ])
        let perInstance = 6_400.0 / 4
        let mu = 1_000.0
        let wait = Queueing.erlangC(servers: 2, load: perInstance / mu) / (2 * mu - perInstance)
        run.expectMatches("hop.pool.wait.mean", wait)
        run.expectMatches("utilization.pool", 0.8)
        expectConservation(run)
    }

    @Test("round robin over 8 single-worker instances: each is E8/M/1 (every 8th Poisson arrival)")
    func roundRobinIsErlangK() throws {
        let run = try Run("lb-policies.yaml", ["horizon=100s", "warmup=10s", "replications=20"])
        #expect(run.scenario.model.stations[0].balance == .roundRobin)
        let wait = Queueing.erlangKM1Wait(k: 8, lambda: 7_200, mu: 1_000)
        #expect(abs(wait - 0.004_780_7) < 1e-6)
        // What validate and the run's "(theory)" column print under round robin.
        let theory = run.scenario.model.offeredLoad()[0]
        #expect(theory.split == .everyNth(8) && theory.erlangArrivals)
        #expect(abs(theory.meanWaitEstimate! - wait) < 1e-9)
        run.expectMatches("hop.web.wait.mean", wait)
        run.expectMatches("utilization.web", 0.9)
        expectConservation(run)
    }

    @Test("at 90 % load: least_outstanding < power_of_two < round_robin < random (paired, common random numbers)")
    func orderings() throws {
        let runs = try PolicyRuns("lb-policies.yaml", ["horizon=20s", "warmup=2s", "replications=10"])
        #expect(runs.runs.map(\.policy) == ["round_robin", "random", "least_outstanding", "power_of_two"])
        let id = "hop.web.wait.mean"
        runs.expectBelow("round_robin", "random", id)
        runs.expectBelow("least_outstanding", "round_robin", id)
        runs.expectBelow("least_outstanding", "random", id)
        runs.expectBelow("power_of_two", "round_robin", id)
        runs.expectBelow("power_of_two", "random", id)
        // Joining the shortest queue is optimal for identical exponential servers (Winston 1977).
        runs.expectBelow("least_outstanding", "power_of_two", id)
        // No per-instance queue beats one shared queue: M/M/8 (Erlang C) is a floor for every policy.
        let floor = Queueing.erlangC(servers: 8, load: 7.2) / (8_000 - 7_200)
        // least_outstanding's estimate is that floor.
        let scenario = try ScenarioLoader.load(
            path: scenarioPath("lb-policies.yaml"),
            overrides: [try Override(parsing: "components.web.balance=least_outstanding")])
        let shared = scenario.model.offeredLoad()[0]
        #expect(shared.split == .sharedQueue(8) && abs(shared.meanWaitEstimate! - floor) < 1e-12)
        for (policy, results) in runs.runs {
            var t = Tally()
            for w in runs.values(policy, id) { t.add(w) }
            let critical = StudentT.quantile(1 - 0.5e-4, degreesOfFreedom: Int(t.count) - 1)
            #expect(
                t.mean + critical * t.standardDeviation / Double(t.count).squareRoot() >= floor,
                "\(policy): mean wait \(t.mean) below the M/M/8 floor \(floor)")
            for r in results {
                #expect(!r.outcome.unstable)
                #expect(
                    r.outcome.arrivals == r.outcome.successes + r.outcome.errors.reduce(0, +),
                    "\(policy) replication \(r.replication)")
            }
            print(
                "lb-policies \(policy): mean wait \(t.mean * 1e3) ms (sd \(t.standardDeviation * 1e3) ms over \(t.count) replications)"
            )
        }
    }
}

extension BalancingTheoryTests {
    static let hashed = """
        version: 1
        name: hashed
        horizon: 40s
        warmup: 4s
        replications: 10
        seed: 5
        workload:
          arrivals: {process: poisson, rate: 5000/s}
          classes:
            - {name: get, path: [cache], keys: {count: 10k, zipf: 0.9}}
        components:
          cache:
            kind: server_pool
            instances: 4
            workers: 2
            balance: consistent_hash
            load_factor: unlimited
            service: {exponential: {mean: 1ms}}
        """

    @Test(
        "instances loaded unequally: the (theory) columns are the pool's means, each instance an M/M/c queue fed its share"
    )
    func unequalPoolMeans() throws {
        // Keys drawn independently thin the Poisson arrivals: each instance is M/M/2 at its
        // ring share, exactly, so the pool's utilisation and mean wait follow.
        let run = try Run(yaml: Self.hashed)
        let load = try #require(run.scenario.model.offeredLoad().first)
        let share = try #require(load.unequalShare)
        #expect(share > 0.26)
        let u = try #require(load.poolUtilizationTheory)
        let w = try #require(load.poolWaitTheory)
        // Nothing is lost: the pool carries the offered load over all its workers.
        #expect(abs(u - 5000 * 0.001 / 8) < 1e-12)
        #expect(w < load.meanWaitEstimate ?? 0)
        run.expectMatches("utilization.cache", u)
        run.expectMatches("hop.cache.wait.mean", w)

        // The shares: weights over their sum; under a load factor capped at f/n, the excess
        // spread over the others; they sum to 1.
        var spec = run.scenario.model
        spec.stations[0].consistentHash.loadFactorMillionths = 1_100_000
        let capped = spec.instanceShares(station: 0)
        let total: Double = capped.reduce(0, +)
        #expect(abs(total - 1) < 1e-12)
        #expect(capped.allSatisfy { $0 <= 1.1 / 4 + 1e-12 })
        spec.stations[0].balance = .weightedRoundRobin
        spec.stations[0].weights = [3, 1, 2, 2]
        #expect(spec.instanceShares(station: 0) == [0.375, 0.125, 0.25, 0.25])
    }
}

@Suite("Balancing: scenario language")
struct BalancingLanguageTests {
    static func yaml(_ extra: String, instances: Int = 2) -> String {
        """
        version: 1
        horizon: 1m
        workload:
          arrivals: {process: poisson, rate: 100/s}
        components:
          web:
            kind: server_pool
            instances: \(instances)
            service: {exponential: {mean: 1ms}}
        """ + (extra.isEmpty ? "" : "\n" + extra.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            + "\n"
    }

    func station(_ extra: String, instances: Int = 2) throws -> StationSpec {
        try ScenarioLoader.parse(yaml: Self.yaml(extra, instances: instances), file: "s.yaml").model.stations[0]
    }

    @Test("every policy by its YAML spelling; round_robin by default")
    func spellings() throws {
        #expect(try station("").balance == .roundRobin)
        for policy in BalancePolicy.allCases where policy != .weightedRoundRobin && policy != .consistentHash {
            #expect(try station("balance: \(policy.rawValue)").balance == policy)
        }
        let weighted = try station("balance: weighted_round_robin\nweights: [3, 1]")
        #expect(weighted.balance == .weightedRoundRobin && weighted.weights == [3, 1])
        #expect(
            BalancePolicy.allCases.map(\.rawValue) == [
                "round_robin", "random", "least_outstanding", "power_of_two", "weighted_round_robin", "consistent_hash",
            ])
    }

    @Test("weights are scaled exactly to whole numbers and reduced")
    func weightsScaled() throws {
        #expect(try station("balance: weighted_round_robin\nweights: [0.75, 0.25]").weights == [3, 1])
        #expect(try station("balance: weighted_round_robin\nweights: [2, 2, 4]", instances: 3).weights == [1, 1, 2])
        #expect(
            try station("balance: weighted_round_robin\nweights: [0.1, 0.2, 1.5]", instances: 3).weights == [1, 2, 15])
        #expect(try station("balance: weighted_round_robin\nweights: [1_000, 1]").weights == [1000, 1])
    }

    @Test("a misspelt policy gets the nearest name")
    func misspelt() {
        #expect(
            problems(Self.yaml("balance: power_of_2")) == [
                "s.yaml:10:14: error: components.web.balance: expected one of round_robin, random, least_outstanding, power_of_two, weighted_round_robin, consistent_hash, found 'power_of_2' (did you mean 'power_of_two'?)"
            ])
        #expect(
            problems(Self.yaml("balance: least_connections")) == [
                "s.yaml:10:14: error: components.web.balance: expected one of round_robin, random, least_outstanding, power_of_two, weighted_round_robin, consistent_hash, found 'least_connections'"
            ])
        #expect(
            problems(Self.yaml("balance: consistent-hash")).first?.hasSuffix("(did you mean 'consistent_hash'?)")
                == true)
    }

    @Test("consistent_hash without request keys is a clear error, never a silent fallback")
    func consistentHash() {
        #expect(
            problems(Self.yaml("balance: consistent_hash")) == [
                "s.yaml:4:3: error: workload: consistent_hash at 'web' needs keys: class 'default' has none (name classes under workload.classes and give them keys:, e.g. keys: {count: 1M, zipf: 0.99})"
            ])
    }

    @Test("weights: only with weighted_round_robin, required there, one positive number per instance")
    func weightErrors() {
        #expect(
            problems(Self.yaml("weights: [3, 1]")) == [
                "s.yaml:10:14: error: components.web.weights: weights apply only to 'balance: weighted_round_robin'; this component's balance is round_robin (the default)"
            ])
        #expect(
            problems(Self.yaml("balance: power_of_two\nweights: [3, 1]")) == [
                "s.yaml:11:14: error: components.web.weights: weights apply only to 'balance: weighted_round_robin'; this component's balance is power_of_two"
            ])
        #expect(
            problems(Self.yaml("balance: weighted_round_robin")) == [
                "s.yaml:10:14: error: components.web.balance: weighted_round_robin needs 'weights': one positive number per instance, e.g. weights: [3, 1]"
            ])
        #expect(
            problems(Self.yaml("balance: weighted_round_robin\nweights: [3, 1, 1]")) == [
                "s.yaml:11:14: error: components.web.weights: expected 2 weights (one per instance), found 3"
            ])
        #expect(
            problems(Self.yaml("balance: weighted_round_robin\nweights: [3, 0]")) == [
                "s.yaml:11:18: error: components.web.weights.1: expected a number > 0, found 0"
            ])
        #expect(
            problems(Self.yaml("balance: weighted_round_robin\nweights: [-1, 2e6]")) == [
                "s.yaml:11:15: error: components.web.weights.0: expected a number > 0, found -1",
                "s.yaml:11:19: error: components.web.weights.1: expected a weight ≤ 1000000, found 2000000",
            ])
        #expect(
            problems(Self.yaml("balance: weighted_round_robin\nweights: [0.1234567, 1]")) == [
                "s.yaml:11:14: error: components.web.weights: expected weights with at most 6 decimal places"
            ])
        #expect(
            problems(Self.yaml("balance: weighted_round_robin\nweights: []")) == [
                "s.yaml:11:14: error: components.web.weights: expected one weight per instance, found an empty list"
            ])
        #expect(
            problems(Self.yaml("balance: weighted_round_robin\nweights: 3")) == [
                "s.yaml:11:14: error: components.web.weights: expected a list, found '3'"
            ])
    }

    @Test("the gallery's lb-policies sweep decodes to one point per policy, all else equal")
    func gallerySweep() throws {
        let s = try ScenarioLoader.load(path: scenarioPath("lb-policies.yaml"))
        #expect(
            s.points.map { $0.model.stations[0].balance } == [.roundRobin, .random, .leastOutstanding, .powerOfTwo])
        #expect(Set(s.points.map { $0.model.stations[0].instances }) == [8])
    }
}
