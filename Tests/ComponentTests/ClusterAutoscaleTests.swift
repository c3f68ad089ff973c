import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing

/// Two-level autoscaling on a cluster: the pod autoscaler (a pool's `autoscale:` on a cluster)
/// and the cluster autoscaler (`nodes: {min, max}` with `autoscale:`).
@Suite("Cluster autoscaling")
struct ClusterAutoscaleTests {
    static func times(_ seconds: [Double]) -> [SimTime] {
        seconds.map { SimTime(nanoseconds: Int64(($0 * 1e9).rounded())) }
    }

    static func run(_ yaml: String, replication: Int = 0) throws -> Simulation<FullModel> {
        let s = try ScenarioLoader.parse(yaml: yaml)
        var sim = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: replication)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        return sim
    }

    /// Constant arrivals (100/s, 10 ms each, one worker per pod: 25 % busy on four pods, 50 % on
    /// two). The pod autoscaler holds 2 pods, its scheduled minimum is 4 from 60 s and 2 again
    /// from 300 s. Each node holds two pods; one node at the start; new nodes ready 30 s after
    /// the scan that adds them, pods serving 5 s after placement.
    static let trajectory = """
        version: 1
        horizon: 400s
        replications: 1
        workload: {arrivals: {process: constant, rate: 100/s}}
        components:
          k8s:
            kind: cluster
            node: {cpu: 4, memory: 8GiB}
            nodes: {min: 1, max: 4}
            autoscale: {scan_interval: 10s, provisioning: 30s, scale_down_unneeded: 60s, scale_down_delay_after_add: 0s}
            pod_startup: 5s
            cost: 1/h
          web:
            kind: server_pool
            instances: 2
            workers: 1
            service: {deterministic: 10ms}
            cluster: k8s
            pod: {cpu: 2, memory: 1GiB}
            autoscale:
              metric: utilization
              target: 60%
              min: 2
              max: 8
              interval: 15s
              scale_in_cooldown: 0s
              scale_in_window: 0s
              drain: 10s
              schedule: [{at: 60s, min: 4}, {at: 300s, min: 2}]
        """

    @Test("two levels, exactly: pods pending for the node the cluster autoscaler adds, then its removal")
    func twoLevelTrajectory() throws {
        let sim = try Self.run(Self.trajectory)
        // 60 s: the minimum rises to 4, two pods are created and pending (node 0 is full); the
        // scan at 60 s adds one node (both fit on it), ready at 90 s; the pods serve at 95 s.
        // 300 s: the minimum falls to 2, the decision drains pods 3 and 2 (10 s); node 1 is
        // empty from 310 s, unneeded from that scan, and removed (at once: empty) at 370 s.
        let scaling = sim.scalingLog.map { ($0.time, $0.kind) }
        #expect(scaling.map(\.0) == Self.times([60, 95, 95, 300, 310, 310]))
        #expect(
            scaling.map(\.1) == [
                .scaleOut(count: 2), .ready(instance: 2), .ready(instance: 3), .scaleIn(count: 2),
                .released(instance: 3), .released(instance: 2),
            ])
        #expect(sim.nodeLog.map(\.time) == Self.times([60, 90, 370, 370]))
        #expect(sim.nodeLog.map(\.kind) == [.provisioning, .ready, .removing, .released])
        #expect(sim.nodeLog.allSatisfy { $0.node == 1 })
        #expect(sim.podNode(station: 0, pod: 2) == nil)

        let run = try Run(yaml: Self.trajectory)
        // Nodes held: 1 for 60 s, 2 for 310 s, 1 for 30 s; two pods pending 30 s each.
        let held: Double = 60 + 2 * 310 + 30
        #expect(run.values("cluster.k8s.nodes.mean") == [held / 400])
        #expect(run.values("cluster.k8s.pending_time").map { abs($0 - 30) < 1e-9 } == [true])
        let pending: Double = 60.0 / 400
        #expect(run.values("cluster.k8s.pods.pending.mean") == [pending])
        #expect(run.values("cluster.k8s.nodes.added") == [1])
        #expect(run.values("cluster.k8s.nodes.removed") == [1])
        // Node-hours × price, per month: (60 + 620 + 30) node-seconds over 400 s at 1/h.
        let monthly = held / 400 * 730
        #expect(abs((run.values("cost.monthly").first ?? 0) - monthly) < 1e-9 * monthly)
        #expect(run.values("availability.request") == [1])
    }

    /// The same pool on VMs (provisioning 0 s) and on a cluster with one pod per node (node
    /// provisioning 0 s, pod start-up 0 s, a scan every decision's 15 s), through a flash crowd.
    static func flashCrowd(cluster: Bool) -> String {
        let pool =
            cluster
            ? """
                cluster: k8s
                pod: {cpu: 4, memory: 1GiB, max_unavailable: 0}
            """ : ""
        let clusterComponent =
            cluster
            ? """
              k8s:
                kind: cluster
                node: {cpu: 4, memory: 8GiB}
                nodes: {min: 2, max: 12}
                autoscale: {scan_interval: 15s, provisioning: 0s}
                cost: 1/h
            """ : ""
        return """
            version: 1
            horizon: 30m
            warmup: 1m
            replications: 3
            seed: 5
            workload:
              arrivals: {process: poisson, rate: 150/s}
              profile: {spikes: [{at: 10m, for: 5m, factor: 4x}]}
              client: {timeout: 2s}
            components:
            \(clusterComponent)
              web:
                kind: server_pool
                instances: 2
                workers: 4
                queue: 32
                service: {lognormal: {mean: 25ms, cv: 1}}
            \(pool)
                autoscale: {metric: utilization, target: 60%, min: 2, max: 12, interval: 15s, provisioning: 0s, scale_in_cooldown: 2m}
            """
    }

    @Test("with zero start-up times the two-level autoscaler matches the one-level one")
    func zeroStartupMatchesOneLevel() throws {
        let vm = Self.flashCrowd(cluster: false)
        let pods = Self.flashCrowd(cluster: true).replacingOccurrences(
            of: ", provisioning: 0s, scale_in", with: ", scale_in")
        for rep in 0..<3 {
            let a = try Self.run(vm, replication: rep)
            let b = try Self.run(pods, replication: rep)
            #expect(a.scalingLog.count > 6, "the crowd made the pool scale")
            #expect(a.scalingLog == b.scalingLog)
            #expect(b.nodeLog.contains { $0.kind == .provisioning })
        }
        let a = try Run(yaml: vm)
        let b = try Run(yaml: pods)
        for id in [
            "latency.mean", "latency.p99", "availability.request", "instances.web.serving.mean", "instances.web.mean",
            "autoscale.web.actions",
        ] {
            #expect(a.values(id) == b.values(id), "\(id)")
        }
        // The nodes follow the pods: one pod per node, so nodes used = pods on nodes.
        #expect(b.values("cluster.k8s.pending_time").allSatisfy { $0 == 0 })
    }

    /// Three nodes of 8 CPU, three pods of 1 CPU spread one per node: each node is 12.5 %
    /// requested, and every pod fits elsewhere.
    static func underused(budget: String) -> String {
        """
        version: 1
        horizon: 100s
        replications: 1
        workload: {arrivals: {process: constant, rate: 90/s}}
        components:
          k8s:
            kind: cluster
            node: {cpu: 8, memory: 8GiB}
            nodes: {min: 1, max: 3, initial: 3}
            autoscale: {scan_interval: 10s, scale_down_unneeded: 30s, drain: 5s}
          web: {kind: server_pool, instances: 3, workers: 1, service: {deterministic: 10ms}, cluster: k8s, pod: {cpu: 1, memory: 1GiB\(budget)}}
        """
    }

    @Test(
        "scale-down: underused nodes go one at a time, their pods drain and move; a disruption budget of 0 keeps them")
    func scaleDown() throws {
        let sim = try Self.run(Self.underused(budget: ""))
        // Nodes 2 and 1 are unneeded from the scan at 10 s (their pods fit on node 0); at 40 s
        // node 2 is removed (one node with pods per scan), at 50 s node 1; each drains 5 s.
        #expect(sim.nodeLog.map(\.time) == Self.times([40, 45, 50, 55]))
        #expect(sim.nodeLog.map(\.node) == [2, 2, 1, 1])
        #expect(sim.nodeLog.map(\.kind) == [.removing, .released, .removing, .released])
        #expect((0..<3).map { sim.podNode(station: 0, pod: $0) } == [0, 0, 0])
        let run = try Run(yaml: Self.underused(budget: ""))
        #expect(run.values("availability.request") == [1], "the drain finished the evicted pods' work")
        // Held (billed) until released: 3 nodes for 45 s, 2 for 10 s, 1 for 45 s.
        let held: Double = 3 * 45 + 2 * 10 + 1 * 45
        #expect(run.values("cluster.k8s.nodes.mean") == [held / 100])
        // A budget of 0 unavailable pods: no pod may be evicted, so no node goes.
        let kept = try Self.run(Self.underused(budget: ", max_unavailable: 0"))
        #expect(kept.nodeLog.isEmpty)
    }

    @Test("an evicted pod's replacement starts at once: the pod serves again after the start-up, not the drain too")
    func evictionReplacement() throws {
        // Pod start-up 2 s, drain 5 s. At 40 s node 2 is removed: pod 2 drains out of the
        // rotation and its replacement is placed on node 0 (the emptiest, lowest-numbered) at
        // once; at 42 s it runs and pod 2 moves onto it, 3 s before node 2 is released.
        let yaml = Self.underused(budget: "").replacingOccurrences(
            of: "drain: 5s}", with: "drain: 5s}\n    pod_startup: 2s")
        func node(at horizon: String) throws -> Int? {
            let sim = try Self.run(
                yaml.replacingOccurrences(of: "horizon: 100s", with: "horizon: \(horizon)\ndrain: 0s"))
            return sim.podNode(station: 0, pod: 2)
        }
        #expect(try node(at: "41.9s") == 2)
        #expect(try node(at: "42.1s") == 0)
        let run = try Run(yaml: yaml)
        // No pod is ever down: each evicted one serves on its old node until its replacement runs.
        #expect(run.values("instances.web.up.mean") == [3])
        #expect(run.values("availability.request") == [1])
        let held: Double = 3 * 45 + 2 * 10 + 1 * 45
        #expect(run.values("cluster.k8s.nodes.mean") == [held / 100])
    }

    @Test("scale-up: the estimate packs pending pods first-fit decreasing; the scheduler places them its own way")
    func scaleUpEstimate() throws {
        // Three pods of 1 CPU then three of 3 CPU, all pending (no node at the start), on
        // nodes of 4 CPU. The estimate at the 10 s scan, largest first: each 3-CPU pod opens a
        // node and a 1-CPU pod fills it, three nodes. They are ready at 30 s one after another
        // (node order), and each takes the pending pods that fit, in the scheduler's order (file
        // order): node 0 the three 1-CPU pods, nodes 1 and 2 a 3-CPU pod each, and the third
        // 3-CPU pod is pending again: the scan at 30 s adds a fourth node (as Kubernetes'
        // cluster-autoscaler does, whose estimate is not the scheduler).
        let yaml = """
            version: 1
            horizon: 60s
            replications: 1
            workload: {arrivals: {process: constant, rate: 10/s}, classes: [{name: a, path: [small]}, {name: b, path: [large]}]}
            components:
              k8s:
                kind: cluster
                node: {cpu: 4, memory: 8GiB}
                nodes: {min: 0, max: 10}
                autoscale: {provisioning: 20s}
              small: {kind: server_pool, instances: 3, workers: 1, service: {deterministic: 10ms}, cluster: k8s, pod: {cpu: 1, memory: 1GiB}}
              large: {kind: server_pool, instances: 3, workers: 1, service: {deterministic: 10ms}, cluster: k8s, pod: {cpu: 3, memory: 1GiB}}
            """
        let sim = try Self.run(yaml)
        #expect(sim.nodeLog.filter { $0.kind == .provisioning }.map(\.time) == Self.times([10, 10, 10, 30]))
        #expect(sim.nodeLog.filter { $0.kind == .ready }.map(\.time) == Self.times([30, 30, 30, 50]))
        #expect((0..<3).map { sim.podNode(station: 0, pod: $0) } == [0, 0, 0])
        #expect((0..<3).map { sim.podNode(station: 1, pod: $0) } == [1, 2, 3])
        let run = try Run(yaml: yaml)
        // Six pods pending for 30 s, one more for 20 s; three nodes held for 50 s, one for 30 s.
        let pending: Double = 200.0 / 60
        #expect(run.values("cluster.k8s.pods.pending.mean") == [pending])
        let nodes: Double = 180.0 / 60
        #expect(run.values("cluster.k8s.nodes.mean") == [nodes])

    }

    @Test("a node the autoscaler adds is a new machine: its failures start afresh once it is ready")
    func addedNodeFailsAfresh() throws {
        // 50 s to failure and 20 s to repair: a node added by the autoscaler fails exactly 50 s,
        // 120 s, 190 s … after it became ready, whatever its slot did in an earlier holding.
        // (Node 0, held from time 0, starts in its stationary state at a random phase, so when
        // nodes are added varies with the replication.)
        let yaml = Self.trajectory.replacingOccurrences(
            of: "    pod_startup: 5s",
            with: "    pod_startup: 5s\n    failures: {mtbf: {deterministic: 50s}, mttr: {deterministic: 20s}}")
        var checked = 0
        for replication in 0..<4 {
            let sim = try Self.run(yaml, replication: replication)
            for kill in sim.podKills where kill.node > 0 {
                let ready = sim.nodeLog.last { $0.node == kill.node && $0.kind == .ready && $0.time <= kill.time }
                let since = ready.map { (kill.time - $0.time).nanoseconds } ?? -1
                #expect(since >= 50_000_000_000 && (since - 50_000_000_000) % 70_000_000_000 == 0, "\(kill)")
                checked += 1
            }
        }
        #expect(checked > 0, "some added node failed while it ran pods")
    }

    @Test("bad cluster-autoscaler input gets located errors")
    func errors() {
        let base = Self.trajectory
        #expect(
            problems(base.replacingOccurrences(of: "nodes: {min: 1, max: 4}", with: "nodes: {min: 3, max: 2}")) == [
                "s.yaml:9:26: error: components.k8s.nodes.max: expected max ≥ min (3), found 2"
            ])
        #expect(
            problems(
                base.replacingOccurrences(of: "nodes: {min: 1, max: 4}", with: "nodes: {min: 1, max: 4, initial: 5}"))
                == [
                    "s.yaml:9:38: error: components.k8s.nodes.initial: expected the nodes held at time 0 from min 1 to max 4, found 5"
                ])
        #expect(
            problems(base.replacingOccurrences(of: "nodes: {min: 1, max: 4}", with: "nodes: 2")) == [
                "s.yaml:10:16: error: components.k8s.autoscale: the cluster autoscaler needs a range of nodes: give 'nodes: {min: …, max: …}' instead of a count"
            ])
        #expect(
            problems(base.replacingOccurrences(of: "scan_interval: 10s", with: "scan_interval: 0s")).first?.contains(
                "components.k8s.autoscale.scan_interval") == true)
        #expect(
            problems(
                base.replacingOccurrences(
                    of: "provisioning: 30s", with: "provisioning: 30s, scale_down_utilization: 150%")
            )
            .first?.contains("scale_down_utilization: expected a share such as") == true)
        #expect(
            problems(base.replacingOccurrences(of: "drain: 10s", with: "drain: 10s\n      provisioning: 5s")) == [
                "s.yaml:29:21: error: components.web.autoscale.provisioning: a pod serves after its cluster's 'pod_startup' once placed (and waits for a node while none has room): give the start-up on the cluster, not 'provisioning' here"
            ])
        #expect(
            problems(base.replacingOccurrences(of: "memory: 1GiB}", with: "memory: 1GiB, max_unavailable: -1}")).first?
                .contains("components.web.pod.max_unavailable") == true)
    }
}
