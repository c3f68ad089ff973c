import SimKernel

/// The cluster autoscaler (see `ClusterAutoscalePolicy` for the rules): scans as kernel events,
/// node provisioning and release as events of their own. Nothing here runs per request.
extension Simulation {
    /// One scan of cluster c: a scale-up when pods are pending; otherwise the unneeded nodes are
    /// brought up to date and, out of the delay after a scale-up, removed.
    mutating func scanCluster<Sink: RecordSink & ~Copyable>(_ c: Int, into sink: inout Sink) {
        guard let policy = spec.clusters[c].autoscale else {
            preconditionFailure("only a cluster with an autoscaler is scanned")
        }
        let now = kernel.now
        if now + policy.scanInterval < spec.window.horizon {
            kernel.schedule(.cluster(.scan(cluster: Int32(c))), at: now + policy.scanInterval)
        }
        clusterState.clusters[c].accumulate(to: now)
        if clusterState.clusters[c].pending > 0 && scaleUpNodes(c, policy) { return }
        let removable = unneededNodes(c, policy)
        if let last = clusterState.clusters[c].lastScaleUp, now - last < policy.scaleDownDelayAfterAdd { return }
        removeNodes(c, removable, policy, into: &sink)
    }

    /// Adds the nodes the pending pods need beyond those provisioning (first-fit decreasing into
    /// empty nodes), up to `max` held. Returns whether it added any.
    private mutating func scaleUpNodes(_ c: Int, _ policy: ClusterAutoscalePolicy) -> Bool {
        let cluster = spec.clusters[c]
        let base = clusterState.nodeBase[c]
        // The pending pods, a group per pool (its pods are all of one size), in pool order.
        var groups: [(cpu: Int, memory: Int, count: Int)] = []
        for s in clusterState.pools[c] {
            guard let pod = spec.stations[s].pod else { continue }
            let first = Int(stations[s].firstInstance)
            var count = 0
            for j in 0..<Int(stations[s].instanceCount) where clusterState.phase[first + j] == .pending { count += 1 }
            for p in clusterState.extraPods where p.station == s && p.phase == .pending { count += 1 }
            if count > 0 { groups.append((pod.cpu, pod.memory, count)) }
        }
        // Largest first by the mean of its shares of a node; equal shares keep their order (as
        // sorting the pods one by one would).
        let share = { (p: (cpu: Int, memory: Int, count: Int)) in
            Double(p.cpu) / Double(cluster.podCPU) + Double(p.memory) / Double(cluster.podMemory)
        }
        let order = groups.indices.sorted {
            share(groups[$0]) > share(groups[$1]) || (share(groups[$0]) == share(groups[$1]) && $0 < $1)
        }
        var bins: [(cpu: Int, memory: Int)] = []
        for k in 0..<cluster.nodes where clusterState.nodePhase[base + k] == .provisioning {
            bins.append((cluster.podCPU, cluster.podMemory))
        }
        let provisioning = bins.count
        let room = cluster.nodes - clusterState.clusters[c].held
        // Bins before `open` cannot take even the smallest pod (bins only fill), so first fit
        // starts there: linear, not quadratic, in the pending pods of a few sizes. Once the new
        // bins reach the nodes the cluster may still add, more pods change nothing.
        let smallest = (cpu: groups.lazy.map { $0.cpu }.min() ?? 0, memory: groups.lazy.map { $0.memory }.min() ?? 0)
        var open = 0
        fit: for g in order {
            let p = groups[g]
            for _ in 0..<p.count {
                guard bins.count - provisioning < room else { break fit }
                while open < bins.count && (bins[open].cpu < smallest.cpu || bins[open].memory < smallest.memory) {
                    open += 1
                }
                if let b = bins[open...].firstIndex(where: { $0.cpu >= p.cpu && $0.memory >= p.memory }) {
                    bins[b].cpu -= p.cpu
                    bins[b].memory -= p.memory
                } else {
                    bins.append((cluster.podCPU - p.cpu, cluster.podMemory - p.memory))
                }
            }
        }
        var wanted = min(bins.count - provisioning, room)
        guard wanted > 0 else { return false }
        let stream = clusterState.clusters[c].provisioningStream
        for k in 0..<cluster.nodes where wanted > 0 && clusterState.nodePhase[base + k] == .absent {
            let g = base + k
            clusterState.nodePhase[g] = .provisioning
            stream.seat(replication: replication, entity: UInt64(k), block: UInt64(clusterState.provisionings[g]))
            clusterState.provisionings[g] &+= 1
            let delay = SimDuration(seconds: max(0, policy.provisioning.sample(stream)))
            kernel.schedule(.cluster(.nodeProvisioned(node: Int32(g))), after: delay)
            clusterState.clusters[c].held += 1
            clusterState.clusters[c].added += 1
            noteNode(g, .provisioning)
            wanted -= 1
        }
        clusterState.clusters[c].lastScaleUp = kernel.now
        return true
    }

    /// Marks which ready nodes are unneeded now (since when) and returns those unneeded for
    /// `scaleDownUnneeded`, highest-numbered first. A node is unneeded when its requested share
    /// is below the threshold, each of its pods fits on another ready node (the room each check
    /// takes is kept for the next; a node given pods is not itself removed), and evicting them
    /// keeps every pool within its disruption budget.
    private mutating func unneededNodes(_ c: Int, _ policy: ClusterAutoscalePolicy) -> [Int] {
        let cluster = spec.clusters[c]
        let base = clusterState.nodeBase[c]
        let now = kernel.now.nanoseconds
        var cpuFree = clusterState.clusters[c].nodes.cpuFree
        var memoryFree = clusterState.clusters[c].nodes.memoryFree
        var receiving = Array(repeating: false, count: cluster.nodes)
        var leaving = Array(repeating: false, count: cluster.nodes)
        // Per pool of the cluster: its pods not running now (pending, starting, evicting).
        var unavailable = Array(repeating: 0, count: stationCount)
        for s in clusterState.pools[c] {
            let first = Int(stations[s].firstInstance)
            for j in 0..<Int(stations[s].instanceCount) {
                switch clusterState.phase[first + j] {
                case .pending, .starting, .evicting: unavailable[s] += 1
                default: break
                }
            }
        }
        var removable: [Int] = []
        for k in stride(from: cluster.nodes - 1, through: 0, by: -1) {
            let g = base + k
            guard clusterState.nodePhase[g] == .ready else { continue }
            let nodes = clusterState.clusters[c].nodes
            var unneeded = clusterState.nodeDown[g] == 0 && !receiving[k]
            if unneeded {
                let used = max(
                    Double(nodes.cpuCapacity - nodes.cpuFree[k]) / Double(nodes.cpuCapacity),
                    Double(nodes.memoryCapacity - nodes.memoryFree[k]) / Double(nodes.memoryCapacity))
                unneeded = used < policy.scaleDownUtilization
            }
            if unneeded && nodes.pods[k] > 0 {
                var cpu = cpuFree
                var memory = memoryFree
                var moved = receiving
                var evicted = Array(repeating: 0, count: stationCount)
                search: for s in clusterState.pools[c] {
                    guard let pod = spec.stations[s].pod else { continue }
                    let first = Int(stations[s].firstInstance)
                    // The pool's pods to move (not those its autoscaler drains), then its
                    // deploy pods, which count against no budget since they serve nothing.
                    let moving = (0..<Int(stations[s].instanceCount)).count {
                        clusterState.node[first + $0] == Int32(k) && !isScaledIn(first + $0)
                    }
                    evicted[s] += moving
                    for _ in 0..<moving + extraPodCount(onNode: k, station: s) {
                        let target = (0..<cluster.nodes).first { m in
                            m != k && !leaving[m] && clusterState.nodePhase[base + m] == .ready
                                && clusterState.nodeDown[base + m] == 0 && cpu[m] >= pod.cpu
                                && memory[m] >= pod.memory
                        }
                        guard let m = target else {
                            unneeded = false
                            break search
                        }
                        cpu[m] -= pod.cpu
                        memory[m] -= pod.memory
                        moved[m] = true
                    }
                    if let budget = pod.maxUnavailable, unavailable[s] + evicted[s] > budget {
                        unneeded = false
                        break search
                    }
                }
                if unneeded {
                    cpuFree = cpu
                    memoryFree = memory
                    receiving = moved
                }
            }
            guard unneeded else {
                clusterState.unneededSince[g] = -1
                continue
            }
            leaving[k] = true
            if clusterState.unneededSince[g] < 0 { clusterState.unneededSince[g] = now }
            if now - clusterState.unneededSince[g] >= policy.scaleDownUnneeded.nanoseconds { removable.append(k) }
        }
        return removable
    }

    /// Removes the removable nodes that run no pod, and at most one that does (the first),
    /// never below `min` held.
    private mutating func removeNodes<Sink: RecordSink & ~Copyable>(
        _ c: Int, _ removable: [Int], _ policy: ClusterAutoscalePolicy, into sink: inout Sink
    ) {
        let base = clusterState.nodeBase[c]
        var removing = 0
        for k in 0..<spec.clusters[c].nodes where clusterState.nodePhase[base + k] == .removing { removing += 1 }
        var occupiedTaken = false
        for k in removable where clusterState.clusters[c].held - removing > policy.min {
            let occupied = clusterState.clusters[c].nodes.pods[k] > 0
            if occupied && occupiedTaken { continue }
            occupiedTaken = occupiedTaken || occupied
            removeNode(base + k, policy, into: &sink)
            removing += 1
        }
    }

    /// Node g is removed: cordoned at once (down for `notHeld`), its starting pods unplaced
    /// (pending again), its running pods evicting (out of the rotation, draining); it is
    /// released after the drain, or at once when it runs nothing.
    private mutating func removeNode<Sink: RecordSink & ~Copyable>(
        _ g: Int, _ policy: ClusterAutoscalePolicy, into sink: inout Sink
    ) {
        let c = Int(clusterState.nodeCluster[g])
        let k = g - clusterState.nodeBase[c]
        clusterState.clusters[c].accumulate(to: kernel.now)
        clusterState.nodePhase[g] = .removing
        clusterState.unneededSince[g] = -1
        clusterState.nodeDown[g] |= NodeDownReason.notHeld
        clusterState.clusters[c].nodes.down[k] = true
        clusterState.clusters[c].removed += 1
        noteNode(g, .removing)
        unplaceExtraPods(c, node: k)
        guard clusterState.clusters[c].nodes.pods[k] > 0 else {
            nodeReleased(g, into: &sink)
            return
        }
        for s in clusterState.pools[c] {
            let first = Int(stations[s].firstInstance)
            for j in 0..<Int(stations[s].instanceCount) where clusterState.node[first + j] == Int32(k) {
                let i = first + j
                switch clusterState.phase[i] {
                case .starting: killPod(i, planned: true, into: &sink)
                case .running where !isScaledIn(i):
                    clusterState.phase[i] = .evicting
                    instances[i].outReasons |= OutReason.pod
                    refreshEligibility(i)
                    createReplacement(for: i, cluster: c)
                default: break
                }
            }
        }
        placePending(c, startup: true)
        kernel.schedule(.cluster(.nodeReleased(node: Int32(g))), after: policy.drain)
    }

    /// A node the autoscaler added is ready: it takes pending pods (once no failure, outage or
    /// zone holds it down).
    mutating func nodeProvisioned(_ g: Int) {
        assert(clusterState.nodePhase[g] == .provisioning, "only a provisioning node becomes ready")
        clusterState.nodePhase[g] = .ready
        noteNode(g, .ready)
        if spec.clusters[Int(clusterState.nodeCluster[g])].failures != nil {
            // A new machine: up, its time to failure drawn from now.
            kernel.schedule(
                .cluster(.nodeFails(node: Int32(g), epoch: clusterState.nodeEpoch[g])),
                after: nextNodePeriod(g, failure: true))
        }
        nodeUp(g, NodeDownReason.notHeld)
    }

    /// A removed node's drain is over: the pods still on it leave (what they hold fails with
    /// `instance_failed`) and are pending elsewhere; the node is no longer held.
    mutating func nodeReleased<Sink: RecordSink & ~Copyable>(_ g: Int, into sink: inout Sink) {
        assert(clusterState.nodePhase[g] == .removing, "only a node being removed is released")
        let c = Int(clusterState.nodeCluster[g])
        let k = g - clusterState.nodeBase[c]
        clusterState.clusters[c].accumulate(to: kernel.now)
        for s in clusterState.pools[c] {
            let first = Int(stations[s].firstInstance)
            for j in 0..<Int(stations[s].instanceCount) where clusterState.node[first + j] == Int32(k) {
                killPod(first + j, planned: true, into: &sink)
            }
        }
        clusterState.nodePhase[g] = .absent
        clusterState.clusters[c].held -= 1
        // Its failures stop: a later holding is a new machine (`nodeProvisioned`), with draws of
        // its own (the next cycle).
        clusterState.nodeEpoch[g] &+= 1
        clusterState.nodeCycle[g] += 1
        clusterState.nodeDown[g] &= ~NodeDownReason.failure
        noteNode(g, .released)
        placePending(c, startup: true)
    }

    private mutating func noteNode(_ g: Int, _ kind: NodeLogEntry.Kind) {
        let c = Int(clusterState.nodeCluster[g])
        clusterState.nodeLog.append(
            NodeLogEntry(time: kernel.now, cluster: c, node: g - clusterState.nodeBase[c], kind: kind))
    }

    /// Every node change the cluster autoscalers made, in time order (trajectory tests).
    public var nodeLog: [NodeLogEntry] { clusterState.nodeLog }
}
