import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimStats
import Testing

/// The autoscaling scenarios end to end: billing of the held-instance integral, determinism
/// across threads, and what pre-scaling buys in a flash crowd.
@Suite("Autoscaling scenarios")
struct AutoscaleScenarioTests {
    @Test("an autoscaled fleet costs the integral of its instance count: cost / price = held instance-hours")
    func costIsTheHeldIntegral() throws {
        let run = try Run("autoscale-diurnal.yaml", ["horizon=20m", "warmup=0s", "replications=2"])
        expectConservation(run)
        let mean = run.values("instances.web.mean")
        let horizon = run.values("cost.horizon")
        let monthly = run.values("cost.monthly.instances")
        for (k, m) in mean.enumerated() {
            // Per-second billing over a whole number of seconds: no rounding.
            let hours = m * 20 / 60
            #expect(abs(horizon[k] / 0.096 - hours) <= 1e-12 * hours, "\(horizon[k] / 0.096) vs \(hours)")
            #expect(abs(monthly[k] - m * 0.096 * 730) <= 1e-12 * monthly[k])
        }
        // The fleet really scaled: fewer instances on average than at the peak, some actions.
        #expect(run.values("autoscale.web.actions").allSatisfy { $0 >= 2 })
        #expect(zip(mean, run.values("instances.web.peak")).allSatisfy { $0 < $1 })
        #expect(zip(run.values("instances.web.serving.mean"), mean).allSatisfy { $0 <= $1 })
        let u = run.values("utilization.web")
        let busy = run.values("busy.web.mean")
        let serving = run.values("instances.web.serving.mean")
        for k in u.indices {
            #expect(abs(u[k] - busy[k] / (serving[k] * 4)) <= 1e-9, "utilisation over serving capacity")
        }
    }

    @Test("the time series' instance count follows the held instances: its windows average to instances.<c>.mean")
    func timeSeries() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("autoscale-diurnal.yaml"),
            overrides: ["horizon=20m", "warmup=0s", "replications=2"].map { try Override(parsing: $0) })
        var spec = s.model
        spec.timeSeriesWindow = .seconds(300)
        let results = Experiment(spec: spec, seed: s.seed, replications: 0..<2, jobs: 2).run()
        let ts = TimeSeriesLayout(spec: spec, length: .seconds(300))
        let layout = MetricLayout(spec: spec)
        let width = ts.columns.count
        let column = try #require(ts.ids.firstIndex(of: "instances.web.mean"))
        let mean = try #require(layout.index(of: "instances.web.mean"))
        for r in results {
            let rows = try #require(r.windows?.series)
            let counts = (0..<ts.windowCount).map { rows[$0 * width + column] }
            #expect(Set(counts).count > 1, "\(counts)")
            let average = counts.reduce(0, +) / Double(counts.count)
            #expect(abs(average - r.values[mean]) <= 1e-9 * average, "\(average) vs \(r.values[mean])")
        }
    }

    @Test("same seed, same results on one thread or two")
    func determinism() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("autoscale-diurnal.yaml"),
            overrides: ["horizon=10m", "warmup=1m"].map { try Override(parsing: $0) })
        let one = Experiment(spec: s.model, seed: s.seed, replications: 0..<3, jobs: 1).run()
        let two = Experiment(spec: s.model, seed: s.seed, replications: 0..<3, jobs: 2).run()
        #expect(one.map(\.values) == two.map(\.values) && one.map(\.outcome) == two.map(\.outcome))
    }

    @Test(
        "a flash crowd: pre-scaling before the spike turns away less than reactive autoscaling, which turns away less than none"
    )
    func flashCrowd() throws {
        let sets = ["replications=2", "horizon=35m"]
        let none = try Run("flash-crowd.yaml", sets)
        let reactive = try Run("flash-crowd-autoscale.yaml", sets)
        let prescaled = try Run("flash-crowd-prescaled.yaml", sets)
        for r in [none, reactive, prescaled] { expectConservation(r) }
        func lost(_ r: Run) -> Double { r.values("availability.request").reduce(0) { $0 + (1 - $1) } }
        #expect(lost(prescaled) < lost(reactive), "\(lost(prescaled)) vs \(lost(reactive))")
        #expect(lost(reactive) < lost(none), "\(lost(reactive)) vs \(lost(none))")
        #expect(prescaled.values("instances.web.peak").allSatisfy { $0 <= 16 })
    }
}
