/// A cluster's events. Nodes are numbered over all clusters (`ClusterState.nodeBase`).
enum ClusterEvent {
    /// A node's random failure begins, or its repair ends (`failures:`), unless `epoch` is
    /// stale (the node has been released since: its failures began afresh or stopped).
    case nodeFails(node: Int32, epoch: UInt32)
    case nodeRepaired(node: Int32, epoch: UInt32)
    /// A scheduled outage of a node begins or ends (`node_outages:`).
    case outageBegins(node: Int32)
    case outageEnds(node: Int32)
    /// A scheduled outage of a zone (an `outage: {zone: …}` event) begins or ends: the nodes
    /// in it go down with it. (A zone's random outages reach the nodes from `Failures/`.)
    case zoneOutageBegins(zone: Int32)
    case zoneOutageEnds(zone: Int32)
    /// A pod's start-up is over: it serves, unless `stamp` is stale (it was killed meanwhile).
    case podReady(instance: Int32, stamp: UInt32)
    /// The cluster autoscaler of this cluster scans it (`ClusterAutoscalePolicy`).
    case scan(cluster: Int32)
    /// A node the cluster autoscaler added is ready for pods.
    case nodeProvisioned(node: Int32)
    /// A node the cluster autoscaler removes has drained its pods and is released.
    case nodeReleased(node: Int32)
    /// A deploy's pod (an index in `ClusterState.extraPods`) has started up, unless `stamp` is
    /// stale (it was unplaced meanwhile).
    case extraPodReady(pod: Int32, stamp: UInt32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`): codes 50 to 60, clear of the other components'.
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .nodeFails(let n, _): (50, n)
        case .nodeRepaired(let n, _): (51, n)
        case .outageBegins(let n): (52, n)
        case .outageEnds(let n): (53, n)
        case .zoneOutageBegins(let z): (54, z)
        case .zoneOutageEnds(let z): (55, z)
        case .podReady(let i, _): (56, i)
        case .scan(let c): (57, c)
        case .nodeProvisioned(let n): (58, n)
        case .nodeReleased(let n): (59, n)
        case .extraPodReady(let p, _): (60, p)
        }
    }
}
