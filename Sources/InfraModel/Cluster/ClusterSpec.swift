import SimKernel
import SimRandom

/// A cluster of nodes (`kind: cluster`) on which server pools run as pods.
///
/// Every node is of one type: `cpu` millicores and `memory` bytes allocatable to pods. Node k
/// sits in `zones[k mod zones.count]` (none when `zones` is empty). A pool on the cluster
/// (`StationSpec.pod`) has one pod per instance, each requesting the pool's `PodSpec`; the
/// scheduler (`PodScheduler`) places pods on nodes at time 0, pools in file order and pods in
/// instance order, and a pod that fits on no node waits as pending (down, out of the rotation).
/// The nodes, not the pods, are what is billed (`CostModel.clusters`).
public struct ClusterSpec: Sendable, Equatable {
    /// How the scheduler ranks the nodes a pod fits on (Kubernetes' NodeResourcesFit scoring).
    public enum Score: String, Sendable, Equatable, CaseIterable {
        /// The node left with the largest free share (mean of CPU and memory) after placing the
        /// pod: pods spread over nodes.
        case leastAllocated = "least_allocated"
        /// The node left with the smallest free share: bin-packing, so fewer nodes carry pods.
        case mostAllocated = "most_allocated"
    }

    /// The component's name (its key under `components:`), used in metric ids.
    public var name: String
    /// Allocatable CPU of one node, in millicores (1000 = one core).
    public var nodeCPU: Int
    /// Allocatable memory of one node, in bytes.
    public var nodeMemory: Int
    /// Node slots: the nodes held for the whole run (a fixed node count), or with `autoscale`
    /// its `max` (the slots not held are not billed and take no pods).
    public var nodes: Int
    /// The cluster autoscaler (`nodes: {min, max, initial}`); nil: `nodes` held all along.
    public var autoscale: ClusterAutoscalePolicy?
    /// Zones of the nodes in turn (indices into `ModelSpec.zones`); empty: in no zone.
    public var zones: [Int]
    public var score: Score
    /// Spread each pool's pods over the zones: a pod goes to a zone with the fewest of its
    /// pool's pods among the zones where it fits, before the score picks the node.
    public var spread: Bool
    /// Random failures of each node (`failures: {mtbf, mttr}`; always a crash of its pods);
    /// nil = nodes fail only by `outages` and zones.
    public var failures: FailureSpec?
    /// Scheduled failures of single nodes (`node_outages:`), in file order.
    public var outages: [NodeOutage] = []
    /// Time from a pod's placement on a node to serving (image pull + readiness), drawn per
    /// placement; pods placed at time 0 serve at once (the fleet is up when the run starts).
    public var podStartup: Distribution = .deterministic(value: 0)
    /// CPU (millicores) and memory (bytes) the node agents reserve on every node (`agents:`,
    /// monitoring and logging daemons): not allocatable to pods.
    public var agentCPU = 0
    public var agentMemory = 0
    /// CPU over-commit (`overcommit:`, ≥ 1): the scheduler places CPU requests up to this many
    /// times a node's CPU; a node whose requests (agents included) exceed its CPU slows every
    /// pod on it by requested / CPU (`contention(requested:)`). Memory is never over-committed.
    public var overcommit = 1.0

    /// CPU (millicores) and memory (bytes) the scheduler may place pods' requests in, per node.
    public var podCPU: Int { Int((Double(nodeCPU) * overcommit).rounded(.down)) - agentCPU }
    public var podMemory: Int { nodeMemory - agentMemory }

    /// The service-time factor of the pods on a node whose pods request `requested` millicores:
    /// the node's CPU contention, max(1, (agents + requested) / CPU). It takes every pod to use
    /// its request while it serves (a pod busy all the time): with idle pods it is an upper bound.
    public func contention(requested: Int) -> Double {
        max(1, Double(agentCPU + requested) / Double(nodeCPU))
    }

    public init(
        name: String, nodeCPU: Int, nodeMemory: Int, nodes: Int, zones: [Int] = [],
        score: Score = .leastAllocated, spread: Bool = true
    ) {
        self.name = name
        self.nodeCPU = nodeCPU
        self.nodeMemory = nodeMemory
        self.nodes = nodes
        self.zones = zones
        self.score = score
        self.spread = spread
    }

    /// The zone of node k (an index into `ModelSpec.zones`), or −1 when the nodes have none.
    public func zone(ofNode k: Int) -> Int { zones.isEmpty ? -1 : zones[k % zones.count] }
}

/// What each pod of a pool on a cluster requests (`cluster:` and `pod: {cpu, memory}`).
public struct PodSpec: Sendable, Equatable {
    /// The cluster (an index into `ModelSpec.clusters`).
    public var cluster: Int
    /// Requested CPU in millicores and memory in bytes, reserved on the pod's node.
    public var cpu: Int
    public var memory: Int
    /// The pool's disruption budget (`pod.max_unavailable`): the cluster autoscaler evicts a
    /// node's pods only while the pool's pods not running (pending, starting or evicted) stay
    /// at most this many; nil: no budget.
    public var maxUnavailable: Int?

    public init(cluster: Int, cpu: Int, memory: Int, maxUnavailable: Int? = nil) {
        self.cluster = cluster
        self.cpu = cpu
        self.memory = memory
        self.maxUnavailable = maxUnavailable
    }
}

/// A node down from `at` for `duration` (`node_outages: [{at, node, for}]`): its pods are killed.
public struct NodeOutage: Sendable, Equatable {
    public var at: SimTime
    /// The node (0-based within its cluster).
    public var node: Int
    public var duration: SimDuration

    public init(at: SimTime, node: Int, duration: SimDuration) {
        self.at = at
        self.node = node
        self.duration = duration
    }
}
