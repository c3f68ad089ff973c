import SimKernel
import SimRandom

/// Pods on the nodes of clusters. At set-up the nodes' random failures start in their
/// stationary state and the scheduler places every pool's pods on the nodes that are up (pools
/// in file order, pods in instance order: the order a deployment creates them); a pod that fits
/// nowhere is pending: down for `DownReason.pending` and out of the rotation, so balancing,
/// failures and events treat it as a dead instance nobody sends work to.
///
/// A node that goes down (its own failure, a scheduled outage, its zone) kills its pods at once:
/// each goes down as a crash (what it holds fails with `instance_failed`), leaves the rotation
/// (its endpoint is removed) and is pending again; then every pending pod of the cluster is
/// scheduled again on the nodes left, and a node that comes back takes pending pods. A placed pod
/// serves after its start-up time. Nothing here runs per request.
extension Simulation {
    /// Builds the clusters, draws the nodes' states at time 0 and places the pods (from `init`).
    mutating func setUpCluster() {
        guard !spec.clusters.isEmpty else { return }
        clusterState.clusters = ContiguousArray(
            spec.clusters.map {
                ClusterRun(
                    spec: $0, failureStream: streams.stream(path: "components." + $0.name, purpose: .failures),
                    startupStream: streams.stream(path: "components." + $0.name + ".pod_startup", purpose: .failures),
                    provisioningStream: streams.stream(
                        path: "components." + $0.name + ".node_provisioning", purpose: .failures))
            })
        var base = 0
        for (c, cluster) in spec.clusters.enumerated() {
            clusterState.nodeBase.append(base)
            base += cluster.nodes
            clusterState.nodeCluster.append(contentsOf: repeatElement(Int32(c), count: cluster.nodes))
        }
        clusterState.nodeDown = Array(repeating: 0, count: base)
        // Cycle 0's draws are the stationary start's (blocks 0 and 1): later cycles' are clear of them.
        clusterState.nodeCycle = Array(repeating: 1, count: base)
        clusterState.nodeEpoch = Array(repeating: 0, count: base)
        clusterState.outageDepth = Array(repeating: 0, count: base)
        clusterState.zoneDepth = Array(repeating: 0, count: base)
        clusterState.nodePhase = Array(repeating: .ready, count: base)
        clusterState.unneededSince = Array(repeating: -1, count: base)
        clusterState.provisionings = Array(repeating: 0, count: base)
        for (c, cluster) in spec.clusters.enumerated() {
            guard let a = cluster.autoscale else { continue }
            for k in a.initial..<cluster.nodes {
                let g = clusterState.nodeBase[c] + k
                clusterState.nodePhase[g] = .absent
                clusterState.nodeDown[g] = NodeDownReason.notHeld
                clusterState.clusters[c].nodes.down[k] = true
            }
        }
        clusterState.phase = Array(repeating: .notAPod, count: instanceCount)
        clusterState.node = Array(repeating: -1, count: instanceCount)
        clusterState.placements = Array(repeating: 0, count: instanceCount)
        clusterState.stamp = Array(repeating: 0, count: instanceCount)
        clusterState.pools = Array(repeating: [], count: spec.clusters.count)
        for (s, st) in spec.stations.enumerated() {
            guard let pod = st.pod else { continue }
            clusterState.pools[pod.cluster].append(s)
            let first = Int(stations[s].firstInstance)
            // An autoscaled pool's pods beyond `initial` are not held (`PodPhase.absent`).
            let held = st.autoscale?.initial ?? st.instances
            for j in 0..<st.instances { clusterState.phase[first + j] = j < held ? .pending : .absent }
            clusterState.clusters[pod.cluster].pending += held
            clusterState.clusters[pod.cluster].pendingEpisodes += UInt64(held)
        }
        for c in spec.clusters.indices {
            drawNodeStates(c)
            placePending(c, startup: false)
        }
    }

    /// Cluster c's nodes held at time 0 with random failures start in their stationary state:
    /// down with probability MTTR / (MTBF + MTTR), the current period length-biased and the
    /// time left in it uniform (as instances' failures do). The time of each node's next change
    /// is kept in `nodeCycle`'s first draw, scheduled by `startCluster`. A node the cluster
    /// autoscaler adds later is a new machine: its failures start afresh, up, once it is ready.
    private mutating func drawNodeStates(_ c: Int) {
        guard let f = spec.clusters[c].failures else { return }
        let stream = clusterState.clusters[c].failureStream
        let pDown = f.timeToRepair.mean / (f.timeToFailure.mean + f.timeToRepair.mean)
        for k in 0..<spec.clusters[c].nodes where clusterState.nodePhase[clusterState.nodeBase[c] + k] != .absent {
            stream.seat(replication: replication, entity: UInt64(k), block: 0)
            if stream.uniform() < pDown {
                clusterState.nodeDown[clusterState.nodeBase[c] + k] |= NodeDownReason.failure
                clusterState.clusters[c].nodes.down[k] = true
            }
        }
    }

    /// At time 0, after failures, events and autoscaling have set up: pending pods go down and
    /// out of the rotation (as an autoscaler's unprovisioned instances do); the nodes' random
    /// failures, scheduled node outages and scheduled zone outages are scheduled; nodes in a zone
    /// that is out at time 0 go down with it.
    mutating func startCluster<Sink: RecordSink & ~Copyable>(into sink: inout Sink) {
        guard Shape.hasFeatures && clusterState.any else { return }
        for i in clusterState.phase.indices where clusterState.phase[i] == .pending {
            let s = Int(instances[i].station)
            if instances[i].up {
                instances[i].up = false
                instances[i].epoch &+= 1
                stations[s].upLevel -= 1
            }
            instances[i].downReasons |= DownReason.pending
            instances[i].outReasons |= OutReason.pod
            markHealthy(i, false)
        }
        let horizon = spec.window.horizon
        for (c, cluster) in spec.clusters.enumerated() {
            if let f = cluster.failures {
                let stream = clusterState.clusters[c].failureStream
                for k in 0..<cluster.nodes where clusterState.nodePhase[clusterState.nodeBase[c] + k] != .absent {
                    let g = clusterState.nodeBase[c] + k
                    let down = clusterState.nodeDown[g] & NodeDownReason.failure != 0
                    stream.seat(replication: replication, entity: UInt64(k), block: 1)
                    let length = (down ? f.timeToRepair : f.timeToFailure).lengthBiasedSample(stream)
                    let residual = SimDuration(seconds: length * stream.uniform())
                    clusterState.nodeCycle[g] = 1
                    kernel.schedule(
                        down
                            ? .cluster(.nodeRepaired(node: Int32(g), epoch: 0))
                            : .cluster(.nodeFails(node: Int32(g), epoch: 0)),
                        after: residual)
                }
            }
            if let a = cluster.autoscale, SimTime.zero + a.scanInterval < horizon {
                kernel.schedule(.cluster(.scan(cluster: Int32(c))), at: SimTime.zero + a.scanInterval)
            }
            for o in cluster.outages where o.at < horizon {
                let g = Int32(clusterState.nodeBase[c] + o.node)
                kernel.schedule(.cluster(.outageBegins(node: g)), at: o.at)
                kernel.schedule(.cluster(.outageEnds(node: g)), at: o.at + o.duration)
            }
        }
        for e in spec.events {
            guard case .zoneOutage(let z, _, let d, _) = e.action else { continue }
            kernel.schedule(.cluster(.zoneOutageBegins(zone: Int32(z))), at: e.at)
            kernel.schedule(.cluster(.zoneOutageEnds(zone: Int32(z))), at: e.at + d)
        }
        for z in spec.zones.indices where !outages.zones.up[z] { clusterZoneChanged(z, up: false, into: &sink) }
    }

    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: ClusterEvent, into sink: inout Sink) {
        switch event {
        case .nodeFails(let g, let epoch):
            guard epoch == clusterState.nodeEpoch[Int(g)] else { return }
            nodeDown(Int(g), NodeDownReason.failure, into: &sink)
            kernel.schedule(
                .cluster(.nodeRepaired(node: g, epoch: epoch)), after: nextNodePeriod(Int(g), failure: false))
        case .nodeRepaired(let g, let epoch):
            guard epoch == clusterState.nodeEpoch[Int(g)] else { return }
            nodeUp(Int(g), NodeDownReason.failure)
            kernel.schedule(.cluster(.nodeFails(node: g, epoch: epoch)), after: nextNodePeriod(Int(g), failure: true))
        case .outageBegins(let g):
            clusterState.outageDepth[Int(g)] += 1
            nodeDown(Int(g), NodeDownReason.outage, into: &sink)
        case .outageEnds(let g):
            clusterState.outageDepth[Int(g)] -= 1
            if clusterState.outageDepth[Int(g)] == 0 { nodeUp(Int(g), NodeDownReason.outage) }
        case .zoneOutageBegins(let z): clusterZoneChanged(Int(z), up: false, into: &sink)
        case .zoneOutageEnds(let z): clusterZoneChanged(Int(z), up: true, into: &sink)
        case .podReady(let i, let stamp): podReady(Int(i), stamp: stamp, into: &sink)
        case .scan(let c): scanCluster(Int(c), into: &sink)
        case .nodeProvisioned(let g): nodeProvisioned(Int(g))
        case .nodeReleased(let g): nodeReleased(Int(g), into: &sink)
        case .extraPodReady(let p, let stamp): extraPodReady(Int(p), stamp: stamp)
        }
    }

    /// Zone z goes out (`up` false) or comes back, for one of its outages (random or scheduled):
    /// the nodes in it follow (a node stays down while any outage of its zone lasts).
    mutating func clusterZoneChanged<Sink: RecordSink & ~Copyable>(_ z: Int, up: Bool, into sink: inout Sink) {
        for (c, cluster) in spec.clusters.enumerated() where cluster.zones.contains(z) {
            for k in 0..<cluster.nodes where cluster.zone(ofNode: k) == z {
                let g = clusterState.nodeBase[c] + k
                clusterState.zoneDepth[g] += up ? -1 : 1
                if up {
                    if clusterState.zoneDepth[g] == 0 { nodeUp(g, NodeDownReason.zone) }
                } else {
                    nodeDown(g, NodeDownReason.zone, into: &sink)
                }
            }
        }
    }

    /// The length of node g's next up (`failure`) or down period.
    mutating func nextNodePeriod(_ g: Int, failure: Bool) -> SimDuration {
        let c = Int(clusterState.nodeCluster[g])
        guard let f = spec.clusters[c].failures else {
            preconditionFailure("only a node of a cluster with failures draws failure periods")
        }
        let stream = clusterState.clusters[c].failureStream
        let k = g - clusterState.nodeBase[c]
        stream.seat(
            replication: replication, entity: UInt64(k), block: clusterState.nodeCycle[g] << 8 | (failure ? 0 : 0x80))
        if !failure { clusterState.nodeCycle[g] += 1 }
        return SimDuration(seconds: (failure ? f.timeToFailure : f.timeToRepair).sample(stream))
    }

    /// Node g goes down for `reason` (it may already be down for another): its pods are killed
    /// and pending, and the cluster's pending pods are scheduled on the nodes left. A node being
    /// removed is down already (cordoned) but still runs its draining pods: they are killed too.
    mutating func nodeDown<Sink: RecordSink & ~Copyable>(_ g: Int, _ reason: UInt8, into sink: inout Sink) {
        let wasUp = clusterState.nodeDown[g] == 0
        clusterState.nodeDown[g] |= reason
        guard wasUp || (clusterState.nodePhase[g] == .removing && reason != NodeDownReason.notHeld) else { return }
        let c = Int(clusterState.nodeCluster[g])
        let k = g - clusterState.nodeBase[c]
        clusterState.clusters[c].accumulate(to: kernel.now)
        clusterState.clusters[c].nodes.down[k] = true
        for s in clusterState.pools[c] {
            let first = Int(stations[s].firstInstance)
            for j in 0..<Int(stations[s].instanceCount) where clusterState.node[first + j] == Int32(k) {
                killPod(first + j, into: &sink)
            }
        }
        unplaceExtraPods(c, node: k)
        placePending(c, startup: true)
    }

    /// `reason` for node g being down is over; with none left it is up (empty) and takes
    /// pending pods.
    mutating func nodeUp(_ g: Int, _ reason: UInt8) {
        guard clusterState.nodeDown[g] != 0 else { return }
        clusterState.nodeDown[g] &= ~reason
        guard clusterState.nodeDown[g] == 0 else { return }
        let c = Int(clusterState.nodeCluster[g])
        clusterState.clusters[c].accumulate(to: kernel.now)
        clusterState.clusters[c].nodes.down[g - clusterState.nodeBase[c]] = false
        placePending(c, startup: true)
    }

    /// Pod i's node went down: it frees its requests there and is pending again (or, when its
    /// pool's autoscaler is draining it, absent: it is not wanted back); a running or evicting
    /// pod crashes (what it holds fails with `instance_failed`) and leaves the rotation at once.
    /// `planned`: the cluster autoscaler removes the node (its eviction is not a failure, and
    /// not a kill in `podKills`).
    mutating func killPod<Sink: RecordSink & ~Copyable>(_ i: Int, planned: Bool = false, into sink: inout Sink) {
        let phase = clusterState.phase[i]
        assert(phase == .starting || phase == .running || phase == .evicting, "only a pod on a node is killed")
        let s = Int(instances[i].station)
        guard let pod = spec.stations[s].pod else { preconditionFailure("a pod's pool runs on a cluster") }
        let c = pod.cluster
        let k = Int(clusterState.node[i])
        clusterState.clusters[c].nodes.remove(from: k, cpu: pod.cpu, memory: pod.memory)
        clusterState.node[i] = -1
        podsChanged(c, node: k, leaving: i)
        clusterState.stamp[i] &+= 1
        if isScaledIn(i) {
            clusterState.phase[i] = .absent
            dropReplacement(of: i, cluster: c)
        } else {
            clusterState.phase[i] = .pending
            clusterState.clusters[c].pending += 1
            clusterState.clusters[c].pendingEpisodes += 1
        }
        if phase == .running || phase == .evicting {
            if instances[i].up && !planned {
                clusterState.kills.append(
                    PodKill(
                        time: kernel.now, cluster: c, node: k, station: s,
                        pod: i - Int(stations[s].firstInstance),
                        inFlight: inFlight(Int32(i))))
            }
            setDown(
                Int32(i), planned ? DownReason.pending | DownReason.evicted : DownReason.pending, mode: .crash,
                into: &sink)
            instances[i].outReasons |= OutReason.pod
            refreshEligibility(i)
        }
        // An evicted pod whose node goes before its replacement runs takes the replacement over.
        if clusterState.phase[i] == .pending { adoptReplacement(of: i, cluster: c) }
    }

    /// Schedules cluster c's pending pods (pools in file order, pods in instance order) on the
    /// nodes with room; each placed pod starts up (or, at set-up, serves at once).
    mutating func placePending(_ c: Int, startup: Bool) {
        guard clusterState.clusters[c].pending > 0 else { return }
        let cluster = spec.clusters[c]
        for s in clusterState.pools[c] {
            guard let pod = spec.stations[s].pod else { continue }
            let first = Int(stations[s].firstInstance)
            let n = Int(stations[s].instanceCount)
            // The pool's pods per zone (on a node, starting or running), for spreading.
            var zonePods = Array(repeating: Int32(0), count: spec.zones.count)
            if cluster.spread {
                for j in 0..<n where clusterState.node[first + j] >= 0 {
                    let z = cluster.zone(ofNode: Int(clusterState.node[first + j]))
                    if z >= 0 { zonePods[z] += 1 }
                }
                for p in clusterState.extraPods where p.station == s && p.placed {
                    let z = cluster.zone(ofNode: Int(p.node))
                    if z >= 0 { zonePods[z] += 1 }
                }
            }
            for j in 0..<n where clusterState.phase[first + j] == .pending {
                let i = first + j
                guard let k = claimNode(c, for: pod, zonePods: &zonePods) else { continue }
                clusterState.node[i] = Int32(k)
                podsChanged(c, node: k, leaving: nil)
                guard startup else {
                    clusterState.phase[i] = .running
                    continue
                }
                clusterState.phase[i] = .starting
                let delay = startupTime(c, entity: i, placement: clusterState.placements[i])
                clusterState.placements[i] &+= 1
                kernel.schedule(
                    .cluster(.podReady(instance: Int32(i), stamp: clusterState.stamp[i])), after: delay)
            }
            placeExtraPods(c, station: s, zonePods: &zonePods)
        }
    }

    /// The node the scheduler gives a pending pod of cluster c requesting `pod` (nil: none has
    /// room), its requests reserved there and counted in the pool's pods per zone; the pod is no
    /// longer pending.
    mutating func claimNode(_ c: Int, for pod: PodSpec, zonePods: inout [Int32]) -> Int? {
        let cluster = spec.clusters[c]
        guard
            let k = clusterState.clusters[c].nodes.choose(
                cpu: pod.cpu, memory: pod.memory, score: cluster.score, spread: cluster.spread, zonePods: zonePods)
        else { return nil }
        clusterState.clusters[c].nodes.place(on: k, cpu: pod.cpu, memory: pod.memory)
        clusterState.clusters[c].pending -= 1
        let z = cluster.zone(ofNode: k)
        if z >= 0 { zonePods[z] += 1 }
        return k
    }

    /// A placed pod's start-up time on cluster c, drawn at its own seat (`entity`: an instance,
    /// or an extra pod numbered past every instance; `placement`: its placements so far).
    mutating func startupTime(_ c: Int, entity: Int, placement: UInt32) -> SimDuration {
        let stream = clusterState.clusters[c].startupStream
        stream.seat(replication: replication, entity: UInt64(entity), block: UInt64(placement))
        return SimDuration(seconds: max(0, spec.clusters[c].podStartup.sample(stream)))
    }

    /// Pod i's start-up is over: it serves and joins the rotation (as a provisioned instance
    /// does), unless it was killed meanwhile.
    private mutating func podReady<Sink: RecordSink & ~Copyable>(_ i: Int, stamp: UInt32, into sink: inout Sink) {
        guard clusterState.stamp[i] == stamp, clusterState.phase[i] == .starting else { return }
        clusterState.phase[i] = .running
        setUp(Int32(i), DownReason.pending | DownReason.evicted, into: &sink)
        let s = Int(instances[i].station)
        if stations[s].healthCheck == nil || instances[i].up { markHealthy(i, true) }
        // A pod its autoscaler is draining stays out of the rotation (`OutReason.autoscaler`);
        // one it created serves now.
        instances[i].outReasons &= ~OutReason.pod
        refreshEligibility(i)
        if isScaledIn(i) { return }
        if !autoscaling.phase.isEmpty && autoscaling.phase[i] == AutoscalePhase.provisioning {
            podProvisioned(i)
        }
    }

    /// Every running pod a node's going down killed, in time order (trajectory tests).
    public var podKills: [PodKill] { clusterState.kills }

    /// The node a pod runs on or starts on (nil: pending, or not a pod), for tests and traces.
    public func podNode(station s: Int, pod j: Int) -> Int? {
        precondition(s >= 0 && s < stationCount, "station \(s) of \(stationCount)")
        let i = Int(stations[s].firstInstance) + j
        guard i < clusterState.node.count, clusterState.node[i] >= 0 else { return nil }
        return Int(clusterState.node[i])
    }

    /// Fills the cluster counters of a snapshot (from `snapshot()`): per cluster the level times
    /// of nodes held, nodes used and pods pending, ∫ nodes held dt, ∫ pods pending dt, pending
    /// episodes begun so far, pods pending now, and nodes added and removed so far.
    mutating func clusterSnapshot(_ now: SimTime) {
        counters.clusterLevels.removeAll(keepingCapacity: true)
        counters.nodeHeldIntegral.removeAll(keepingCapacity: true)
        counters.podPendingIntegral.removeAll(keepingCapacity: true)
        counters.podPendingEpisodes.removeAll(keepingCapacity: true)
        counters.podsPending.removeAll(keepingCapacity: true)
        counters.nodesAdded.removeAll(keepingCapacity: true)
        counters.nodesRemoved.removeAll(keepingCapacity: true)
        for c in clusterState.clusters.indices {
            clusterState.clusters[c].accumulate(to: now)
            let r = clusterState.clusters[c]
            counters.clusterLevels.append(LevelTimes(nanoseconds: r.heldTimes))
            counters.clusterLevels.append(LevelTimes(nanoseconds: r.usedTimes))
            counters.clusterLevels.append(LevelTimes(nanoseconds: r.pendingTimes))
            counters.nodeHeldIntegral.append(r.heldIntegral)
            counters.podPendingIntegral.append(r.pendingIntegral)
            counters.podPendingEpisodes.append(r.pendingEpisodes)
            counters.podsPending.append(r.pending)
            counters.nodesAdded.append(r.added)
            counters.nodesRemoved.append(r.removed)
        }
    }
}
