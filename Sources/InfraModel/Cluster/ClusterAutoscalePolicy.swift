import SimKernel
import SimRandom

/// A cluster's node autoscaler (`nodes: {min, max, initial}` with `autoscale:`), as Kubernetes'
/// cluster-autoscaler does it, with its defaults.
///
/// The cluster has `ClusterSpec.nodes` (= `max`) node slots; `initial` of them are held and
/// ready at time 0, the others are not held (no pod fits there, not billed). Every
/// `scanInterval` the autoscaler looks at the cluster:
///
/// - **Scale-up.** When pods are pending, it estimates the nodes they need by packing them,
///   first-fit decreasing (by the mean of their CPU and memory shares of a node), into the nodes
///   still provisioning and then into new empty nodes; it provisions the new ones (up to `max`
///   held), each ready after a `provisioning` time drawn per node. A ready node takes pending
///   pods at once.
/// - **Scale-down** (no sooner than `scaleDownDelayAfterAdd` after the last scale-up, and not in a
///   scan that scaled up). A ready node is unneeded when its requested share (the larger of CPU
///   and memory) is below `scaleDownUtilization`, every pod on it fits on the other ready nodes
///   (checked in turn, each check taking the room it uses), and evicting its pods keeps every
///   pool within its disruption budget (`PodSpec.maxUnavailable`). A node unneeded for
///   `scaleDownUnneeded` is removed — every such empty node, and at most one that runs pods per
///   scan, highest-numbered first, never below `min` held. A removed node is cordoned at once (no
///   pod is placed on it); its pods leave the rotation and drain for `drain`, then the node is
///   released (no longer billed) and its pods are pending, to be placed again elsewhere.
public struct ClusterAutoscalePolicy: Sendable, Equatable {
    /// Nodes held at least (0 allowed) and held and ready at time 0.
    public var min: Int
    public var initial: Int
    /// Time between scans (cluster-autoscaler's `--scan-interval`, 10 s).
    public var scanInterval: SimDuration = .seconds(10)
    /// Time from the decision to add a node until it is ready for pods (billed from the
    /// decision): the cloud's VM start plus the node joining the cluster.
    public var provisioning: Distribution = .deterministic(value: 90)
    /// A node whose requested share is below this may be removed (`--scale-down-utilization-threshold`, 0.5).
    public var scaleDownUtilization: Double = 0.5
    /// How long a node must stay unneeded before it is removed (`--scale-down-unneeded-time`, 10 min).
    public var scaleDownUnneeded: SimDuration = .seconds(600)
    /// No scale-down sooner than this after a scale-up (`--scale-down-delay-after-add`, 10 min).
    public var scaleDownDelayAfterAdd: SimDuration = .seconds(600)
    /// How long the pods of a node being removed drain (out of the rotation, finishing their
    /// work) before the node goes; what is left fails with `instance_failed` (a pod's
    /// termination grace period, 30 s).
    public var drain: SimDuration = .seconds(30)

    public init(min: Int, initial: Int) {
        self.min = min
        self.initial = initial
    }
}
