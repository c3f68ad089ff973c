import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing
import Theory

@Suite("Consistent hashing: the shipped scenario")
struct ConsistentHashScenarioTests {
    @Test(
        "consistent-hash.yaml: without a bound the hot instance saturates (queue_full, long waits); bounded load keeps the pool healthy"
    )
    func cacheAffinity() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("consistent-hash.yaml"),
            overrides: ["horizon=8s", "warmup=2s", "replications=4"].map { try Override(parsing: $0) })
        #expect(s.points.map { $0.model.stations[0].consistentHash.loadFactor } == [nil, 2, 1.25])
        #expect(s.points.allSatisfy { $0.model.classes[0].keys == .zipf(exponent: 0.99, count: 1_000_000) })
        // validate's offered load: the hottest instance of the unbounded ring is over capacity;
        // with c = 1.25 it is capped near 1.25 × the 65 % average.
        let offered = s.points.map { $0.model.offeredLoad()[0].utilization! }
        #expect(offered[0] > 1 && abs(offered[2] - 1.25 * 0.65) < 1e-9, "\(offered)")
        let share = s.points[0].model.offeredLoad()[0].unequalShare
        #expect(
            share != nil && share! > 0.19 && share! < 0.21, "the busiest instance's share: \(String(describing: share))"
        )
        var queueFull: [Double] = []
        var p99: [Double] = []
        for point in s.points {
            let layout = MetricLayout(spec: point.model)
            let results = Experiment(spec: point.model, seed: point.seed, replications: 0..<point.replications, jobs: 2)
                .run()
            for r in results {
                #expect(!r.outcome.unstable)
                #expect(r.outcome.arrivals == r.outcome.successes + r.outcome.errors.reduce(0, +))
            }
            let summary = Summary(layout: layout, results: results)
            queueFull.append(summary["errors.queue_full.rate"]!.value)
            p99.append(summary["latency.p99"]!.value)
        }
        print("consistent-hash.yaml (8 s × 4): queue_full \(queueFull), p99 \(p99)")
        // Unbounded: the hot instance (offered > 100 %) turns requests away and its queue is long.
        #expect(queueFull[0] > 0.002 && p99[0] > 0.02)
        // Bounded: nothing turned away and p99 an order of magnitude shorter.
        #expect(queueFull[1] < 1e-4 && queueFull[2] < 1e-4)
        #expect(p99[1] < p99[0] / 5 && p99[2] < p99[0] / 5)
    }

    @Test("same seed, same results on one or two threads")
    func determinism() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("consistent-hash.yaml"),
            overrides: ["horizon=2s", "warmup=500ms"].map { try Override(parsing: $0) })
        for point in s.points {
            let one = Experiment(spec: point.model, seed: point.seed, replications: 0..<4, jobs: 1).run()
            let two = Experiment(spec: point.model, seed: point.seed, replications: 0..<4, jobs: 2).run()
            #expect(one.map(\.values) == two.map(\.values) && one.map(\.outcome) == two.map(\.outcome))
        }
    }
}
