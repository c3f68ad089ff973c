/// A pod a deploy holds beside its pool's own pods on a cluster: one of a blue-green deploy's
/// second fleet, or of a rolling deploy's surge (`DeploySpec.surge`). It serves no request —
/// the pool's pods stand for whichever version serves, as for a fleet of VMs — but it takes its
/// requests' room on a node, so the scheduler must place it (the cluster autoscaler adds a node
/// when it is pending) and it runs only after the cluster's `pod_startup`. The deploy waits for
/// its pods to run before it switches traffic or ends a step.
///
/// Its phase is a `PodPhase`: absent (the deploy does not hold it) → pending → starting (placed)
/// → running; a node going down or removed sends a placed one back to pending; the deploy's end
/// makes any of them absent.
struct DeployPod {
    /// The pool whose pods it stands beside (a station index), and the deploy holding it.
    let station: Int
    let deploy: Int
    var phase = PodPhase.absent
    /// The node (within the cluster) while starting or running; −1 otherwise.
    var node: Int32 = -1
    /// Changes when it is unplaced, so a stale `deployPodReady` is ignored.
    var stamp: UInt32 = 0
    /// Placements so far: the seat of its start-up draws.
    var placements: UInt32 = 0

    /// On a node (its requests reserved there).
    var placed: Bool { phase == .starting || phase == .running }
}
