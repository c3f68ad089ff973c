import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing
import Theory

/// Call trees against queueing theory: repeated calls are a Jackson network's feedback,
/// optional calls thin a Poisson stream, a fan-out to pure delays takes the slower branch.
@Suite("Call trees against theory")
struct CallTreeTheoryTests {
    /// A front end that takes no time (a pure delay of 0) and calls what `calls` says, on
    /// Poisson arrivals at `rate`.
    func run(rate: String, calls: String, components: String) throws -> (MetricLayout, [ReplicationResult], Scenario) {
        let yaml = """
            version: 1
            name: tree
            horizon: 300s
            warmup: 30s
            replications: 10
            seed: 77
            workload:
              arrivals: {process: poisson, rate: \(rate)}
              classes:
                - name: q
                  path:
                    - to: front
                      calls: \(calls)
            components:
              front: {kind: server_pool, workers: unlimited, service: {deterministic: 0ms}}
            \(components)
            """
        let s = try ScenarioLoader.parse(yaml: yaml)
        let layout = MetricLayout(spec: s.model)
        return (layout, Experiment(spec: s.model, seed: s.seed, replications: 0..<s.replications, jobs: 2).run(), s)
    }

    func values(_ id: String, _ r: (MetricLayout, [ReplicationResult], Scenario)) -> [Double] {
        let i = r.0.index(of: id)!
        return r.1.map { $0.values[i] }
    }

    @Test("a call repeated with probability q of another is a Jackson network with feedback: M/M/1 at λ/(1 − q)")
    func feedback() throws {
        // λ = 200/s, q = 0.5: the db (M/M/1, μ = 1000/s) sees Λ = 400/s, ρ = 0.4. Per visit the
        // mean wait is ρ/(μ − Λ); a request makes 1/(1 − q) = 2 visits of mean sojourn 1/(μ − Λ).
        let r = try run(
            rate: "200/s", calls: "[{to: db, repeat: {again: 0.5}}]",
            components: "  db: {kind: server_pool, workers: 1, service: {exponential: {mean: 1ms}}}")
        expectMean(values("utilization.db", r), 0.4, label: "db utilisation")
        expectMean(values("hop.db.wait.mean", r), 0.4 / 600, label: "db wait per visit")
        expectMean(values("latency.mean", r), 2.0 / 600, label: "latency: 2 visits of 1/(μ − Λ)")
        expectMean(values("throughput.db", r), 400, label: "db throughput: the traffic equations' Λ")
        expectMean(values("arrival_rate.db", r), 400, label: "db arrival rate")
        let load = r.2.model.offeredLoad()
        #expect(
            abs(load[1].arrivalRate - 400) < 1e-9 && abs(load[1].utilization! - 0.4) < 1e-12, "validate's visit ratios")
    }

    @Test("a call made with probability p thins the Poisson stream: M/M/1 at pλ")
    func thinning() throws {
        let r = try run(
            rate: "2000/s", calls: "[{to: db, probability: 30%}]",
            components: "  db: {kind: server_pool, workers: 1, service: {exponential: {mean: 1ms}}}")
        // Λ = 600/s, ρ = 0.6; 30 % of requests spend 1/(μ − Λ) = 2.5 ms there, the rest nothing.
        expectMean(values("utilization.db", r), 0.6, label: "db utilisation")
        expectMean(values("latency.mean", r), 0.3 / 400, label: "latency")
        expectMean(values("hop.db.inclusive.mean", r), 1.0 / 400, label: "db sojourn per visit")
    }

    @Test("a caller's worker is held through its callee's wait: utilisation λ(S_web + S_db + W_db)/c")
    func callerHoldsThroughCalleeWait() throws {
        // Web never queues (64 workers, 4.8 busy), so the db sees Poisson arrivals (each shifted
        // by an independent web service) and is M/M/1 at ρ = 0.8: W_db = ρ/(μ − λ) = 8 ms. Web's
        // worker is held 2 + 2 + 8 = 12 ms a request: utilisation 400 × 0.012 / 64 = 7.5 %
        // (6.25 % if the db's wait were left out).
        let run = try Run(
            yaml: """
                version: 1
                name: hold
                horizon: 200s
                warmup: 20s
                replications: 10
                workload:
                  arrivals: {process: poisson, rate: 400/s}
                components:
                  web: {kind: server_pool, workers: 64, service: {exponential: {mean: 2ms}}}
                  db: {kind: server_pool, workers: 1, service: {exponential: {mean: 2ms}}}
                """)
        let loads = run.scenario.model.offeredLoad()
        #expect(abs((loads[0].utilization ?? 0) - 0.075) < 1e-9, "\(loads[0])")
        #expect(abs((loads[1].meanWaitEstimate ?? 0) - 0.008) < 1e-9)
        run.expectMatches("utilization.web", 0.075)
        run.expectMatches("hop.db.wait.mean", 0.008)
    }

    @Test("a fan-out to two pure delays lasts the slower one: E[max(A, B)] = 1/α + 1/β − 1/(α + β)")
    func fanOut() throws {
        let r = try run(
            rate: "500/s", calls: "[{parallel: [a, b]}, c]",
            components: """
                  a: {kind: server_pool, workers: unlimited, service: {exponential: {mean: 2ms}}}
                  b: {kind: server_pool, workers: unlimited, service: {exponential: {mean: 3ms}}}
                  c: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}}
                """)
        // 2 + 3 − 1/(1/2 + 1/3) = 3.8 ms, then c's 1 ms.
        expectMean(values("latency.mean", r), 0.0038 + 0.001, label: "fan-out then c")
        expectMean(values("hop.front.inclusive.mean", r), 0.0048, label: "front holds through both steps")
    }
}

@Suite("Call trees in the scenario language")
struct CallTreeLanguageTests {
    func problems(_ path: String) -> String {
        let yaml = """
            version: 1
            name: t
            horizon: 10s
            workload:
              arrivals: {process: poisson, rate: 10/s}
              classes:
                - name: q
                  path: \(path)
            components:
              web: {kind: server_pool, service: {exponential: {mean: 1ms}}}
              db: {kind: server_pool, service: {exponential: {mean: 1ms}}}
            """
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "t.yaml")
            return ""
        } catch { return "\(error)" }
    }

    @Test("mistakes in a call tree are located and explained")
    func diagnostics() {
        #expect(
            problems("[{to: web, probability: 0.5}]").contains(
                "t.yaml:8:37: error: workload.classes.0.path.0.probability: the first component of a path receives every request: 'probability' applies to the calls after it"
            ))
        #expect(
            problems("[web, {to: db, repeat: {mean: 0.5}}]").contains(
                "workload.classes.0.path.1.repeat.mean: expected a number ≥ 1, found 0.5"))
        #expect(
            problems("[web, {to: db, repeat: {again: 1}}]").contains(
                "workload.classes.0.path.1.repeat.again: expected a probability below 1 (at 1 the calls never stop)"))
        #expect(
            problems("[web, {to: db, repeat: {}}]").contains("expected 'mean' (mean number of calls, ≥ 1) or 'again'"))
        #expect(
            problems("[{to: web, calls: [{parallel: [db]}]}]").contains(
                "workload.classes.0.path.0.calls.0.parallel: expected at least two calls made in parallel, found 1"))
        #expect(
            problems("[{to: web, calls: [{parallel: [db, dbb]}]}]").contains(
                "workload.classes.0.path.0.calls.0.parallel.1: expected the name of a component, found 'dbb'"))
        #expect(problems("[web, {parallel: [db, web]}]").contains("'parallel' is a step of a component's calls"))
        #expect(problems("[{to: web, calls: [{to: db, probability: 0}]}]").contains("expected a probability > 0"))
        #expect(
            problems("[{to: web, cals: [db]}]").contains(
                "unknown key 'cals'; expected one of to, calls, probability, repeat"))
    }

    @Test("pipeline mode takes only a plain list")
    func pipeline() {
        let yaml = """
            version: 1
            name: t
            horizon: 10s
            workload:
              arrivals: {process: poisson, rate: 10/s}
              mode: pipeline
              classes:
                - {name: q, path: [web, {to: db, probability: 0.5}]}
            components:
              web: {kind: server_pool, service: {exponential: {mean: 1ms}}}
              db: {kind: server_pool, service: {exponential: {mean: 1ms}}}
            """
        #expect(throws: (any Error).self) { try ScenarioLoader.parse(yaml: yaml) }
        do { _ = try ScenarioLoader.parse(yaml: yaml) } catch {
            #expect("\(error)".contains("mode: pipeline takes a plain list of components"))
        }
    }

    @Test("a plain list decodes to the chain it always was")
    func chain() throws {
        let s = try Run("three-tier.yaml", ["horizon=10s", "warmup=1s", "replications=1"])
        for c in s.scenario.model.classes { #expect(c.isChain && c.calls.count == 4) }
        let t = try Run("call-tree.yaml", ["horizon=20s", "warmup=2s", "replications=2"])
        expectConservation(t)
        let tree = t.scenario.model.classes[0]
        #expect(!tree.isChain && tree.calls.count == 7 && tree.treeDepth == 3)
        #expect(tree.meanVisits.map { ($0 * 1000).rounded() / 1000 } == [1, 1, 1, 3, 1, 1, 0.1])
    }
}

@Suite("Timeouts and retries on calls")
struct WatchedCallTests {
    func run(
        _ call: String, db: String = "{kind: server_pool, workers: unlimited, service: {exponential: {mean: 1ms}}}",
        rate: String = "1000/s", horizon: String = "200s"
    ) throws -> Run {
        try Run(
            yaml: """
                version: 1
                name: watched
                horizon: \(horizon)
                warmup: 10s
                replications: 10
                seed: 4
                workload:
                  arrivals: {process: poisson, rate: \(rate)}
                  classes:
                    - name: q
                      path:
                        - to: front
                          calls: [\(call)]
                components:
                  front: {kind: server_pool, workers: unlimited, service: {deterministic: 0ms}}
                  db: \(db)
                """)
    }

    @Test("a retried call draws afresh: with exponential service, P(every try times out) = e^(−μT·tries)")
    func freshDraws() throws {
        // Pure delay db, Exp(1 ms): a try outlasts a 3 ms timeout with probability e^(−3).
        let none = try run("{to: db, timeout: 3ms}")
        none.expectMatches("errors.timeout.rate", exp(-3))
        let once = try run("{to: db, timeout: 3ms, retries: {max: 1, base: 1ms, jitter: none}}")
        once.expectMatches("errors.timeout.rate", exp(-6), floor: 0)
        // Each timed-out try still ran to its end at db: visits = 1 + P(first times out).
        once.expectMatches("busy.db.mean", 1000 * 0.001 * (1 + exp(-3)))
        expectConservation(once)
    }

    @Test("a call refused downstream is retried; the request fails only when the retries run out")
    func refusedThenRetried() throws {
        // db: 1 worker, no queue, 2 ms per request at 200/s (ρ = 0.4): a refused try (Erlang B:
        // 0.4/1.4 ≈ 28.6 %) is retried after 5 ms.
        let db = "{kind: server_pool, workers: 1, queue: 0, service: {deterministic: 2ms}}"
        let plain = try run("{to: db}", db: db, rate: "200/s", horizon: "100s")
        let retried = try run(
            "{to: db, retries: {max: 2, base: 5ms, jitter: full}}", db: db, rate: "200/s", horizon: "100s")
        let p = plain.values("errors.queue_full.rate")
        let q = retried.values("errors.queue_full.rate")
        for (a, b) in zip(p, q) { #expect(b < a / 3, "retries recover most refusals: \(a) → \(b)") }
        expectConservation(retried)
        let budget = try run(
            "{to: db, retries: {max: 2, base: 5ms, jitter: full, budget: 1%}}", db: db, rate: "200/s", horizon: "100s")
        #expect(budget.values("errors.retry_budget_exhausted.rate").allSatisfy { $0 > 0 })
    }

    @Test("a timed-out call fails the request at the caller's timeout; the callee finishes for nobody (exact)")
    func exact() throws {
        let r = try Run(
            yaml: """
                version: 1
                name: exact
                horizon: 1500ms
                replications: 1
                workload:
                  arrivals: {process: constant, rate: 1/s}
                  classes:
                    - name: q
                      path: [{to: front, calls: [{to: db, timeout: 5ms, retries: {max: 1, base: 1ms, jitter: none}}]}]
                components:
                  front: {kind: server_pool, workers: unlimited, service: {deterministic: 0ms}}
                  db: {kind: server_pool, workers: 1, service: {deterministic: 10ms}}
                """)
        // One request at 1 s: try 1 times out at +5 ms, try 2 goes at +6 ms (queued behind try 1
        // until +10 ms), times out at +11 ms: the request fails then. db serves both tries.
        #expect(r.values("errors.timeout.rate") == [1])
        #expect(r.values("latency.max").allSatisfy { $0.isNaN })
        expectConservation(r)
        #expect(abs(r.values("busy.db.mean")[0] - 0.020 / 1.5) < 1e-9, "db busy 20 ms of the 1.5 s")
        #expect(
            abs(r.values("in_system.mean")[0] - 0.011 / 1.5) < 1e-9, "the request is in the system from 1 s to 1.011 s")
    }
}
