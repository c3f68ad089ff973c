/// Noisy neighbours: on a cluster that over-commits CPU (`ClusterSpec.overcommit` > 1), the pods
/// on a node whose CPU requests (agents included) exceed its CPU serve slower by the node's
/// contention (`ClusterSpec.contention`), kept as a factor of each pod's `slowdown` and brought
/// up to date whenever a pod is placed on the node or leaves it. A service already begun keeps
/// the time it drew. Nothing here runs per request.
extension Simulation {
    /// Node k of cluster c gained or lost a pod (`leaving`: the pod that left it, now off every
    /// node): every pod on it serves at the node's contention now, the one that left at 1.
    mutating func podsChanged(_ c: Int, node k: Int, leaving: Int?) {
        let cluster = spec.clusters[c]
        guard cluster.overcommit > 1 else { return }
        if clusterState.contention.isEmpty { clusterState.contention = Array(repeating: 1, count: instanceCount) }
        if let i = leaving { setContention(i, 1) }
        let nodes = clusterState.clusters[c].nodes
        let factor = cluster.contention(requested: nodes.cpuCapacity - nodes.cpuFree[k])
        for s in clusterState.pools[c] {
            let first = Int(stations[s].firstInstance)
            for j in 0..<Int(stations[s].instanceCount) where clusterState.node[first + j] == Int32(k) {
                setContention(first + j, factor)
            }
        }
    }

    private mutating func setContention(_ i: Int, _ factor: Double) {
        let old = clusterState.contention[i]
        guard old != factor else { return }
        instances[i].slowdown = instances[i].slowdown / old * factor
        clusterState.contention[i] = factor
    }
}
