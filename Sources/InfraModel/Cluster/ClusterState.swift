import SimKernel
import SimRandom

/// A pod's phase (`ClusterState.phase`, per instance of the model). Transitions:
/// pending → starting (placed on a node) → running (started up); starting or running → pending
/// (its node went down). Pending and starting pods are down for `DownReason.pending`.
enum PodPhase: UInt8 {
    /// The instance is not a pod (its pool runs on no cluster).
    case notAPod
    /// Waiting for a node with room: out of the rotation, on no node.
    case pending
    /// Placed on a node (its requests reserved there), not serving until its start-up is over.
    case starting
    /// On a node and serving.
    case running
}

/// Why a node is down (bits of `ClusterState.nodeDown`): independent reasons, the node is up
/// again when none is left.
enum NodeDownReason {
    static let failure: UInt8 = 1
    static let outage: UInt8 = 2
    static let zone: UInt8 = 4
}

/// The run-time state of one cluster: its nodes and the levels the statistics report.
struct ClusterRun {
    let spec: ClusterSpec
    var nodes: NodeTable
    /// Pods waiting for a node now, and pending episodes begun so far (a pod pending at set-up
    /// counts one).
    var pending = 0
    var pendingEpisodes: UInt64 = 0
    /// Time (ns) spent at each level of nodes held, nodes running a pod, and pods pending,
    /// brought up to `since`; and ∫ nodes held dt (ns), which the node price bills.
    var heldTimes: [Double] = []
    var usedTimes: [Double] = []
    var pendingTimes: [Double] = []
    var heldIntegral = 0.0
    var pendingIntegral = 0.0
    var since = SimTime.zero
    /// Nodes' random failure periods (seated per node and period) and pods' start-up times
    /// (seated per instance and placement).
    let failureStream: RandomStream
    let startupStream: RandomStream

    init(spec: ClusterSpec, failureStream: RandomStream, startupStream: RandomStream) {
        self.spec = spec
        nodes = NodeTable(spec)
        self.failureStream = failureStream
        self.startupStream = startupStream
    }

    /// Brings the level times up to `now`; call before any level changes. Levels change only at
    /// node and pod events, never per request.
    mutating func accumulate(to now: SimTime) {
        let dt = Double(now.nanoseconds &- since.nanoseconds)
        let held = nodes.cpuFree.count
        Self.add(dt, at: held, to: &heldTimes)
        Self.add(dt, at: nodes.used, to: &usedTimes)
        Self.add(dt, at: pending, to: &pendingTimes)
        heldIntegral += Double(held) * dt
        pendingIntegral += Double(pending) * dt
        since = now
    }

    private static func add(_ dt: Double, at level: Int, to times: inout [Double]) {
        if level >= times.count { times.append(contentsOf: repeatElement(0, count: level + 1 - times.count)) }
        times[level] += dt
    }
}

/// The clusters of a model: per cluster its run; per node (numbered over all clusters) its
/// down reasons and failure cycle; per instance of the model its pod phase and node.
struct ClusterState {
    var clusters: ContiguousArray<ClusterRun> = []
    /// The number of cluster c's first node among all nodes.
    var nodeBase: [Int] = []
    /// Per node: its cluster, `NodeDownReason` bits, random up/down periods drawn so far (the
    /// seat of the next draws), and scheduled outages of it (and of its zone) in progress.
    var nodeCluster: [Int32] = []
    var nodeDown: [UInt8] = []
    var nodeCycle: [UInt64] = []
    var outageDepth: [Int32] = []
    var zoneDepth: [Int32] = []
    /// Per instance (global index; empty without clusters): its `PodPhase`, the node it is on
    /// (within its cluster; −1 while pending or not a pod), its placements so far (the seat of
    /// its start-up draws), and a stamp that changes when it is killed (a stale `podReady`).
    var phase: [PodPhase] = []
    var node: [Int32] = []
    var placements: [UInt32] = []
    var stamp: [UInt32] = []
    /// Per cluster, its pools (station indices, in file order).
    var pools: [[Int]] = []
    /// Every pod a node's failure killed while it ran, for trajectory tests.
    var kills: [PodKill] = []

    var any: Bool { !clusters.isEmpty }
}

/// A running pod killed by its node going down: when, which node and pod, and the requests it
/// held at that instant (in service and waiting), which all fail with `instance_failed`.
public struct PodKill: Sendable, Equatable {
    public var time: SimTime
    public var cluster: Int
    public var node: Int
    public var station: Int
    public var pod: Int
    public var inFlight: Int
}
