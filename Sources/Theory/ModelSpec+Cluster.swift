import InfraModel

/// What the pods on a cluster ask of its nodes, from the spec alone (`capsim validate`).
public struct ClusterRequests: Sendable, Equatable {
    /// Millicores and bytes requested by all the pods on the cluster.
    public var cpu: Int
    public var memory: Int
    public var pods: Int
    /// The fewest nodes whose capacity for pods (agents reserved, over-commit counted) covers
    /// the requests (each resource on its own): a lower bound, since whole pods may not pack
    /// that tightly.
    public var minimumNodes: Int
}

extension ModelSpec {
    /// Cluster c's total pod requests and the node count they need at the least.
    public func clusterRequests(_ c: Int) -> ClusterRequests {
        let cluster = clusters[c]
        var cpu = 0
        var memory = 0
        var pods = 0
        for st in stations {
            guard let pod = st.pod, pod.cluster == c else { continue }
            cpu += pod.cpu * st.instances
            memory += pod.memory * st.instances
            pods += st.instances
        }
        func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
        let nodes = max(ceilDiv(cpu, cluster.podCPU), ceilDiv(memory, cluster.podMemory))
        return ClusterRequests(cpu: cpu, memory: memory, pods: pods, minimumNodes: nodes)
    }
}
