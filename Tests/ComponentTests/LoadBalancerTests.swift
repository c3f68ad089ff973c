import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Testing

@Suite("Load balancer components")
struct LoadBalancerTests {
    static let yaml = """
        version: 1
        horizon: 30s
        warmup: 3s
        replications: 4
        workload: {arrivals: {process: poisson, rate: 3000/s}}
        components:
          lb:  {kind: load_balancer, targets: web, policy: power_of_two, latency: {deterministic: 0.2ms}}
          web: {kind: server_pool, instances: 4, workers: 1, service: {exponential: {mean: 1ms}}}
        """

    func problems(_ overrides: [String]) -> [String] {
        do {
            _ = try ScenarioLoader.parse(
                yaml: Self.yaml, file: "lb.yaml", overrides: overrides.map { try Override(parsing: $0) })
            return []
        } catch let ScenarioLoadError.invalid(e) { return e.diagnostics.map(\.description) } catch {
            return ["\(error)"]
        }
    }

    @Test("a balancer is a station of its own whose policy spreads requests over its target")
    func semantics() throws {
        let s = try ScenarioLoader.parse(yaml: Self.yaml)
        #expect(s.model.stations.map(\.name) == ["lb", "web"])
        #expect(s.model.stations[1].balance == .powerOfTwo)
        #expect(s.model.stations[0].workers == nil && s.model.stations[0].service == .deterministic(value: 0.0002))
        let layout = MetricLayout(spec: s.model)
        let results = Experiment(spec: s.model, seed: 3, replications: 0..<4, jobs: 2).run()
        let i = layout.index(of: "hop.lb.self.mean")!
        let j = layout.index(of: "latency.mean")!
        let w = layout.index(of: "hop.web.inclusive.mean")!
        for r in results {
            #expect(r.values[i] == 0.0002)
            // The balancer's own time plus the target's: latency = 0.2 ms + web's time, request by request.
            #expect(abs(r.values[j] - (0.0002 + r.values[w])) <= r.values[j] * 1e-9)
            #expect(r.outcome.arrivals == r.outcome.successes + r.outcome.errors.reduce(0, +))
        }
    }

    @Test("a balancer's capacity is held through the call: beyond it, queue_full")
    func capacity() throws {
        let s = try ScenarioLoader.parse(
            yaml: Self.yaml, overrides: [try Override(parsing: "components.lb.capacity=2")])
        let layout = MetricLayout(spec: s.model)
        let results = Experiment(spec: s.model, seed: 3, replications: 0..<2, jobs: 2).run()
        let rejected = layout.index(of: "errors.queue_full.rate")!
        let busy = layout.index(of: "busy.lb.mean")!
        for r in results {
            // λ = 3000/s through a 2-connection balancer: each connection is held ~0.2 ms + web's time.
            #expect(r.values[rejected] > 0.1)
            #expect(r.values[busy] <= 2)
        }
    }

    @Test("mistakes are diagnosed")
    func mistakes() {
        #expect(
            problems(["components.lb.targets=wbe"]).contains {
                $0.contains(
                    "components.lb.targets: expected the name of a server_pool component, found 'wbe' (did you mean 'web'?)"
                )
            })
        #expect(
            problems(["components.web.balance=random"]).contains {
                $0.contains("'web' sets its own balance or weights, but its load balancer 'lb' decides them")
            })
        #expect(
            problems(["components.lb.failover=5s"]).contains {
                $0.contains(
                    "components.lb.failover: failover switches to the passive unit when the active one fails: give the balancer 'failures:' too"
                )
            })
        #expect(problems(["components.lb.health_check={interval: 5s}"]).isEmpty)
        #expect(
            problems(["components.lb.health_check={interval: 5s}", "components.web.health_check={interval: 1s}"])
                .contains {
                    $0.contains(
                        "'web' has its own health_check, but its load balancer 'lb' does the checking: give it in one place"
                    )
                })
        #expect(
            problems(["components.lb.health_check={interval: 0s}"]).contains {
                $0.contains("components.lb.health_check.interval: expected a duration > 0")
            })
        #expect(
            problems(["workload.classes=[{name: a, path: [lb]}]"]).contains {
                $0.contains(
                    "a request through load balancer 'lb' goes next to its target 'web', found the end of the path")
            })
        #expect(
            problems(["components.lb.policy=weighted_round_robin"]).contains {
                $0.contains("weighted_round_robin needs 'weights'")
            })
        #expect(problems(["components.lb.policy=weighted_round_robin", "components.lb.weights=[3, 1, 1, 1]"]).isEmpty)
    }
}
