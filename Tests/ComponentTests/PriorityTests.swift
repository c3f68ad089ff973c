import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import Testing
import Theory

/// `discipline: priority` (non-preemptive priority by class) against Cobham's formula: level k
/// waits W₀ / ((1 − σ_{k−1})(1 − σ_k)), σ_k the utilisation of levels 0 … k, W₀ the mean
/// residual work (λE[S²]/2 on one server; C(c, a)/(cμ) on M/M/c with one service rate).
@Suite("Priority by class")
struct PriorityTests {
    static func yaml(
        rate: String, classes: [String], workers: Int, priority: String, service: String = "{exponential: {mean: 1ms}}"
    ) -> String {
        """
        version: 1
        name: priority
        horizon: 100s
        warmup: 10s
        replications: 20
        seed: 29
        workload:
          arrivals: {process: poisson, rate: \(rate)}
          classes:
        \(classes.map { "    - " + $0 }.joined(separator: "\n"))
        components:
          server:
            kind: server_pool
            workers: \(workers)
            discipline: {priority: \(priority)}
            service: \(service)
        """
    }

    @Test("M/M/1, two classes: Cobham's waits per class; the mean over all is FIFO's; theory agrees")
    func mm1() throws {
        let text = Self.yaml(
            rate: "800/s",
            classes: ["{name: gold, weight: 3, path: [server]}", "{name: bronze, weight: 5, path: [server]}"],
            workers: 1, priority: "[gold]")
        let run = try Run(yaml: text)
        // ρ = 0.8, W₀ = ρ/μ = 0.8 ms; σ_gold = 0.3.
        let gold = 0.0008 / 0.7
        let bronze = 0.0008 / (0.7 * 0.2)
        run.expectMatches("class.gold.latency.mean", gold + 0.001)
        run.expectMatches("class.bronze.latency.mean", bronze + 0.001)
        run.expectMatches("hop.server.wait.mean", 0.8 / 200)
        expectConservation(run)
        let waits = try #require(run.scenario.model.offeredLoad()[0].priorityWaits)
        #expect(waits.levels.map(\.classes) == [["gold"], ["bronze"]])
        #expect(abs(waits.levels[0].meanWait - gold) < 1e-12 && abs(waits.levels[1].meanWait - bronze) < 1e-12)
        #expect(abs(run.scenario.model.offeredLoad()[0].meanWaitEstimate! - 0.004) < 1e-12)
    }

    @Test("M/M/4: classes not listed share the last level, oldest first among them")
    func mmcUnlisted() throws {
        let text = Self.yaml(
            rate: "3600/s",
            classes: ["gold", "silver", "bronze", "batch"].map { "{name: \($0), weight: 1, path: [server]}" },
            workers: 4, priority: "[gold, silver]")
        let run = try Run(yaml: text)
        // a = 3.6, per-server σ: 0.225 per class.
        let w0 = Queueing.erlangC(servers: 4, load: 3.6) / 4000
        let gold = w0 / (1 - 0.225)
        let silver = w0 / ((1 - 0.225) * (1 - 0.45))
        let rest = w0 / ((1 - 0.45) * (1 - 0.9))
        run.expectMatches("class.gold.latency.mean", gold + 0.001)
        run.expectMatches("class.silver.latency.mean", silver + 0.001)
        run.expectMatches("class.bronze.latency.mean", rest + 0.001)
        run.expectMatches("class.batch.latency.mean", rest + 0.001)
        expectConservation(run)
        let waits = try #require(run.scenario.model.offeredLoad()[0].priorityWaits)
        #expect(waits.levels.map(\.classes) == [["gold"], ["silver"], ["bronze", "batch"]])
        for (level, w) in zip(waits.levels, [gold, silver, rest]) { #expect(abs(level.meanWait - w) < 1e-12 * w) }
    }

    @Test("M/G/1 with a service time per class: W₀ = Σ λ_k E[S_k²]/2, exact on one server")
    func mg1OwnDemands() throws {
        let text = Self.yaml(
            rate: "500/s",
            classes: [
                "{name: big, weight: 2, path: [{to: server, service: {lognormal: {mean: 2.5ms, cv: 1.5}}}]}",
                "{name: small, weight: 3, path: [{to: server, service: {exponential: {mean: 0.5ms}}}]}",
            ],
            workers: 1, priority: "[small, big]")
        let run = try Run(yaml: text)
        let (lSmall, sSmall, s2Small) = (300.0, 0.0005, 2 * 0.0005 * 0.0005)
        let (lBig, sBig, s2Big) = (200.0, 0.0025, 0.0025 * 0.0025 * (1 + 1.5 * 1.5))
        let w0 = (lSmall * s2Small + lBig * s2Big) / 2
        let (sigmaSmall, sigmaBig) = (lSmall * sSmall, lBig * sBig)
        let small = w0 / (1 - sigmaSmall)
        let big = w0 / ((1 - sigmaSmall) * (1 - sigmaSmall - sigmaBig))
        run.expectMatches("class.small.latency.mean", small + sSmall)
        run.expectMatches("class.big.latency.mean", big + sBig)
        let waits = try #require(run.scenario.model.offeredLoad()[0].priorityWaits)
        #expect(abs(waits.levels[0].meanWait - small) < 1e-9 * small)
        #expect(abs(waits.levels[1].meanWait - big) < 1e-9 * big)
    }

    @Test("the same requests in another order: FIFO and priority serve the same work (same busy time)")
    func sameWork() throws {
        let classes = ["{name: a, weight: 1, path: [server]}", "{name: b, weight: 1, path: [server]}"]
        try Self.expectSameWorkAsFIFO(
            Self.yaml(rate: "700/s", classes: classes, workers: 2, priority: "[b]"),
            discipline: "    discipline: {priority: [b]}\n")
    }

    /// Runs `text`, whose pool gives class b priority over class a, and the same scenario
    /// without its `discipline` line (FIFO). Each request keeps its own demand whatever the
    /// order (common random numbers), so the busy time must match replication by replication;
    /// b overtakes a: b waits less than under FIFO, a more.
    static func expectSameWorkAsFIFO(
        _ text: String, discipline: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let prioritised = try Run(yaml: text)
        let fifo = try Run(yaml: text.replacingOccurrences(of: discipline, with: ""))
        #expect(fifo.scenario.model.stations[0].discipline == .fifo, sourceLocation: sourceLocation)
        for (x, y) in zip(prioritised.values("utilization.server"), fifo.values("utilization.server")) {
            #expect(abs(x - y) < 0.01, sourceLocation: sourceLocation)
        }
        #expect(
            prioritised.summary["class.b.latency.mean"]!.value < fifo.summary["class.b.latency.mean"]!.value,
            sourceLocation: sourceLocation)
        #expect(
            prioritised.summary["class.a.latency.mean"]!.value > fifo.summary["class.a.latency.mean"]!.value,
            sourceLocation: sourceLocation)
    }

    @Test("Scenarios/priority.yaml (shortened): FIFO, then checkout first, against Erlang C and Cobham")
    func shipped() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("priority.yaml"),
            overrides: ["horizon=100s", "warmup=10s", "replications=12"].map { try Override(parsing: $0) })
        #expect(s.points.count == 2)
        let fifo = Run(s.points[0])
        let prioritised = Run(s.points[1])
        // Each instance: M/M/4 at a = 3.6, μ = 50/s; checkout is 1/5 of the traffic.
        let wait = Queueing.erlangC(servers: 4, load: 3.6) / (200 - 180)
        let w0 = wait * 0.1
        fifo.expectMatches("class.checkout.latency.mean", wait + 0.02)
        fifo.expectMatches("class.browse.latency.mean", wait + 0.02)
        prioritised.expectMatches("class.checkout.latency.mean", w0 / 0.82 + 0.02)
        prioritised.expectMatches("class.browse.latency.mean", w0 / (0.82 * 0.1) + 0.02)
        prioritised.expectMatches("hop.api.wait.mean", wait)
        expectConservation(prioritised)
    }

    @Test("the rules: a mapping {priority: [classes]}, of classes that reach the pool, once each")
    func rules() {
        func lines(_ discipline: String, queue: String = "") -> [String] {
            problems(
                """
                version: 1
                horizon: 10s
                workload:
                  arrivals: {process: poisson, rate: 10/s}
                  classes:
                    - {name: gold, weight: 1, path: [web]}
                    - {name: bronze, weight: 1, path: [other]}
                components:
                  web: {kind: server_pool, workers: 2, \(queue)discipline: \(discipline), service: {exponential: {mean: 1ms}}}
                  other: {kind: server_pool, workers: 2, service: {exponential: {mean: 1ms}}}
                """)
        }
        #expect(lines("{priority: [gold]}").isEmpty)
        #expect(
            lines("priority") == [
                "s.yaml:9:52: error: components.web.discipline: priority needs its classes, most urgent first: discipline: {priority: [checkout, browse]}"
            ])
        #expect(
            lines("{priority: [gold, gold]}") == [
                "s.yaml:9:70: error: components.web.discipline.priority.1: class 'gold' is listed twice; each class has one level"
            ])
        #expect(
            lines("{priority: [gold, silver]}") == [
                "s.yaml:9:70: error: components.web.discipline.priority.1: 'web' gives priority to class 'silver', which the workload does not have (classes: gold, bronze)"
            ])
        #expect(
            lines("{priority: [bronze]}") == [
                "s.yaml:9:64: error: components.web.discipline.priority.0: class 'bronze' never reaches 'web': it is not on the class's path"
            ])
        #expect(
            lines("{priority: []}") == [
                "s.yaml:9:63: error: components.web.discipline.priority: expected at least one class name, found an empty list"
            ])
        #expect(
            lines("{priorty: [gold]}").contains {
                $0.hasSuffix("unknown key 'priorty'; expected one of priority, preemptive (did you mean 'priority'?)")
            })
        #expect(
            lines("{priority: [gold]}", queue: "queue: 0, ") == [
                "s.yaml:9:62: error: components.web.discipline: priority has no effect with queue: 0 (no request ever waits)"
            ])
        // A sweep or --set swaps it for another discipline.
        #expect(lines("fifo").isEmpty)
    }
}
