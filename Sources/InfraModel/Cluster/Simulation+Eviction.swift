import SimKernel

/// Evicted pods' replacements (`ExtraPod.Owner.replacement`): when the cluster autoscaler
/// removes a node, each pod running there drains out of the rotation and a replacement is created
/// at once, so the pool's capacity is out for the replacement's placement and start-up, not for
/// the drain as well. Nothing here runs per request.
extension Simulation {
    /// Evicted pod i (on a node being removed) gets its replacement: pending, reusing a released
    /// replacement's entry of the same pool if there is one. The caller schedules pending pods.
    mutating func createReplacement(for i: Int, cluster c: Int) {
        let s = Int(instances[i].station)
        let p =
            clusterState.extraPods.indices.first {
                clusterState.extraPods[$0].phase == .absent && clusterState.extraPods[$0].station == s
                    && isReplacement(clusterState.extraPods[$0])
            }
            ?? {
                clusterState.extraPods.append(ExtraPod(station: s, owner: .replacement(of: i)))
                return clusterState.extraPods.count - 1
            }()
        clusterState.extraPods[p].owner = .replacement(of: i)
        clusterState.extraPods[p].phase = .pending
        clusterState.clusters[c].pending += 1
        clusterState.clusters[c].pendingEpisodes += 1
    }

    private func isReplacement(_ pod: ExtraPod) -> Bool {
        if case .replacement = pod.owner { true } else { false }
    }

    /// The replacement of pod i now held, if any.
    func replacement(of i: Int) -> Int? {
        clusterState.extraPods.indices.first {
            clusterState.extraPods[$0].owner == .replacement(of: i) && clusterState.extraPods[$0].phase != .absent
        }
    }

    /// Pod i's replacement p runs (from `extraPodReady`): pod i, still draining on the node being
    /// removed, moves onto p's node and rejoins the rotation (what it was serving finishes as it
    /// began); p's room becomes pod i's. A pod its autoscaler drains meanwhile is not wanted back:
    /// the replacement is dropped.
    mutating func replacementRuns(_ p: Int, of i: Int) {
        guard let pod = spec.stations[Int(instances[i].station)].pod else {
            preconditionFailure("a replaced pod's pool runs on a cluster")
        }
        let c = pod.cluster
        guard clusterState.phase[i] == .evicting, !isScaledIn(i) else {
            dropReplacement(of: i, cluster: c)
            return
        }
        clusterState.clusters[c].accumulate(to: kernel.now)
        let old = Int(clusterState.node[i])
        let new = Int(clusterState.extraPods[p].node)
        clusterState.clusters[c].nodes.remove(from: old, cpu: pod.cpu, memory: pod.memory)
        podsChanged(c, node: old, leaving: i)
        clusterState.node[i] = Int32(new)
        clusterState.phase[i] = .running
        clusterState.extraPods[p].phase = .absent
        clusterState.extraPods[p].node = -1
        clusterState.extraPods[p].stamp &+= 1
        podsChanged(c, node: new, leaving: nil)
        instances[i].outReasons &= ~OutReason.pod
        refreshEligibility(i)
    }

    /// Pod i has just left its node for good (from `killPod`, now pending): it takes over its
    /// replacement where that is — on a node and starting (it serves when the replacement would
    /// have), or pending (it waits in its place).
    mutating func adoptReplacement(of i: Int, cluster c: Int) {
        guard let p = replacement(of: i) else { return }
        let r = clusterState.extraPods[p]
        clusterState.extraPods[p].phase = .absent
        clusterState.extraPods[p].node = -1
        clusterState.extraPods[p].stamp &+= 1
        // `killPod` counted pod i pending, a new episode; but the pod only continues the
        // replacement's: still pending (it waits in its place), or already placed (on its room).
        clusterState.clusters[c].pending -= 1
        clusterState.clusters[c].pendingEpisodes -= 1
        guard r.placed else { return }
        clusterState.node[i] = r.node
        clusterState.phase[i] = .starting
        podsChanged(c, node: Int(r.node), leaving: nil)
        kernel.schedule(
            .cluster(.podReady(instance: Int32(i), stamp: clusterState.stamp[i])), at: max(kernel.now, r.readyAt))
    }

    /// Pod i is not wanted back (its autoscaler drained it): its replacement, if any, is released.
    mutating func dropReplacement(of i: Int, cluster c: Int) {
        guard let p = replacement(of: i) else { return }
        releaseExtraPod(p, cluster: c)
    }
}
