import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing

/// Standby regions on a cluster (`standby:` on a pool of pods): the failover's pods are
/// scheduled (waiting for the cluster autoscaler's node when none has room) and start up, so
/// the recovery time holds the node's provisioning and the pods' start-up, exactly; the
/// stand-down deletes or drains the pods and the cluster autoscaler removes the emptied node;
/// the idle fleet's cost is its nodes'.
@Suite("Region standby on a cluster")
struct RegionStandbyClusterTests {
    /// Requests every 10 ms of 10 ms each (pure delays) enter us-east's web tier; DNS (primary
    /// us-east, detection 29.995 s, TTL 5 s) sends them to eu-west's pods while us-east is out.
    /// us-east fails at 60.005 s for `outage`, so the failover is at 90 s, a scan of the
    /// cluster autoscaler (every 10 s; the failover, scheduled first, goes before it). Pods of
    /// 2 CPU on nodes of 4: two per node; nodes ready 60 s after the scan that adds them, pods
    /// serving 20 s after placement, draining 30 s.
    static func yaml(
        nodes: String, min: Int, scaleTo: Int = 2, podCPU: Int = 2, outage: String = "30m",
        horizon: String = "1h", replications: Int = 1, outageEvent: Bool = true
    ) -> String {
        """
        version: 1
        name: standby-cluster
        horizon: \(horizon)
        warmup: 0s
        replications: \(replications)
        seed: 3
        regions:
          us-east: {latency: {eu-west: 70ms}}
          eu-west: {}
        dns: {ttl: 5s, detect: 29.995s, entries: {us-east: web-east, eu-west: web-west}, primary: us-east}
        workload:
          arrivals: {process: constant, rate: 100/s}
          classes: [{name: users, path: [web-east]}]
        components:
          web-east: {kind: server_pool, region: us-east, workers: unlimited, service: {deterministic: 10ms}}
          k8s:
            kind: cluster
            node: {cpu: 4, memory: 8GiB}
            nodes: \(nodes)
            pod_startup: 20s
            cost: 0.20/h
          web-west:
            kind: server_pool
            region: eu-west
            workers: unlimited
            service: {deterministic: 10ms}
            cluster: k8s
            pod: {cpu: \(podCPU), memory: 1GiB}
            autoscale: {metric: request_rate, target: 1000/s, min: \(min), max: 4, drain: 30s}
            standby: {scale_to: \(scaleTo)}
        \(outageEvent ? "events: [{at: 60.005s, region_outage: {region: us-east, for: \(outage)}}]" : "")
        """
    }

    /// A cluster autoscaler's nodes (none at the start unless `initial`).
    static func autoscaled(min: Int = 0, initial: Int = 0) -> String {
        "{min: \(min), max: 4, initial: \(initial)}\n    autoscale: {scan_interval: 10s, provisioning: 60s, scale_down_unneeded: 60s, scale_down_delay_after_add: 0s}"
    }

    static let crash = SimTime(nanoseconds: 60_005_000_000)
    static let failover = SimTime.zero + .seconds(90)
    static let detect = SimDuration(nanoseconds: 29_995_000_000)
    /// The stand-down after a 30-minute outage: its end + detect + TTL.
    static let standDown = crash + .seconds(1800) + detect + .seconds(5)
    static let west = 1

    static func times(_ seconds: [Double]) -> [SimTime] {
        seconds.map { SimTime(nanoseconds: Int64(($0 * 1e9).rounded())) }
    }

    /// One replication's records, the scaling log of the standby pool and the node log.
    func run(_ yaml: String) throws -> (FailoverRecorder, [ScalingLogEntry], [NodeLogEntry]) {
        let scenario = try ScenarioLoader.parse(yaml: yaml)
        var sim = Simulation<FullModel>(spec: scenario.model, streams: StreamStore(seed: scenario.seed), replication: 0)
        var sink = FailoverRecorder()
        let outcome = sim.run(into: &sink)
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        #expect(UInt64(sink.requests.count) == outcome.arrivals)
        return (sink, sim.scalingLog.filter { $0.station == Self.west }, sim.nodeLog)
    }

    /// Every request in service at the crash or arriving before `recovered` fails, none other.
    func expectLostUntil(_ recovered: SimTime, _ sink: FailoverRecorder) {
        let service = SimDuration(nanoseconds: 10_000_000)
        for r in sink.requests {
            let lost = r.arrival + service > Self.crash && r.arrival < recovered
            #expect((r.outcome != .success) == lost, "request arrived at \(r.arrival): \(r.outcome)")
        }
    }

    @Test("a cold standby on a cluster with a spare node recovers detect + pod_startup after the outage")
    func coldWithRoom() throws {
        let (sink, scaling, nodes) = try run(Self.yaml(nodes: "1", min: 0))
        let recovered = Self.failover + .seconds(20)
        expectLostUntil(recovered, sink)
        // The stand-down drains both pods; the node (a fixed cluster) stays.
        #expect(scaling.map(\.time) == [Self.failover, recovered, recovered] + Self.times([1895, 1925, 1925]))
        #expect(
            scaling.map(\.kind) == [
                .scaleOut(count: 2), .ready(instance: 0), .ready(instance: 1), .scaleIn(count: 2),
                .released(instance: 1), .released(instance: 0),
            ])
        #expect(nodes.isEmpty)
        let c = try #require(sink.closed)
        #expect(c.standbyFailovers[Self.west] == 1)
        #expect(c.standbyRecoveries[Self.west] == 1)
        #expect(c.standbyRecoveryNanoseconds[Self.west] == Double((Self.detect + .seconds(20)).nanoseconds))
    }

    @Test(
        "a cold standby on a full cluster waits for the node: RTO = detect + node provisioning + pod_startup; it stands down to nothing and the node goes"
    )
    func coldWithoutRoom() throws {
        let (sink, scaling, nodes) = try run(Self.yaml(nodes: Self.autoscaled(), min: 0))
        // The 90 s scan adds one node (both pods fit), ready at 150 s; the pods serve at 170 s.
        let recovered = Self.failover + .seconds(60 + 20)
        expectLostUntil(recovered, sink)
        let c = try #require(sink.closed)
        #expect(c.standbyRecoveryNanoseconds[Self.west] == Double((Self.detect + .seconds(80)).nanoseconds))
        // Stand-down at 1,895 s: both pods drain to 1,925 s; the node, empty, is unneeded from
        // the 1,930 s scan and removed at the 1,990 s one.
        #expect(scaling.map(\.time) == [Self.failover, recovered, recovered] + Self.times([1895, 1925, 1925]))
        #expect(Self.standDown == Self.times([1895])[0])
        #expect(
            scaling.map(\.kind) == [
                .scaleOut(count: 2), .ready(instance: 0), .ready(instance: 1), .scaleIn(count: 2),
                .released(instance: 1), .released(instance: 0),
            ])
        #expect(scaling.last?.held == 0)
        #expect(nodes.map(\.time) == Self.times([90, 150, 1990, 1990]))
        #expect(nodes.map(\.kind) == [.provisioning, .ready, .removing, .released])

        // The node, billed from the 90 s decision to its release at 1,990 s: 1,900 node-seconds
        // of the hour at 0.20/h, per 730-hour month; the pods cost nothing.
        let r = try Run(yaml: Self.yaml(nodes: Self.autoscaled(), min: 0, replications: 2))
        for v in r.values("cost.k8s.monthly") { #expect(abs(v - 1900.0 / 3600 * 0.20 * 730) < 1e-9) }
        for v in r.values("cluster.k8s.nodes.mean") { #expect(abs(v - 1900.0 / 3600) < 1e-12) }
        for v in r.values("standby.web-west.failovers") { #expect(v == 1) }
        for v in r.values("standby.web-west.rto.mean") { #expect(abs(v - 109.995) < 1e-9) }
    }

    @Test("a stand-down before the node is ready deletes the pending pods: the node comes up for nothing and goes")
    func standDownDeletesPendingPods() throws {
        // A 10 s outage: the stand-down is at 70.005 + 29.995 + 5 = 105 s, the node ready at 150 s.
        let (sink, scaling, nodes) = try run(Self.yaml(nodes: Self.autoscaled(), min: 0, outage: "10s"))
        #expect(scaling.map(\.time) == Self.times([90, 105, 105, 105]))
        #expect(
            scaling.map(\.kind) == [
                .scaleOut(count: 2), .scaleIn(count: 2), .released(instance: 1), .released(instance: 0),
            ])
        #expect(scaling.last?.held == 0)
        // Ready at 150 s with nothing to run: unneeded from that scan, removed 60 s later.
        #expect(nodes.map(\.time) == Self.times([90, 150, 210, 210]))
        #expect(nodes.map(\.kind) == [.provisioning, .ready, .removing, .released])
        let c = try #require(sink.closed)
        #expect(c.standbyFailovers[Self.west] == 1)
        #expect(c.standbyRecoveries[Self.west] == 0)
    }

    @Test("a warm standby on a cluster with room for one pod more: the other waits for a node")
    func warmPartlyRoom() throws {
        // Idle fleet: one pod on the one node held (2 of its 4 CPU). Scaling to 3 at 90 s: the
        // second pod fits beside it and serves at 110 s, the third waits for the node the 90 s
        // scan adds (ready at 150 s) and serves at 170 s: the pool has recovered then.
        let (sink, scaling, nodes) = try run(
            Self.yaml(nodes: Self.autoscaled(min: 1, initial: 1), min: 1, scaleTo: 3))
        #expect(
            scaling.prefix(3).map(\.time) == [
                Self.failover, Self.failover + .seconds(20), Self.failover + .seconds(80),
            ])
        #expect(scaling.prefix(3).map(\.kind) == [.scaleOut(count: 2), .ready(instance: 1), .ready(instance: 2)])
        #expect(nodes.prefix(2).map(\.time) == Self.times([90, 150]))
        let c = try #require(sink.closed)
        #expect(c.standbyRecoveryNanoseconds[Self.west] == Double((Self.detect + .seconds(80)).nanoseconds))
        // The stand-down drains the two pods above the idle fleet; the emptied node goes.
        #expect(
            scaling.dropFirst(3).map(\.kind) == [.scaleIn(count: 2), .released(instance: 2), .released(instance: 1)])
        #expect(scaling.last?.held == 1)
        #expect(nodes.count == 4)
        #expect(nodes.last?.kind == .released)
    }

    @Test("a warm standby's idle fleet on a cluster costs its nodes × hours × price, exactly; a cold one costs nothing")
    func idleCost() throws {
        // Two idle pods of 3 CPU: one per 4-CPU node, each node 75 % requested, so the cluster
        // autoscaler keeps both: 2 nodes × 730 h × 0.20/h a month. The pod autoscaler does not act.
        let warm = Self.yaml(
            nodes: Self.autoscaled(initial: 2), min: 2, scaleTo: 4, podCPU: 3, horizon: "10m", replications: 2,
            outageEvent: false)
        let (_, scaling, nodes) = try run(warm)
        #expect(scaling.isEmpty)
        #expect(nodes.isEmpty)
        let r = try Run(yaml: warm)
        for v in r.values("cost.k8s.monthly") { #expect(abs(v - 2 * 730 * 0.20) < 1e-9) }
        for v in r.values("standby.web-west.failovers") { #expect(v == 0) }
        for v in r.values("standby.web-west.rto.mean") { #expect(v.isNaN) }
        let cold = try Run(
            yaml: Self.yaml(nodes: Self.autoscaled(), min: 0, horizon: "10m", replications: 2, outageEvent: false))
        for v in cold.values("cost.k8s.monthly") { #expect(v == 0) }
        for v in cold.values("cluster.k8s.nodes.mean") { #expect(v == 0) }
    }

    @Test("a standby pool on a cluster is checked with located, exact messages")
    func diagnostics() {
        let yaml = """
            version: 1
            horizon: 1m
            workload: {arrivals: {process: poisson, rate: 1/s}, classes: [{name: u, path: [a]}]}
            regions: {east: {latency: {west: 10ms}}, west: {}}
            dns: {ttl: 5s, entries: {east: a, west: b}, primary: east}
            components:
              a: {kind: server_pool, service: {deterministic: 1ms}, region: east}
              k: {kind: cluster, node: {cpu: 4, memory: 4GiB}, nodes: 2}
              b: {kind: server_pool, service: {deterministic: 1ms}, region: west, cluster: k, pod: {cpu: 1, memory: 1GiB}, standby: {scale_to: 2}}
            """
        #expect(
            problems(yaml) == [
                "s.yaml:9:121: error: components.b.standby: a standby pool scales up through its autoscaler: give autoscale: {…, min: <the idle fleet>, max: ≥ 2}"
            ])
        let cold = yaml.replacingOccurrences(
            of: "standby:", with: "autoscale: {metric: in_flight, target: 2, min: 0, max: 3}, instances: 0, standby:")
        #expect(problems(cold) == [])
    }
}
