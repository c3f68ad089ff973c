import CapSimTestSupport
import Foundation
import ScenarioLanguage
import SimRandom
import Testing
import Theory

@testable import InfraModel

/// `discipline: {priority: [classes], preemptive: true}` (preemptive resume) against its exact
/// results: on one worker the M/G/1 preemptive-resume formula, level k's sojourn
/// T_k = E[S_k]/(1 − σ_{k−1}) + (Σ_{i≤k} λ_i E[S_i²]/2)/((1 − σ_{k−1})(1 − σ_k)); on M/M/c with
/// one service rate, levels 0 … k together as M/M/c alone at their rate. Work is neither lost
/// nor repeated, and requests displaced in the middle of failures, timeouts and call chains
/// still end exactly once.
@Suite("Preemptive priority")
struct PreemptionTests {
    /// `PriorityTests.yaml`'s pool, made preemptive.
    static func yaml(rate: String, classes: [String], workers: Int, priority: String) -> String {
        PriorityTests.yaml(rate: rate, classes: classes, workers: workers, priority: priority + ", preemptive: true")
    }

    @Test("M/M/1, two classes: gold sees M/M/1 alone, bronze the preemptive-resume formula; waits over all are FIFO's")
    func mm1() throws {
        let run = try Run(
            yaml: Self.yaml(
                rate: "800/s",
                classes: ["{name: gold, weight: 3, path: [server]}", "{name: bronze, weight: 5, path: [server]}"],
                workers: 1, priority: "[gold]"))
        // μ = 1000/s, λ_gold = 300/s, λ = 800/s.
        let gold = 1 / (1000.0 - 300)
        let bronze = 0.001 / 0.7 + (800 * 2e-6 / 2) / (0.7 * 0.2)
        run.expectMatches("class.gold.latency.mean", gold)
        run.expectMatches("class.bronze.latency.mean", bronze)
        // A displaced request's wait counts its time displaced: over all requests the mean wait
        // is FIFO's (one service rate: the order does not change the work in the system).
        run.expectMatches("hop.server.wait.mean", 0.8 / 200)
        // A gold arrival displaces the bronze request in service, if one is: by PASTA it finds
        // one with probability ρ_bronze = 0.5.
        run.expectMatches("queue.server.preemptions.mean", 300 * 0.5 / 800)
        expectConservation(run)
        let waits = try #require(run.scenario.model.offeredLoad()[0].priorityWaits)
        #expect(waits.preemptive)
        #expect(waits.levels.map(\.classes) == [["gold"], ["bronze"]])
        #expect(abs(waits.levels[0].meanWait - (gold - 0.001)) < 1e-12)
        #expect(abs(waits.levels[1].meanWait - (bronze - 0.001)) < 1e-12)
        #expect(abs(run.scenario.model.offeredLoad()[0].meanWaitEstimate! - 0.004) < 1e-12)
    }

    @Test("M/M/4, three levels with one service rate: each level by M/M/4 at the rate of it and the levels above")
    func mm4() throws {
        let run = try Run(
            yaml: Self.yaml(
                rate: "3600/s",
                classes: ["gold", "silver", "bronze", "batch"].map { "{name: \($0), weight: 1, path: [server]}" },
                workers: 4, priority: "[gold, silver]"))
        // Levels 0 … k alone: M/M/4 at λ_{≤k} = 900, 1800, 3600/s, μ = 1000/s.
        func sojourn(_ lambda: Double) -> Double {
            0.001 + Queueing.erlangC(servers: 4, load: lambda / 1000) / (4000 - lambda)
        }
        let gold = sojourn(900)
        let silver = (1800 * sojourn(1800) - 900 * gold) / 900
        let rest = (3600 * sojourn(3600) - 1800 * sojourn(1800)) / 1800
        run.expectMatches("class.gold.latency.mean", gold)
        run.expectMatches("class.silver.latency.mean", silver)
        run.expectMatches("class.bronze.latency.mean", rest)
        run.expectMatches("class.batch.latency.mean", rest)
        run.expectMatches("hop.server.wait.mean", sojourn(3600) - 0.001)
        expectConservation(run)
        let waits = try #require(run.scenario.model.offeredLoad()[0].priorityWaits)
        #expect(waits.levels.map(\.classes) == [["gold"], ["silver"], ["bronze", "batch"]])
        for (level, t) in zip(waits.levels, [gold, silver, rest]) {
            #expect(abs(level.meanWait - (t - 0.001)) < 1e-9 * t)
        }
    }

    @Test("M/G/1 with a service time per class: the preemptive-resume formula with each class's E[S²]")
    func mg1OwnDemands() throws {
        let run = try Run(
            yaml: Self.yaml(
                rate: "500/s",
                classes: [
                    "{name: big, weight: 2, path: [{to: server, service: {lognormal: {mean: 2.5ms, cv: 1.5}}}]}",
                    "{name: small, weight: 3, path: [{to: server, service: {exponential: {mean: 0.5ms}}}]}",
                ],
                workers: 1, priority: "[small, big]"))
        let (lSmall, sSmall, s2Small) = (300.0, 0.0005, 2 * 0.0005 * 0.0005)
        let (lBig, sBig, s2Big) = (200.0, 0.0025, 0.0025 * 0.0025 * (1 + 1.5 * 1.5))
        let (sigmaSmall, sigmaBig) = (lSmall * sSmall, lBig * sBig)
        let small = sSmall + (lSmall * s2Small / 2) / (1 - sigmaSmall)
        let big =
            sBig / (1 - sigmaSmall) + ((lSmall * s2Small + lBig * s2Big) / 2)
            / ((1 - sigmaSmall) * (1 - sigmaSmall - sigmaBig))
        run.expectMatches("class.small.latency.mean", small)
        run.expectMatches("class.big.latency.mean", big)
        expectConservation(run)
        let waits = try #require(run.scenario.model.offeredLoad()[0].priorityWaits)
        #expect(abs(waits.levels[0].meanWait - (small - sSmall)) < 1e-9 * small)
        #expect(abs(waits.levels[1].meanWait - (big - sBig)) < 1e-9 * big)
    }

    @Test("no work lost or repeated: the same requests keep the workers as busy as FIFO does, run for run")
    func sameWork() throws {
        let classes = [
            "{name: a, weight: 1, path: [{to: server, service: {lognormal: {mean: 3ms, cv: 2}}}]}",
            "{name: b, weight: 3, path: [server]}",
        ]
        let text = Self.yaml(rate: "900/s", classes: classes, workers: 2, priority: "[b]")
        // A displaced request resumes with what it had left: the busy time is FIFO's.
        try PriorityTests.expectSameWorkAsFIFO(text, discipline: "    discipline: {priority: [b], preemptive: true}\n")
    }

    @Test("Scenarios/preemptive-priority.yaml (shortened): FIFO, Cobham and preemptive resume on M/G/1")
    func shipped() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("preemptive-priority.yaml"),
            overrides: ["horizon=200s", "warmup=10s", "replications=12"].map { try Override(parsing: $0) })
        #expect(s.points.count == 3)
        // Each instance: pages 304/s × 1 ms exponential, reports 16/s × 25 ms lognormal cv 1.
        let (lPage, sPage, s2Page) = (304.0, 0.001, 2e-6)
        let (lReport, sReport, s2Report) = (16.0, 0.025, 0.025 * 0.025 * 2)
        let (sigmaPage, rho) = (lPage * sPage, lPage * sPage + lReport * sReport)
        let w0 = (lPage * s2Page + lReport * s2Report) / 2
        let fifo = Run(s.points[0])
        let cobham = Run(s.points[1])
        let preemptive = Run(s.points[2])
        fifo.expectMatches("class.page.latency.mean", w0 / (1 - rho) + sPage)
        cobham.expectMatches("class.page.latency.mean", w0 / (1 - sigmaPage) + sPage)
        cobham.expectMatches("class.report.latency.mean", w0 / ((1 - sigmaPage) * (1 - rho)) + sReport)
        preemptive.expectMatches("class.page.latency.mean", sPage + (lPage * s2Page / 2) / (1 - sigmaPage))
        preemptive.expectMatches(
            "class.report.latency.mean", sReport / (1 - sigmaPage) + w0 / ((1 - sigmaPage) * (1 - rho)))
        // A page arriving while a report is in service displaces it (PASTA: probability ρ_report).
        preemptive.expectMatches("queue.render.preemptions.mean", lPage * (lReport * sReport) / (lPage + lReport))
        #expect(cobham.summary["queue.render.preemptions.mean"] == nil)
        for run in [fifo, cobham, preemptive] { expectConservation(run) }
    }

    @Test("displaced amid crashes, hangs, client timeouts, dropped attempts and call chains: every request ends once")
    func invariants() throws {
        let text = """
            version: 1
            horizon: 60s
            warmup: 0s
            drain: 1m
            seed: 7
            workload:
              arrivals: {process: poisson, rate: 1500/s}
              client: {timeout: 30ms, retries: {max: 1, base: 5ms}}
              classes:
                - {name: gold, weight: 1, path: [web, app]}
                - {name: silver, weight: 2, path: [web, app]}
                - {name: bronze, weight: 3, path: [web]}
            components:
              web:
                kind: server_pool
                instances: 3
                workers: 2
                queue: 50
                balance: least_outstanding
                drop_expired: true
                discipline: {priority: [gold, silver], preemptive: true}
                service: {lognormal: {mean: 1ms, cv: 1.5}}
                failures: {mtbf: 10s, mttr: 2s, mode: crash}
                health_check: {interval: 1s}
              app:
                kind: server_pool
                instances: 2
                workers: 2
                discipline: {priority: [gold], preemptive: true}
                timeout: 50ms
                service: {exponential: {mean: 1.5ms}}
                failures: {mtbf: 15s, mttr: 1s, mode: hang}
            """
        let scenario = try ScenarioLoader.parse(yaml: text)
        for replication in 0..<3 {
            var sim = Simulation<FullModel>(
                spec: scenario.model, streams: StreamStore(seed: scenario.seed), replication: replication)
            var sink = RecordingSink()
            let outcome = sim.run(into: &sink)
            #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
            #expect(outcome.errors[Int(ErrorCause.instanceFailed.rawValue)] > 0)
            #expect(outcome.errors[Int(ErrorCause.timeout.rawValue)] > 0)
            #expect(sim.requests.liveCount == 0, "\(sim.requests.liveCount) request slot(s) still held after the drain")
            #expect(sim.loadsDisagree() == nil, "\(sim.loadsDisagree() ?? "")")
            #expect(sim.preemption.inService.allSatisfy { $0.isEmpty })
            #expect(sim.preemption.displaced.isEmpty)
            // The same run stopped part-way: each instance's record of its requests in service
            // is its busy workers less those holding a worker through a call.
            var model = scenario.model
            model.maxEvents = max(1, outcome.events / 3)
            var part = Simulation<FullModel>(
                spec: model, streams: StreamStore(seed: scenario.seed), replication: replication)
            _ = part.run(into: &sink)
            #expect(part.loadsDisagree() == nil, "\(part.loadsDisagree() ?? "")")
            for i in 0..<part.instanceCount {
                #expect(part.preemption.inService[i].count <= Int(part.instances[i].busy))
                for e in part.preemption.inService[i] {
                    #expect(part.requests[e.request].instance == Int32(i))
                }
            }
        }
    }

    @Test("validate prints each level's wait under preemptive resume, exact on one worker")
    func validateText() throws {
        let text = Self.yaml(
            rate: "800/s",
            classes: ["{name: gold, weight: 3, path: [server]}", "{name: bronze, weight: 5, path: [server]}"],
            workers: 1, priority: "[gold]")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("preemptive-\(UUID()).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = capsim(["validate", url.path])
        #expect(result.status == 0)
        #expect(
            result.out.contains(
                "server: offered 800.00/s, utilisation 80.0 %, mean wait 4.000 ms over all classes (by priority below)\n"
                    + "    by priority, mean wait: gold 428.571 µs; bronze 6.143 ms (preemptive resume: the time without a worker, before service and while displaced)\n"
            ), "\(result.out)")
        let json = capsim(["validate", "--format", "json", url.path])
        #expect(json.status == 0)
        #expect(json.out.contains("\"priority_preemptive\":true") || json.out.contains("\"priority_preemptive\": true"))
    }

    @Test("the rules: preemptive is true or false, inside the priority mapping")
    func rules() throws {
        func text(_ discipline: String) -> String {
            """
            version: 1
            horizon: 10s
            workload:
              arrivals: {process: poisson, rate: 10/s}
              classes:
                - {name: gold, weight: 1, path: [web]}
                - {name: bronze, weight: 1, path: [web]}
            components:
              web: {kind: server_pool, workers: 2, discipline: \(discipline), service: {exponential: {mean: 1ms}}}
            """
        }
        func preemption(_ discipline: String) throws -> Preemption {
            try ScenarioLoader.parse(yaml: text(discipline)).model.stations[0].preemption
        }
        #expect(try preemption("{priority: [gold], preemptive: true}") == .resume)
        #expect(try preemption("{priority: [gold], preemptive: false}") == .never)
        #expect(try preemption("{priority: [gold]}") == .never)
        #expect(
            problems(text("{priority: [gold], preemptive: maybe}")) == [
                "s.yaml:9:83: error: components.web.discipline.preemptive: expected true or false, found 'maybe'"
            ])
        #expect(
            problems(text("{preemptive: true}")).contains {
                $0.hasSuffix("components.web.discipline: missing required key 'priority'")
            })
    }
}
