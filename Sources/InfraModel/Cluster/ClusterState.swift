import SimKernel
import SimRandom

/// A pod's phase (`ClusterState.phase`, per instance of the model). Transitions:
/// pending → starting (placed on a node) → running (started up); starting, running or evicting
/// → pending (its node went down); running → evicting (its node is being removed) → pending (the
/// node is released); with a pod autoscaler, absent → pending (scale-out) and any phase →
/// absent (its scale-in drain is over, or its node went while it drained). Pending and starting
/// pods are down for `DownReason.pending`.
enum PodPhase: UInt8 {
    /// The instance is not a pod (its pool runs on no cluster).
    case notAPod
    /// A pod the pool's autoscaler does not hold: on no node, not pending.
    case absent
    /// Waiting for a node with room: out of the rotation, on no node.
    case pending
    /// Placed on a node (its requests reserved there), not serving until its start-up is over.
    case starting
    /// On a node and serving.
    case running
    /// On a node the cluster autoscaler removes: out of the rotation, finishing its work until
    /// the node is released.
    case evicting
}

/// A node slot's phase (`ClusterState.nodePhase`). Without a cluster autoscaler every node is
/// `ready` all along. Transitions: absent → provisioning (scale-up) → ready → removing
/// (scale-down) → absent. Nodes not ready are down for `NodeDownReason.notHeld`.
enum NodePhase: UInt8 {
    /// Not held: not billed, no pod fits.
    case absent
    /// Held (billed), not ready for pods yet.
    case provisioning
    /// Held and taking pods (it may still be down for a failure, an outage or its zone).
    case ready
    /// Held, cordoned, its pods draining until it is released.
    case removing
}

/// Why a node is down (bits of `ClusterState.nodeDown`): independent reasons, the node is up
/// again when none is left.
enum NodeDownReason {
    static let failure: UInt8 = 1
    static let outage: UInt8 = 2
    static let zone: UInt8 = 4
    /// Not held, provisioning or being removed (`NodePhase`): no pod is placed there.
    static let notHeld: UInt8 = 8
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
    /// Nodes held now (provisioning, ready or removing); nodes the cluster autoscaler added and
    /// removed so far; and its last scale-up.
    var held: Int
    var added: UInt64 = 0
    var removed: UInt64 = 0
    var lastScaleUp: SimTime?
    /// Nodes' random failure periods (seated per node and period) and pods' start-up times
    /// (seated per instance and placement).
    let failureStream: RandomStream
    let startupStream: RandomStream
    /// Nodes' provisioning times (seated per node slot and provisioning of it).
    let provisioningStream: RandomStream

    init(spec: ClusterSpec, failureStream: RandomStream, startupStream: RandomStream, provisioningStream: RandomStream)
    {
        self.spec = spec
        nodes = NodeTable(spec)
        held = spec.autoscale?.initial ?? spec.nodes
        self.failureStream = failureStream
        self.startupStream = startupStream
        self.provisioningStream = provisioningStream
    }

    /// Brings the level times up to `now`; call before any level changes. Levels change only at
    /// node and pod events, never per request.
    mutating func accumulate(to now: SimTime) {
        let dt = Double(now.nanoseconds &- since.nanoseconds)
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
    /// Per node: its holdings ended so far (the cluster autoscaler released it), carried by its
    /// failure events so those of an earlier holding are ignored.
    var nodeEpoch: [UInt32] = []
    var outageDepth: [Int32] = []
    var zoneDepth: [Int32] = []
    /// Per node: its `NodePhase`, when it became unneeded (ns; −1: it is not), and its
    /// provisionings so far (the seat of its provisioning draws).
    var nodePhase: [NodePhase] = []
    var unneededSince: [Int64] = []
    var provisionings: [UInt32] = []
    /// Per instance (global index; empty without clusters): its `PodPhase`, the node it is on
    /// (within its cluster; −1 while pending or not a pod), its placements so far (the seat of
    /// its start-up draws), and a stamp that changes when it is killed (a stale `podReady`).
    var phase: [PodPhase] = []
    var node: [Int32] = []
    var placements: [UInt32] = []
    var stamp: [UInt32] = []
    /// Per instance (empty unless a cluster over-commits CPU): the contention factor of its
    /// node now, part of the instance's `slowdown` (1 off a node).
    var contention: [Double] = []
    /// Per cluster, its pools (station indices, in file order).
    var pools: [[Int]] = []
    /// Every pod a node's failure killed while it ran, and every change of a node the cluster
    /// autoscaler made, for trajectory tests.
    var kills: [PodKill] = []
    var nodeLog: [NodeLogEntry] = []
    /// The pods deploys hold beside their pools' (`ExtraPod`), each deploy's together, in
    /// deploy order; empty unless a deploy of a pool on a cluster holds extra pods.
    var extraPods: [ExtraPod] = []

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

/// A change of a node's `NodePhase` made by the cluster autoscaler: when, which cluster and node
/// (within it), and the phase it entered.
public struct NodeLogEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Added (provisioning, billed), ready for pods, being removed (cordoned, its pods
        /// draining), released (no longer held).
        case provisioning, ready, removing, released
    }
    public var time: SimTime
    public var cluster: Int
    public var node: Int
    public var kind: Kind
}
