import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimRandom
import SimStats
import Testing

/// Node agents (CPU and memory reserved on every node) and CPU over-commit with its noisy
/// neighbours (pods slowed by their node's contention).
@Suite("Cluster agents and over-commit")
struct ClusterOvercommitTests {
    /// Seven pods of 1 CPU on three nodes of 4 CPU, bin-packing.
    static func agents(_ agents: String) -> String {
        """
        version: 1
        horizon: 10s
        replications: 1
        workload: {arrivals: {process: constant, rate: 10/s}}
        components:
          k8s:
            kind: cluster
            node: {cpu: 4, memory: 8GiB}
            nodes: 3
            scoring: most_allocated
        \(agents)
          web: {kind: server_pool, instances: 7, workers: 1, service: {deterministic: 10ms}, cluster: k8s, pod: {cpu: 1, memory: 1GiB}}
        """
    }

    @Test("agents reserve room on every node: three 1-CPU pods per 4-CPU node instead of four")
    func agentsReserve() throws {
        let bare = try ScenarioLoader.parse(yaml: Self.agents(""))
        #expect(try ClusterTests.placement(bare, station: "web") == [0, 0, 0, 0, 1, 1, 1])
        let reserved = try ScenarioLoader.parse(yaml: Self.agents("    agents: {cpu: 500m, memory: 1GiB}"))
        #expect(try ClusterTests.placement(reserved, station: "web") == [0, 0, 0, 1, 1, 1, 2])
        // validate's lower bound counts the agents: 7 CPU over 3.5 CPU per node is 2 nodes.
        #expect(reserved.model.clusterRequests(0).minimumNodes == 2)
        #expect(bare.model.clusterRequests(0).minimumNodes == 2)
    }

    /// Two nodes of 2 CPU over-committed 2×, three pods of 2 CPU, bin-packing: pods 0 and 1
    /// share node 0 (4 CPU requested of 2: contention 2), pod 2 is alone on node 1. Constant
    /// arrivals, round robin, 10 ms of service, unlimited workers: no queueing.
    static let overcommitted = """
        version: 1
        horizon: 30s
        replications: 1
        workload: {arrivals: {process: constant, rate: 30/s}}
        components:
          k8s:
            kind: cluster
            node: {cpu: 2, memory: 8GiB}
            nodes: 2
            scoring: most_allocated
            overcommit: 2
          web: {kind: server_pool, instances: 3, workers: unlimited, balance: round_robin, service: {deterministic: 10ms}, cluster: k8s, pod: {cpu: 2, memory: 1GiB}}
        """

    @Test("noisy neighbours: pods on an over-committed node serve slower by its contention, exactly")
    func contention() throws {
        let s = try ScenarioLoader.parse(yaml: Self.overcommitted)
        #expect(try ClusterTests.placement(s, station: "web") == [0, 0, 1])
        let run = Run(s)
        // Two requests in three take 20 ms (node 0), one 10 ms (node 1).
        let mean = try #require(run.values("latency.mean").first)
        // (The histogram's bins are 2^-7 wide in relative terms: means to within 1e-5 s.)
        #expect(abs(mean - (0.020 + 0.020 + 0.010) / 3) < 1e-5)
        #expect(run.values("latency.p99").first.map { abs($0 - 0.020) < 1e-4 } == true)
        // Without over-commit the third pod has no room: pending, and no request is slowed.
        let plain = try ScenarioLoader.parse(
            yaml: Self.overcommitted.replacingOccurrences(of: "overcommit: 2", with: "overcommit: 1"))
        #expect(try ClusterTests.placement(plain, station: "web") == [0, 1, nil])
        let calm = Run(plain)
        #expect(calm.values("latency.mean").first.map { abs($0 - 0.010) < 1e-6 } == true)
    }

    /// Keeps each successful request's arrival and latency.
    @Test("a neighbour arriving slows a pod, one leaving relieves it: request by request")
    func neighbours() throws {
        // Node 0 is out from 10 s to 20 s: pods 0 and 1 die; pod 0 goes to node 1 (2 CPU of 4
        // left there), pod 1 has no room and waits. Node 1 then holds pods 2 and 0: pod 2, alone
        // and at 10 ms before, serves at 20 ms. At 20 s node 0 is back and takes pod 1 alone.
        let yaml = Self.overcommitted.replacingOccurrences(
            of: "overcommit: 2", with: "overcommit: 2\n    node_outages: [{at: 10s, node: 0, for: 10s}]")
        let s = try ScenarioLoader.parse(yaml: yaml)
        var sim = Simulation<FullModel>(spec: s.model, streams: StreamStore(seed: s.seed), replication: 0)
        var sink = RecordingSink()
        _ = sim.run(into: &sink)
        #expect((0..<3).map { sim.podNode(station: 0, pod: $0) } == [1, 0, 1])
        func latencies(_ from: Double, _ to: Double) -> Set<Int> {
            Set(
                sink.requests.filter { $0.outcome == .success && $0.arrival.seconds > from && $0.arrival.seconds < to }
                    .map { Int(((($0.end - $0.arrival).seconds) * 1000).rounded()) })
        }
        #expect(latencies(1, 9.9) == [10, 20], "pods 0 and 1 at 20 ms, pod 2 at 10 ms")
        #expect(latencies(10.1, 19.9) == [20], "pods 0 and 2 share node 1")
        #expect(latencies(20.1, 29.9) == [10, 20], "pod 1 alone on node 0 again")
    }
}
