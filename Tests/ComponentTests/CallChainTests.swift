import CapSimTestSupport
import Foundation
import ScenarioLanguage
import SimStats
import Testing

/// Synchronous call chains: the caller's worker is held while its downstream call runs.
@Suite("Synchronous call chains")
struct CallChainTests {
    /// Scenarios/call-chain.yaml: web (1 worker, exponential 1 ms) calls db (a pure delay of
    /// exactly 1 ms) synchronously, so web's worker is held for H = S + 1 ms: web is M/G/1 with
    /// that holding time.
    func run(_ overrides: [String] = []) throws -> (MetricLayout, [ReplicationResult]) {
        let s = try ScenarioLoader.load(
            path: scenarioPath("call-chain.yaml"), overrides: overrides.map { try Override(parsing: $0) })
        let layout = MetricLayout(spec: s.model)
        return (layout, Experiment(spec: s.model, seed: s.seed, replications: 0..<s.replications, jobs: 2).run())
    }

    func values(_ id: String, _ run: (MetricLayout, [ReplicationResult])) -> [Double] {
        let i = run.0.index(of: id)!
        return run.1.map { $0.values[i] }
    }

    @Test("the caller holds its worker through the call: M/G/1 with holding time S + D")
    func holding() throws {
        let r = try run()
        // H = Exp(1 ms) + 1 ms: E[H] = 2 ms, E[H²] = 2 + 2·1·1 + 1 = 5 ms²; λ = 400/s, ρ = 0.8.
        let wait = 400 * 5e-6 / (2 * (1 - 0.8))
        expectMean(values("hop.web.wait.mean", r), wait, label: "web wait (Pollaczek–Khinchine on H)")
        expectMean(values("utilization.web", r), 0.8, label: "web utilisation counts held workers")
        expectMean(values("latency.mean", r), wait + 0.002, label: "end-to-end latency")
        expectMean(values("hop.web.inclusive.mean", r), wait + 0.002, label: "web inclusive time")
        expectMean(values("hop.db.inclusive.mean", r), 0.001, label: "db inclusive time", floor: 0)
    }

    @Test("the same path in pipeline mode releases the worker: M/M/1 at ρ = 0.4")
    func pipelineContrast() throws {
        let r = try run(["workload.mode=pipeline"])
        expectMean(values("hop.web.wait.mean", r), 0.4 * 0.001 / 0.6, label: "web wait, pipeline")
        expectMean(values("utilization.web", r), 0.4, label: "web utilisation, pipeline")
        #expect(r.0.index(of: "hop.web.inclusive.mean") == nil)
    }

    @Test("inclusive time = own time + the inclusive time of the call, request by request")
    func inclusiveAddsUp() throws {
        let r = try run([
            "components.db.workers=2", "components.db.service={exponential: {mean: 1ms}}", "horizon=40s",
            "warmup=4s", "replications=4",
        ])
        let web = values("hop.web.inclusive.mean", r)
        let own = values("hop.web.self.mean", r)
        let db = values("hop.db.inclusive.mean", r)
        for k in web.indices {
            // Means over the same requests (no errors), in whole nanoseconds: equal up to rounding of the sums.
            #expect(abs(web[k] - (own[k] + db[k])) <= web[k] * 1e-9, "replication \(k)")
        }
        for rep in r.1 { #expect(rep.outcome.arrivals == rep.outcome.successes + rep.outcome.errors.reduce(0, +)) }
    }

    @Test("a full downstream queue fails the request and frees every worker it held")
    func downstreamRejection() throws {
        let r = try run([
            "components.web.workers=4", "components.db.workers=1", "components.db.queue=0",
            "components.db.service={exponential: {mean: 1ms}}",
            "horizon=20s", "warmup=2s", "replications=4",
        ])
        let rejected = values("errors.queue_full.rate", r)
        #expect(rejected.allSatisfy { $0 > 0 })
        for rep in r.1 { #expect(rep.outcome.arrivals == rep.outcome.successes + rep.outcome.errors.reduce(0, +)) }
        // web never holds more than its four workers: utilisation stays a share.
        #expect(values("utilization.web", r).allSatisfy { $0 <= 1 })
    }
}

@Suite("Three-tier web application")
struct ThreeTierTests {
    @Test("the shipped three-tier scenario: inclusive times nest, tiers count held workers, SLOs decided")
    func threeTier() throws {
        let run = try Run("three-tier.yaml", ["horizon=40s", "warmup=5s", "replications=4"])
        expectConservation(run)
        // Each tier's inclusive time is its own time plus the next tier's inclusive time.
        for (outer, inner) in [("edge", "web"), ("web", "app"), ("app", "db")] {
            let total = run.values("hop.\(outer).inclusive.mean")
            let own = run.values("hop.\(outer).self.mean")
            let below = run.values("hop.\(inner).inclusive.mean")
            for k in total.indices {
                #expect(abs(total[k] - (own[k] + below[k])) <= total[k] * 1e-6, "\(outer) replication \(k)")
            }
        }
        // Held workers: web's utilisation reflects ~19 ms per request, not its own 5 ms.
        #expect(run.values("utilization.web").allSatisfy { $0 > 0.8 })
        let r = capsim([
            "check", scenarioPath("three-tier.yaml"), "-q", "--set", "horizon=40s", "--set", "warmup=5s",
            "--replications", "4",
        ])
        #expect(r.status == 0)
    }
}

@Suite("Where p99 comes from")
struct TailBreakdownTests {
    @Test(
        "the hop breakdown of requests slower than p99 adds up to their latency",
        arguments: ["tandem.yaml", "three-tier.yaml", "call-chain.yaml"])
    func addsUp(file: String) throws {
        let run = try Run(file, ["horizon=30s", "warmup=3s", "replications=3"])
        let names = run.scenario.model.stations.map(\.name)
        for k in run.results.indices {
            let parts = names.map { run.values("hop.\($0).self.beyond_p99")[k] }
            let total = parts.reduce(0, +)
            let p99 = run.values("latency.p99")[k]
            let max = run.values("latency.max")[k]
            // Latency is the sum of the time at each hop, request by request; the requests beyond
            // p99 have latencies from the p99 bucket (≤ 0.1 % wide) up to the maximum.
            #expect(total >= p99 * 0.999 && total <= max, "\(file) replication \(k): \(parts) vs p99 \(p99)")
            #expect(parts.allSatisfy { $0 >= 0 })
        }
        #expect(
            try Run("mm1.yaml", ["horizon=5s", "replications=2", "warmup=1s"]).layout.index(
                of: "hop.server.self.beyond_p99") == nil)
    }
}
