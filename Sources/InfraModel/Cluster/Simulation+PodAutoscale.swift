import SimKernel

/// The pod autoscaler: a pool on a cluster with `autoscale:` (Kubernetes' horizontal pod
/// autoscaler). Its decisions are the pool autoscaler's (`Autoscaler/`); what a held instance is
/// differs. A scale-out creates pods: each is pending until the scheduler places it and serves
/// after the cluster's `pod_startup` (not the policy's `provisioning`), so with no room on the
/// nodes it waits for the cluster autoscaler. A scale-in drains a pod as any instance drains,
/// then frees its requests on its node. Pods are not billed: the nodes are.
extension Simulation {
    /// Whether instance i is a pod its pool's autoscaler is draining (it must not rejoin the
    /// rotation, nor be placed again).
    func isScaledIn(_ i: Int) -> Bool {
        !autoscaling.phase.isEmpty && autoscaling.phase[i] == AutoscalePhase.draining
    }

    /// The autoscaler creates pod i (a scale-out, before `placePending`): it is pending, down
    /// for `DownReason.pending` instead of `unprovisioned` (so it stays down until it serves).
    mutating func createPod(_ i: Int, cluster c: Int) {
        assert(clusterState.phase[i] == .absent, "the autoscaler creates a pod it does not hold")
        clusterState.clusters[c].accumulate(to: kernel.now)
        clusterState.phase[i] = .pending
        clusterState.clusters[c].pending += 1
        clusterState.clusters[c].pendingEpisodes += 1
        instances[i].downReasons |= DownReason.pending
        instances[i].downReasons &= ~DownReason.unprovisioned
        instances[i].outReasons |= OutReason.pod
    }

    /// A pod the autoscaler created has started up (from `podReady`): it counts as serving.
    mutating func podProvisioned(_ i: Int) {
        let p = autoscaler(of: i)
        autoscaling.scalers[p].accumulate(to: kernel.now, warmup: spec.window.warmup)
        autoscaling.phase[i] = AutoscalePhase.serving
        autoscaling.scalers[p].serving += 1
        instances[i].outReasons &= ~OutReason.autoscaler
        refreshEligibility(i)
        let s = Int(instances[i].station)
        log(p, .ready(instance: i - Int(stations[s].firstInstance)), desired: 0)
        if !standbys.pools.isEmpty { standbyInstanceServes(scaler: p) }
    }

    /// Deletes up to k of autoscaler p's pods that do not serve yet (a standby's stand-down):
    /// pending ones first, then those starting up, highest index first — a ReplicaSet scaled
    /// down deletes unscheduled pods first, then unready ones. Each is absent at once (it holds
    /// no request), its room on a node freed for pending pods. One scale-in decision.
    mutating func deleteUnreadyPods(_ p: Int, _ k: Int, desired: Int) {
        let s = Int(autoscaling.scalers[p].station)
        guard let pod = spec.stations[s].pod else { preconditionFailure("a pod's pool runs on a cluster") }
        let first = Int(stations[s].firstInstance)
        var chosen: [Int] = []
        for phase in [PodPhase.pending, .starting] {
            for j in stride(from: Int(stations[s].instanceCount) - 1, through: 0, by: -1)
            where chosen.count < k && autoscaling.phase[first + j] == AutoscalePhase.provisioning
                && clusterState.phase[first + j] == phase
            {
                chosen.append(first + j)
            }
        }
        guard !chosen.isEmpty else { return }
        autoscaling.scalers[p].accumulate(to: kernel.now, warmup: spec.window.warmup)
        autoscaling.scalers[p].held -= chosen.count
        autoscaling.scalers[p].actions += 1
        autoscaling.scalers[p].lastAction = kernel.now
        log(p, .scaleIn(count: chosen.count), desired: desired)
        for i in chosen {
            autoscaling.phase[i] = AutoscalePhase.unprovisioned
            // Down all along (pending, then starting): now for not being held, as before its creation.
            instances[i].downReasons &= ~(DownReason.pending | DownReason.evicted)
            instances[i].downReasons |= DownReason.unprovisioned
            instances[i].outReasons &= ~OutReason.pod
            releasePod(i, cluster: pod.cluster)
            log(p, .released(instance: i - first), desired: 0)
        }
    }

    /// Pod i's scale-in drain is over (from `instanceDrained`, before it goes down): it leaves
    /// its node, or stops waiting for one, and is absent; the room it frees takes pending pods.
    mutating func releasePod(_ i: Int, cluster c: Int) {
        clusterState.clusters[c].accumulate(to: kernel.now)
        switch clusterState.phase[i] {
        case .starting, .running, .evicting:
            guard let pod = spec.stations[Int(instances[i].station)].pod else {
                preconditionFailure("a pod's pool runs on a cluster")
            }
            let k = Int(clusterState.node[i])
            clusterState.clusters[c].nodes.remove(from: k, cpu: pod.cpu, memory: pod.memory)
            clusterState.node[i] = -1
            podsChanged(c, node: k, leaving: i)
        case .pending:
            clusterState.clusters[c].pending -= 1
        case .absent, .notAPod:
            break
        }
        clusterState.phase[i] = .absent
        clusterState.stamp[i] &+= 1
        dropReplacement(of: i, cluster: c)
        placePending(c, startup: true)
    }
}
