import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing

/// Pods on the nodes of a cluster (`kind: cluster`): scheduling, pending pods, node billing.
@Suite("Clusters")
struct ClusterTests {
    /// Three nodes of 4 CPU and 8 GiB; `web` asks for three pods of 1 CPU and 1 GiB, then
    /// `batch` for one pod of 4 CPU and 2 GiB.
    static func yaml(scoring: String, extra: String = "") -> String {
        """
        version: 1
        horizon: 100s
        replications: 2
        workload: {arrivals: {process: poisson, rate: 20/s}, classes: [{name: a, path: [web]}, {name: b, path: [batch]}]}
        components:
          k8s:
            kind: cluster
            node: {cpu: 4, memory: 8GiB}
            nodes: 3
            scoring: \(scoring)
            cost: 0.20/h
        \(extra)
          web: {kind: server_pool, instances: 3, workers: 4, service: {deterministic: 10ms}, cluster: k8s, pod: {cpu: 1, memory: 1GiB}}
          batch: {kind: server_pool, instances: 1, workers: 4, service: {deterministic: 10ms}, cluster: k8s, pod: {cpu: 4000m, memory: 2GiB}}
        """
    }

    /// The nodes of every pod of `station` (nil: pending) in replication 0, after set-up.
    static func placement(_ s: Scenario, station: String) throws -> [Int?] {
        let k = try #require(s.model.stations.firstIndex { $0.name == station })
        let sim = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: 0)
        return (0..<s.model.stations[k].instances).map { sim.podNode(station: k, pod: $0) }
    }

    @Test("the worked example: spreading leaves no node with 4 CPU free, bin-packing does")
    func workedExample() throws {
        // least_allocated: each web pod goes to the emptiest node (ties to the lowest index),
        // so every node keeps 3 CPU free and the 4-CPU batch pod stays pending.
        let spread = try ScenarioLoader.parse(yaml: Self.yaml(scoring: "least_allocated"))
        #expect(try Self.placement(spread, station: "web") == [0, 1, 2])
        #expect(try Self.placement(spread, station: "batch") == [nil])
        // most_allocated: the web pods pack onto node 0 (1 CPU left), the batch pod fills
        // node 1, node 2 stays empty.
        let packed = try ScenarioLoader.parse(yaml: Self.yaml(scoring: "most_allocated"))
        #expect(try Self.placement(packed, station: "web") == [0, 0, 0])
        #expect(try Self.placement(packed, station: "batch") == [1])

        // The same in the metrics, exactly: nodes held, nodes used, pods pending; the pending
        // pod is down all the time, so every batch request fails.
        let a = try Run(yaml: Self.yaml(scoring: "least_allocated"))
        let b = try Run(yaml: Self.yaml(scoring: "most_allocated"))
        #expect(a.values("cluster.k8s.nodes.mean") == [3, 3])
        #expect(b.values("cluster.k8s.nodes.mean") == [3, 3])
        #expect(a.values("cluster.k8s.nodes.used.mean") == [3, 3])
        #expect(b.values("cluster.k8s.nodes.used.mean") == [2, 2])
        #expect(a.values("cluster.k8s.pods.pending.mean") == [1, 1])
        #expect(b.values("cluster.k8s.pods.pending.mean") == [0, 0])
        #expect(a.values("instances.batch.up.mean") == [0, 0])
        #expect(b.values("instances.batch.up.mean") == [1, 1])
        #expect(a.values("class.b.availability.request") == [0, 0])
        #expect(b.values("class.b.availability.request") == [1, 1])
        expectConservation(a)
        expectConservation(b)
    }

    @Test("zones: spread puts a pool's pods in the zone with the fewest of them, before the score")
    func spreadOverZones() throws {
        // Four nodes in zones a, b, a, b; bin-packing alone would put both web pods on node 0,
        // the spread sends the second to zone b (node 1).
        var yaml = Self.yaml(scoring: "most_allocated", extra: "    zones: [a, b]")
        yaml = yaml.replacingOccurrences(of: "nodes: 3", with: "nodes: 4")
        yaml = yaml.replacingOccurrences(of: "instances: 3", with: "instances: 2")
        let s = try ScenarioLoader.parse(yaml: yaml)
        #expect(try Self.placement(s, station: "web") == [0, 1])
        #expect(try Self.placement(s, station: "batch") == [2])
        let unspread = try ScenarioLoader.parse(
            yaml: yaml.replacingOccurrences(of: "zones: [a, b]", with: "zones: [a, b]\n    spread: false"))
        #expect(try Self.placement(unspread, station: "web") == [0, 0])
        #expect(try Self.placement(unspread, station: "batch") == [1])
    }

    @Test("costs come from nodes: node-hours held × price, whatever the pods")
    func nodeCost() throws {
        let run = try Run(yaml: Self.yaml(scoring: "most_allocated"))
        // 3 nodes × 100 s = 1/12 node-hour at 0.20/h.
        for v in run.values("cost.horizon") { #expect(abs(v - 3 * 100 / 3600 * 0.20) <= 1e-12) }
        for v in run.values("cost.k8s.monthly") { #expect(abs(v - 3 * 730 * 0.20) <= 1e-9) }
        for v in run.values("cost.monthly.nodes") { #expect(abs(v - 3 * 730 * 0.20) <= 1e-9) }
    }

    @Test("bad cluster input gets located errors")
    func errors() {
        let base = Self.yaml(scoring: "most_allocated")
        #expect(
            problems(base.replacingOccurrences(of: "cluster: k8s, pod", with: "cluster: k9s, pod")) == [
                "s.yaml:13:95: error: components.web.cluster: expected a component of kind cluster, found 'k9s' (did you mean 'k8s'?)",
                "s.yaml:14:97: error: components.batch.cluster: expected a component of kind cluster, found 'k9s' (did you mean 'k8s'?)",
            ])
        #expect(
            problems(base.replacingOccurrences(of: "cpu: 4000m", with: "cpu: 5")) == [
                "s.yaml:14:97: error: components.batch.cluster: a pod of 'batch' (5 CPU, 2GiB) fits on no node of 'k8s' (4 CPU, 8GiB each): it would stay pending"
            ])
        #expect(
            problems(
                base.replacingOccurrences(of: "cost: 0.20/h", with: "cost: 0.20/h\n    agents: {cpu: 4, memory: 1GiB}"))
                == [
                    "s.yaml:12:13: error: components.k8s.agents: the agents (4 CPU, 1GiB) leave no room for pods on a node of 4 CPU, 8GiB"
                ])
        #expect(
            problems(
                base.replacingOccurrences(
                    of: "cost: 0.20/h", with: "cost: 0.20/h\n    agents: {cpu: 500m, memory: 1GiB}"))
                == [
                    "s.yaml:15:97: error: components.batch.cluster: a pod of 'batch' (4 CPU, 2GiB) fits on no node of 'k8s' (3500m CPU, 7GiB each for pods, agents reserved and over-commit counted): it would stay pending"
                ])
        #expect(
            problems(base.replacingOccurrences(of: "cost: 0.20/h", with: "cost: 0.20/h\n    overcommit: 0.5")).first?
                .contains("components.k8s.overcommit") == true)
        #expect(
            problems(base.replacingOccurrences(of: "scoring: most_allocated", with: "scoring: most")).first?.contains(
                "expected one of least_allocated, most_allocated, found 'most'") == true)
        #expect(
            problems(
                base.replacingOccurrences(
                    of: ", cluster: k8s, pod: {cpu: 1, memory: 1GiB}", with: ", pod: {cpu: 1, memory: 1GiB}")
            ).first?
            .contains("pod requests apply to a pool on a cluster") == true)
        #expect(
            problems(base.replacingOccurrences(of: "cost: 0.20/h", with: "cost: 0.20/h\n    autoscale: {}"))
                .first?.contains("the cluster autoscaler needs a range of nodes") == true)
        #expect(
            problems(
                base.replacingOccurrences(
                    of: "pod: {cpu: 1, memory: 1GiB}", with: "pod: {cpu: 1, memory: 1GiB}, cost: 0.1/h")
            )
            .first?.contains("billed through its cluster's nodes") == true)
        // A cluster alone hosts nothing: an error, not a run with no component to serve requests.
        #expect(
            problems(
                """
                version: 1
                horizon: 10s
                workload: {arrivals: {process: poisson, rate: 20/s}}
                components:
                  k8s: {kind: cluster, node: {cpu: 4, memory: 8GiB}, nodes: 1}
                """
            ).contains(
                "s.yaml:5:3: error: components: expected at least one component that serves requests: a cluster only hosts the pods of pools that name it (cluster: k8s)"
            ))
    }

    /// A sink that keeps nothing: the outcome's error counts are what these tests read.
    /// Constant arrivals every 10 ms to two pods of 3 CPU, one per node of 4 CPU (no room for
    /// a second pod anywhere), round robin, deterministic service of 35 ms, no queueing
    /// (unlimited workers). Node 0 is out from 10.0025 s for 5 s.
    static let trajectory = """
        version: 1
        horizon: 30s
        replications: 1
        workload: {arrivals: {process: constant, rate: 100/s}}
        components:
          k8s:
            kind: cluster
            node: {cpu: 4, memory: 8GiB}
            nodes: 2
            node_outages: [{at: 10.0025s, node: 0, for: 5s}]
          web: {kind: server_pool, instances: 2, workers: unlimited, service: {deterministic: 35ms}, cluster: k8s, pod: {cpu: 3, memory: 1GiB}}
        """

    @Test("a node failure loses exactly the in-flight work of its pods at that instant (trajectory)")
    func nodeFailureTrajectory() throws {
        let s = try ScenarioLoader.parse(yaml: Self.trajectory)
        var sim = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: 0)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        // Round robin sends pod 0 the arrivals at 10 ms, 30 ms, 50 ms, …; each stays 35 ms, so at
        // 10.0025 s pod 0 holds the two that arrived at 9.97 s and 9.99 s: exactly these fail.
        let kills = sim.podKills
        #expect(kills.count == 1)
        #expect(kills.first?.time == SimTime(nanoseconds: 10_002_500_000))
        #expect(kills.first.map { [$0.cluster, $0.node, $0.station, $0.pod, $0.inFlight] } == [0, 0, 0, 0, 2])
        #expect(outcome.errors[Int(ErrorCause.instanceFailed.rawValue)] == 2)
        #expect(outcome.errors.reduce(0, +) == 2, "nothing else fails: the dead pod leaves the rotation at once")
        // Pod 0 waits for its node (no room on node 1) for exactly 5 s.
        let run = Run(s)
        #expect(run.values("cluster.k8s.pending_time") == [5])
        let oneDown: Double = (2 * 25 + 1 * 5) / 30
        let pending: Double = 5.0 / 30
        #expect(run.values("cluster.k8s.pods.pending.mean") == [pending])
        #expect(run.values("cluster.k8s.nodes.used.mean") == [oneDown])
        #expect(run.values("instances.web.up.mean") == [oneDown])
    }

    @Test("a killed pod moves to a node with room and serves after its start-up time")
    func rescheduling() throws {
        let yaml = Self.trajectory.replacingOccurrences(of: "nodes: 2", with: "nodes: 3\n    pod_startup: 2s")
        let s = try ScenarioLoader.parse(yaml: yaml)
        var sim = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: 0)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        #expect(sim.podKills.map(\.inFlight) == [2])
        #expect(outcome.errors[Int(ErrorCause.instanceFailed.rawValue)] == 2)
        #expect(sim.podNode(station: 0, pod: 0) == 2, "pod 0 now runs on node 2")
        let run = Run(s)
        // Placed at once (no pending time), out of the rotation for its 2 s start-up.
        #expect(run.values("cluster.k8s.pending_time") == [0])
        let startingDown: Double = (2 * 30 - 2) / 30
        #expect(run.values("instances.web.up.mean") == [startingDown])
    }

    @Test("random node failures: every request lost is work a killed pod held; a zone outage takes its nodes")
    func randomFailures() throws {
        let yaml = """
            version: 1
            horizon: 1h
            replications: 4
            workload: {arrivals: {process: poisson, rate: 200/s}}
            zones: {a: {}, b: {}}
            events: [{at: 30m, outage: {zone: b, for: 10m}}]
            components:
              k8s:
                kind: cluster
                node: {cpu: 4, memory: 8GiB}
                nodes: 6
                zones: [a, b]
                failures: {mtbf: 30m, mttr: 5m}
                pod_startup: {uniform: {min: 5s, max: 15s}}
              web: {kind: server_pool, instances: 6, workers: 4, service: {exponential: {mean: 20ms}}, cluster: k8s, pod: {cpu: 2, memory: 1GiB}}
            """
        let s = try ScenarioLoader.parse(yaml: yaml)
        var kills = 0
        for rep in 0..<4 {
            var sim = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: rep)
            var sink = RecordingSink()
            let outcome = sim.run(into: &sink)
            let held = sim.podKills.reduce(0) { $0 + $1.inFlight }
            #expect(outcome.errors[Int(ErrorCause.instanceFailed.rawValue)] == UInt64(held))
            #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
            kills += sim.podKills.count
            // At 30 min zone b's nodes (1, 3, 5) go down: their running pods die at that instant.
            let atZone = sim.podKills.filter { $0.time == SimTime(nanoseconds: 1_800_000_000_000) }
            #expect(atZone.allSatisfy { $0.node % 2 == 1 })
        }
        #expect(kills > 10, "the failures happened: \(kills) pods killed")
    }

    @Test("validate: a cluster's line gives its pods' requests and the fewest nodes that could hold them")
    func validateLine() {
        let line =
            "    k8s: cluster of 6 node(s) of 4.00 CPU, 16.00 GiB; its 12 pod(s) request 19.00 CPU, 44.00 GiB in all: at least 5 node(s) (whole pods may need more)\n"
        let r = capsim(["validate", scenarioPath("cluster-packing.yaml")])
        #expect(r.status == 0)
        #expect(r.out.components(separatedBy: line).count == 3, "one line per sweep point: \(r.out)")
        let small = capsim(["validate", scenarioPath("cluster-packing.yaml"), "--set", "components.k8s.nodes=4"])
        #expect(
            small.out.contains(
                "at least 5 node(s) (whole pods may need more)  — TOO FEW NODES: some pods will be pending from the start"
            ))
    }
}
