import SimKernel

/// The pods deploys hold beside their pools' on a cluster (`DeployPod`): created pending when
/// the deploy needs them, placed by the scheduler after their pool's own pending pods (counted
/// among the pending pods the cluster autoscaler packs, and among the pods a node must shed
/// before it is unneeded), started after the cluster's `pod_startup`, sent back to pending when
/// their node goes, and released when the deploy no longer needs them. Nothing here runs per
/// request.
extension Simulation {
    /// The deploy pods of deploy d (indices in `ClusterState.deployPods`), created absent at
    /// set-up (from `setUpDeploys`).
    mutating func addDeployPods(_ count: Int, station s: Int, deploy d: Int) -> Range<Int> {
        let first = clusterState.deployPods.count
        for _ in 0..<count { clusterState.deployPods.append(DeployPod(station: s, deploy: d)) }
        return first..<first + count
    }

    /// Deploy d needs its pods: each is pending, and the scheduler places what fits.
    mutating func holdDeployPods(_ pods: Range<Int>) {
        guard let c = pods.first.flatMap({ spec.stations[clusterState.deployPods[$0].station].pod?.cluster }) else {
            return
        }
        clusterState.clusters[c].accumulate(to: kernel.now)
        for p in pods {
            assert(clusterState.deployPods[p].phase == .absent, "a deploy holds its pods once")
            clusterState.deployPods[p].phase = .pending
            clusterState.clusters[c].pending += 1
            clusterState.clusters[c].pendingEpisodes += 1
        }
        placePending(c, startup: true)
    }

    /// Deploy d no longer needs its pods: they leave their nodes, or stop waiting for one, and the
    /// room they free takes pending pods.
    mutating func releaseDeployPods(_ pods: Range<Int>) {
        guard let c = pods.first.flatMap({ spec.stations[clusterState.deployPods[$0].station].pod?.cluster }) else {
            return
        }
        clusterState.clusters[c].accumulate(to: kernel.now)
        for p in pods {
            switch clusterState.deployPods[p].phase {
            case .starting, .running: unplaceDeployPod(p, cluster: c)
            case .pending: clusterState.clusters[c].pending -= 1
            default: break
            }
            clusterState.deployPods[p].phase = .absent
        }
        placePending(c, startup: true)
    }

    /// Whether every one of `pods` runs.
    func deployPodsRun(_ pods: Range<Int>) -> Bool {
        pods.allSatisfy { clusterState.deployPods[$0].phase == .running }
    }

    /// Places pool s's pending deploy pods on cluster c's nodes with room (from `placePending`,
    /// after the pool's own pods); `zonePods` counts the pool's pods per zone for spreading.
    mutating func placeDeployPods(_ c: Int, station s: Int, zonePods: inout [Int32]) {
        guard let pod = spec.stations[s].pod, !clusterState.deployPods.isEmpty else { return }
        let cluster = spec.clusters[c]
        for p in clusterState.deployPods.indices
        where clusterState.deployPods[p].station == s && clusterState.deployPods[p].phase == .pending {
            guard
                let k = clusterState.clusters[c].nodes.choose(
                    cpu: pod.cpu, memory: pod.memory, score: cluster.score, spread: cluster.spread,
                    zonePods: zonePods)
            else { return }
            clusterState.clusters[c].nodes.place(on: k, cpu: pod.cpu, memory: pod.memory)
            clusterState.clusters[c].pending -= 1
            clusterState.deployPods[p].node = Int32(k)
            clusterState.deployPods[p].phase = .starting
            podsChanged(c, node: k, leaving: nil)
            let z = cluster.zone(ofNode: k)
            if z >= 0 { zonePods[z] += 1 }
            // Seated past every instance's entity, so its draws are its own.
            let stream = clusterState.clusters[c].startupStream
            stream.seat(
                replication: replication, entity: UInt64(instanceCount + p),
                block: UInt64(clusterState.deployPods[p].placements))
            clusterState.deployPods[p].placements &+= 1
            let delay = SimDuration(seconds: max(0, cluster.podStartup.sample(stream)))
            kernel.schedule(
                .cluster(.deployPodReady(pod: Int32(p), stamp: clusterState.deployPods[p].stamp)), after: delay)
        }
    }

    /// How many deploy pods of pool s are on node k of its cluster.
    func deployPodCount(onNode k: Int, station s: Int) -> Int {
        clusterState.deployPods.count { $0.station == s && $0.placed && $0.node == Int32(k) }
    }

    /// Node k of cluster c went down or is removed: its deploy pods are pending again (they
    /// hold no request, so nothing fails). The caller schedules the pending pods.
    mutating func unplaceDeployPods(_ c: Int, node k: Int) {
        for p in clusterState.deployPods.indices
        where clusterState.deployPods[p].placed && clusterState.deployPods[p].node == Int32(k)
            && spec.stations[clusterState.deployPods[p].station].pod?.cluster == c
        {
            unplaceDeployPod(p, cluster: c)
            clusterState.deployPods[p].phase = .pending
            clusterState.clusters[c].pending += 1
            clusterState.clusters[c].pendingEpisodes += 1
        }
    }

    /// Deploy pod p leaves its node (its phase is the caller's to set).
    private mutating func unplaceDeployPod(_ p: Int, cluster c: Int) {
        guard let pod = spec.stations[clusterState.deployPods[p].station].pod else {
            preconditionFailure("a deploy pod's pool runs on a cluster")
        }
        let k = Int(clusterState.deployPods[p].node)
        clusterState.clusters[c].nodes.remove(from: k, cpu: pod.cpu, memory: pod.memory)
        clusterState.deployPods[p].node = -1
        clusterState.deployPods[p].stamp &+= 1
        podsChanged(c, node: k, leaving: nil)
    }

    /// Deploy pod p has started up: it runs, and its deploy goes on if it waited for it.
    mutating func deployPodReady(_ p: Int, stamp: UInt32) {
        guard clusterState.deployPods[p].stamp == stamp, clusterState.deployPods[p].phase == .starting else {
            return
        }
        clusterState.deployPods[p].phase = .running
        deployPodRuns(deploy: clusterState.deployPods[p].deploy)
    }
}
