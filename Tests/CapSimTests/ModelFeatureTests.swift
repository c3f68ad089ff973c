import CapSimTestSupport
import Foundation
import ScenarioLanguage
import SimStats
import Testing
import Theory

@Suite("Model features")
struct ModelFeatureTests {
    @Test("classes share arrivals by weight and follow their own paths")
    func classes() throws {
        let run = try Run(
            "tandem.yaml",
            [
                "horizon=60s", "warmup=5s", "replications=10",
                "workload.classes=[{name: browse, weight: 3, path: [edge]}, {name: buy, weight: 1, path: [edge, app, store]}]",
            ])
        // Shares: edge sees every request, app and store a quarter of them.
        run.expectMatches("utilization.edge", 0.6)
        run.expectMatches("utilization.app", 0.25 * 600 * 0.0008)
        run.expectMatches("utilization.store", 0.25 * 600 * 0.0005)
        // Each class's latency is the sum of its stations' M/M/1 sojourns at their own rates.
        let edge = 1 / (1000.0 - 600)
        let app = 1 / (1250.0 - 150)
        let store = 1 / (2000.0 - 150)
        run.expectMatches("class.browse.latency.mean", edge)
        run.expectMatches("class.buy.latency.mean", edge + app + store)
        expectConservation(run)
    }

    @Test("empirical service times come from a file, one value per line")
    func empirical() throws {
        let dir = temporaryDirectory()
        let samples = dir.appendingPathComponent("samples.csv")
        try "# service times\n1\n2\n3ms\n\n6  # slow one\n".write(to: samples, atomically: true, encoding: .utf8)
        let yaml = """
            version: 1
            horizon: 100s
            warmup: 5s
            replications: 10
            workload: {arrivals: {process: poisson, rate: 200/s}}
            components:
              s: {kind: server_pool, service: {empirical: {file: samples.csv, unit: ms}}}
            """
        let file = dir.appendingPathComponent("e.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let scenario = try ScenarioLoader.load(path: file.path)
        #expect(scenario.model.stations[0].service == .empirical(samples: [0.001, 0.002, 0.003, 0.006]))
        // M/G/1 with E[S] = 3 ms, E[S²] = 12.5 ms²: mean wait λE[S²] / (2(1 − ρ)) at ρ = 0.6.
        let results = Experiment(spec: scenario.model, seed: 3, replications: 0..<10, jobs: 2).run()
        let layout = MetricLayout(spec: scenario.model)
        let i = layout.index(of: "hop.s.wait.mean")!
        expectMean(results.map { $0.values[i] }, 200 * 12.5e-6 / (2 * 0.4), label: "M/G/1 empirical wait")
        let bad = capsim(["run", file.path, "--set", "components.s.service.empirical.file=missing.csv"])
        #expect(bad.status == 66)  // a missing input, as a missing scenario or trace file
        #expect(bad.err.contains("components.s.service.empirical.file: cannot read the samples file"))
        #expect(bad.err.contains("missing.csv': no such file"), "\(bad.err)")
    }

    @Test("unlimited workers make a pure delay: latency is the service time")
    func pureDelay() throws {
        let run = try Run(
            "mm1.yaml",
            [
                "horizon=20s", "warmup=1s", "replications=5", "components.server.workers=unlimited",
                "workload.arrivals.rate=5000/s",
            ])
        run.expectMatches("latency.mean", 0.001)
        run.expectMatches("hop.server.wait.mean", 0, floor: 0)
        run.expectMatches("busy.server.mean", 5)  // Little's law for an infinite-server station
        #expect(run.layout.index(of: "utilization.server") == nil)
    }
}

@Suite("Per-class arrival processes")
struct ClassArrivalTests {
    static let yaml = """
        version: 1
        horizon: 200s
        warmup: 20s
        replications: 10
        seed: 8
        workload:
          classes:
            - {name: api,   path: [server], arrivals: {process: poisson, rate: 600/s}}
            - {name: batch, path: [server], arrivals: {process: poisson, rate: 200/s}}
        components:
          server: {kind: server_pool, service: {exponential: {mean: 1ms}}}
        """

    @Test("independent Poisson sources superpose: M/M/1 at their total rate, each class sees the same sojourn")
    func superposition() throws {
        let s = try ScenarioLoader.parse(yaml: Self.yaml)
        #expect(s.model.arrivals == nil && s.model.classRates == [600, 200])
        let layout = MetricLayout(spec: s.model)
        let results = Experiment(spec: s.model, seed: s.seed, replications: 0..<s.replications, jobs: 2).run()
        func values(_ id: String) -> [Double] {
            let i = layout.index(of: id)!
            return results.map { $0.values[i] }
        }
        expectMean(values("arrival_rate"), 800, label: "total arrival rate")
        expectMean(values("latency.mean"), 1 / (1000.0 - 800), label: "M/M/1 sojourn at λ = 800/s")
        expectMean(values("class.api.latency.mean"), 1 / (1000.0 - 800), label: "api sojourn (PASTA: same as all)")
        expectMean(values("class.batch.latency.mean"), 1 / (1000.0 - 800), label: "batch sojourn")
        for r in results { #expect(r.outcome.arrivals == r.outcome.successes + r.outcome.errors.reduce(0, +)) }
    }

    @Test("a class with its own arrivals beside classes sharing the workload's; mistakes are diagnosed")
    func mixed() throws {
        let s = try ScenarioLoader.parse(
            yaml: Self.yaml,
            overrides: [
                try Override(parsing: "workload.arrivals={process: poisson, rate: 100/s}"),
                try Override(
                    parsing:
                        "workload.classes=[{name: a, weight: 3, path: [server]}, {name: b, path: [server]}, {name: c, path: [server], arrivals: {process: constant, rate: 10/s}}]"
                ),
            ])
        #expect(s.model.classRates == [75, 25, 10])
        let missing = capsim([
            "validate", scenarioPath("mm1.yaml"), "--set", "workload={classes: [{name: x, path: [server]}]}",
        ])
        #expect(missing.status == 65)
        #expect(
            missing.err.contains(
                "class 'x' has no arrivals: give workload.arrivals (shared by weight) or the class its own 'arrivals'"))
        let both = capsim([
            "validate", scenarioPath("mm1.yaml"), "--set",
            "workload.classes=[{name: x, weight: 2, path: [server], arrivals: {process: poisson, rate: 5/s}}]",
        ])
        #expect(both.err.contains("a class with its own arrivals takes no share of the workload's: remove 'weight'"))
    }
}
