import SimKernel

/// The pods beside the pools' own on a cluster (`ExtraPod`): a deploy's, and evicted pods'
/// replacements. Created pending when their owner needs them, placed by the scheduler after their pool's own pending pods (counted
/// among the pending pods the cluster autoscaler packs, and among the pods a node must shed
/// before it is unneeded), started after the cluster's `pod_startup`, sent back to pending when
/// their node goes, and released when their owner no longer needs them. Nothing here runs per
/// request.
extension Simulation {
    /// The deploy pods of deploy d (indices in `ClusterState.extraPods`), created absent at
    /// set-up (from `setUpDeploys`).
    mutating func addDeployPods(_ count: Int, station s: Int, deploy d: Int) -> Range<Int> {
        let first = clusterState.extraPods.count
        for _ in 0..<count { clusterState.extraPods.append(ExtraPod(station: s, owner: .deploy(d))) }
        return first..<first + count
    }

    /// Deploy d needs its pods: each is pending, and the scheduler places what fits.
    mutating func holdDeployPods(_ pods: Range<Int>) {
        guard let c = pods.first.flatMap({ spec.stations[clusterState.extraPods[$0].station].pod?.cluster }) else {
            return
        }
        clusterState.clusters[c].accumulate(to: kernel.now)
        for p in pods {
            assert(clusterState.extraPods[p].phase == .absent, "a deploy holds its pods once")
            clusterState.extraPods[p].phase = .pending
            clusterState.clusters[c].pending += 1
            clusterState.clusters[c].pendingEpisodes += 1
        }
        placePending(c, startup: true)
    }

    /// Deploy d no longer needs its pods: they leave their nodes, or stop waiting for one, and the
    /// room they free takes pending pods.
    mutating func releaseDeployPods(_ pods: Range<Int>) {
        guard let c = pods.first.flatMap({ spec.stations[clusterState.extraPods[$0].station].pod?.cluster }) else {
            return
        }
        clusterState.clusters[c].accumulate(to: kernel.now)
        for p in pods { releaseExtraPod(p, cluster: c) }
        placePending(c, startup: true)
    }

    /// Extra pod p is no longer held: it leaves its node, or stops waiting for one.
    mutating func releaseExtraPod(_ p: Int, cluster c: Int) {
        switch clusterState.extraPods[p].phase {
        case .starting, .running: unplaceExtraPod(p, cluster: c)
        case .pending: clusterState.clusters[c].pending -= 1
        default: break
        }
        clusterState.extraPods[p].phase = .absent
    }

    /// Whether every one of `pods` runs.
    func deployPodsRun(_ pods: Range<Int>) -> Bool {
        pods.allSatisfy { clusterState.extraPods[$0].phase == .running }
    }

    /// Places pool s's pending extra pods on cluster c's nodes with room (from `placePending`,
    /// after the pool's own pods); `zonePods` counts the pool's pods per zone for spreading.
    mutating func placeExtraPods(_ c: Int, station s: Int, zonePods: inout [Int32]) {
        guard let pod = spec.stations[s].pod, !clusterState.extraPods.isEmpty else { return }
        for p in clusterState.extraPods.indices
        where clusterState.extraPods[p].station == s && clusterState.extraPods[p].phase == .pending {
            guard let k = claimNode(c, for: pod, zonePods: &zonePods) else { return }
            clusterState.extraPods[p].node = Int32(k)
            clusterState.extraPods[p].phase = .starting
            podsChanged(c, node: k, leaving: nil)
            // Seated past every instance's entity, so its draws are its own.
            let delay = startupTime(c, entity: instanceCount + p, placement: clusterState.extraPods[p].placements)
            clusterState.extraPods[p].placements &+= 1
            clusterState.extraPods[p].readyAt = kernel.now + delay
            kernel.schedule(
                .cluster(.extraPodReady(pod: Int32(p), stamp: clusterState.extraPods[p].stamp)), after: delay)
        }
    }

    /// How many extra pods of pool s are on node k of its cluster.
    func extraPodCount(onNode k: Int, station s: Int) -> Int {
        clusterState.extraPods.count { $0.station == s && $0.placed && $0.node == Int32(k) }
    }

    /// Node k of cluster c went down or is removed: its extra pods are pending again (they
    /// hold no request, so nothing fails). The caller schedules the pending pods.
    mutating func unplaceExtraPods(_ c: Int, node k: Int) {
        for p in clusterState.extraPods.indices
        where clusterState.extraPods[p].placed && clusterState.extraPods[p].node == Int32(k)
            && spec.stations[clusterState.extraPods[p].station].pod?.cluster == c
        {
            unplaceExtraPod(p, cluster: c)
            clusterState.extraPods[p].phase = .pending
            clusterState.clusters[c].pending += 1
            clusterState.clusters[c].pendingEpisodes += 1
        }
    }

    /// Extra pod p leaves its node (its phase is the caller's to set).
    mutating func unplaceExtraPod(_ p: Int, cluster c: Int) {
        guard let pod = spec.stations[clusterState.extraPods[p].station].pod else {
            preconditionFailure("an extra pod's pool runs on a cluster")
        }
        let k = Int(clusterState.extraPods[p].node)
        clusterState.clusters[c].nodes.remove(from: k, cpu: pod.cpu, memory: pod.memory)
        clusterState.extraPods[p].node = -1
        clusterState.extraPods[p].stamp &+= 1
        podsChanged(c, node: k, leaving: nil)
    }

    /// Extra pod p has started up: it runs, and its deploy goes on if it waited for it, or the
    /// evicted pod it replaces moves onto it.
    mutating func extraPodReady(_ p: Int, stamp: UInt32) {
        guard clusterState.extraPods[p].stamp == stamp, clusterState.extraPods[p].phase == .starting else {
            return
        }
        clusterState.extraPods[p].phase = .running
        switch clusterState.extraPods[p].owner {
        case .deploy(let d): deployPodRuns(deploy: d)
        case .replacement(let i): replacementRuns(p, of: i)
        }
    }
}
