import SimKernel

/// A pod beside its pool's own pods on a cluster, which serves no request of its own but takes
/// its requests' room on a node: the scheduler must place it (the cluster autoscaler adds a node
/// when it is pending) and it runs only after the cluster's `pod_startup`.
///
/// - A **deploy's** pod: one of a blue-green deploy's second fleet, or of a rolling deploy's
///   surge (`DeploySpec.surge`). The pool's pods stand for whichever version serves, as for a
///   fleet of VMs; the deploy waits for its pods to run before it switches traffic or ends a
///   step.
/// - An evicted pod's **replacement**: when the cluster autoscaler removes a node, each pod
///   running there drains out of the rotation and its replacement is created at once, as
///   Kubernetes' controllers create one. When the replacement runs, the pod moves onto its node
///   and serves again (its draining requests finish as they began); if the node is released
///   first, the pod takes over the replacement where it is (starting, or pending).
///
/// Its phase is a `PodPhase`: absent (not held) → pending → starting (placed) → running; a node
/// going down or removed sends a placed one back to pending; its owner's end makes it absent.
struct ExtraPod {
    enum Owner: Equatable {
        /// Deploy d's (an index in `ModelSpec.deploys`).
        case deploy(Int)
        /// The replacement of evicted pod i (a global instance index).
        case replacement(of: Int)
    }

    /// The pool whose pods it stands beside (a station index), and what holds it.
    let station: Int
    var owner: Owner
    var phase = PodPhase.absent
    /// The node (within the cluster) while starting or running; −1 otherwise.
    var node: Int32 = -1
    /// Changes when it is unplaced, so a stale `extraPodReady` is ignored.
    var stamp: UInt32 = 0
    /// Placements so far: the seat of its start-up draws.
    var placements: UInt32 = 0
    /// While starting: when its start-up is over.
    var readyAt = SimTime.zero

    /// On a node (its requests reserved there).
    var placed: Bool { phase == .starting || phase == .running }
}
