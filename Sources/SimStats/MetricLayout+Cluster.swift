import InfraModel

extension MetricLayout {
    /// Clusters (README "Metrics"): per cluster the time-average distributions of its nodes
    /// held (`cluster.<c>.nodes`), nodes running at least one pod (`cluster.<c>.nodes.used`)
    /// and pods pending (`cluster.<c>.pods.pending`), each with its mean and percentiles; the
    /// mean time a pod waits for a node (`cluster.<c>.pending_time`); with a cluster autoscaler,
    /// the nodes it added and removed in the window (`cluster.<c>.nodes.added`, `.removed`).
    mutating func addClusters(_ spec: ModelSpec) {
        for (c, cluster) in spec.clusters.enumerated() {
            let base = "cluster.\(cluster.name)"
            addDistribution(base + ".nodes", .cluster(level: 3 * c), mean: true)
            addDistribution(base + ".nodes.used", .cluster(level: 3 * c + 1), mean: true)
            addDistribution(base + ".pods.pending", .cluster(level: 3 * c + 2), mean: true)
            add(base + ".pending_time", .podPendingTime(cluster: c))
            if cluster.autoscale != nil {
                add(base + ".nodes.added", .clusterNodeChanges(cluster: c, added: true))
                add(base + ".nodes.removed", .clusterNodeChanges(cluster: c, added: false))
            }
        }
    }
}
