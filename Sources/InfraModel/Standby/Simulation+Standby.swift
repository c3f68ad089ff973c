import SimKernel

/// Standby pools of an active/passive region pair (see `StandbySpec`): DNS's detection of the
/// primary region's outage fails each one over (its autoscaler's minimum raised to `scaleTo`),
/// and once DNS knows the primary back and the clients' answers naming the standby have expired
/// it stands down to its idle fleet. Nothing here runs per request.
extension Simulation {
    /// Builds the standby pools (from `init`, after `setUpAutoscale`).
    mutating func setUpStandby() {
        guard let dnsSpec = spec.dns, let primary = dnsSpec.primary else { return }
        for (s, st) in spec.stations.enumerated() {
            guard let standby = st.standby else { continue }
            guard let p = autoscaling.scalers.firstIndex(where: { $0.station == Int32(s) }) else {
                preconditionFailure("a standby pool is autoscaled (the decoder requires autoscale:)")
            }
            autoscaling.scalers[p].hold = .idle
            standbys.pools.append(StandbyPool(station: Int32(s), scaler: Int32(p), scaleTo: standby.scaleTo))
        }
        standbys.primary = primary
        standbys.detect = dnsSpec.detect.nanoseconds
        standbys.ttl = dnsSpec.ttl.nanoseconds
    }

    /// Region g's outage begins (`down`) or ends now (`longAgo`: it was down at time 0): when g is
    /// the primary, every standby pool fails over `detect` later (at once for an outage in
    /// progress at time 0), and stands down `detect + ttl` after the end.
    mutating func standbyNotes(region g: Int, down: Bool, longAgo: Bool = false) {
        guard g == standbys.primary, !standbys.pools.isEmpty else { return }
        let delay = SimDuration(
            nanoseconds: longAgo ? 0 : down ? standbys.detect : standbys.detect.saturatingAdd(standbys.ttl))
        for k in standbys.pools.indices {
            if down {
                standbys.pools[k].noticed.append(longAgo ? nil : kernel.now)
                kernel.schedule(.standby(.activate(standby: Int32(k))), after: delay)
            } else {
                kernel.schedule(.standby(.release(standby: Int32(k))), after: delay)
            }
        }
    }

    mutating func handle(_ event: StandbyEvent) {
        switch event {
        case .activate(let k): activateStandby(Int(k))
        case .release(let k): releaseStandby(Int(k))
        }
    }

    /// DNS knows the primary down: on the first outage of a failover, the pool's minimum becomes
    /// `scaleTo` and what is missing is provisioned now (no cooldown, no step limit).
    mutating func activateStandby(_ k: Int) {
        standbys.pools[k].known += 1
        // Activations come in the order of the outages' starts (each `detect` later).
        let began = standbys.pools[k].noticed.removeFirst()
        guard standbys.pools[k].known == 1 else { return }
        standbys.pools[k].outageBegan = began
        let pool = standbys.pools[k]
        let p = Int(pool.scaler)
        standbys.pools[k].failovers &+= 1
        autoscaling.scalers[p].hold = .failedOver(scaleTo: pool.scaleTo)
        enforceMinimum(p)
        let next: StandbyPhase = autoscaling.scalers[p].serving >= pool.scaleTo ? .recovered : .recovering
        pool.phase.assertTransition(to: next)
        standbys.pools[k].phase = next
        if next == .recovered { noteStandbyRecovered(k) }
    }

    /// The failover's last outage is over for DNS and the clients: the pool stands down to its
    /// idle fleet (the autoscaler's `min`), its other instances draining now.
    mutating func releaseStandby(_ k: Int) {
        assert(standbys.pools[k].known > 0, "a standby is released only after it was activated")
        standbys.pools[k].known -= 1
        guard standbys.pools[k].known == 0 else { return }
        standbys.pools[k].phase.assertTransition(to: .idle)
        standbys.pools[k].phase = .idle
        standbys.pools[k].outageBegan = nil
        let p = Int(standbys.pools[k].scaler)
        autoscaling.scalers[p].hold = .idle
        standDown(p)
    }

    /// An idle standby's autoscaler p drains its serving instances above its minimum. VMs still
    /// provisioning are drained as they come up (`standbyInstanceServes`); pods not serving yet
    /// are deleted first, as a ReplicaSet scaled down deletes its unready pods first, so none
    /// waits on for a node the cluster autoscaler would add for nothing.
    private mutating func standDown(_ p: Int) {
        autoscaling.scalers[p].accumulate(to: kernel.now, warmup: spec.window.warmup)
        let minimum = autoscaling.scalers[p].minimum(at: kernel.now)
        autoscaling.scalers[p].desired = minimum
        let surplus = autoscaling.scalers[p].current - minimum
        if surplus > 0, spec.stations[Int(autoscaling.scalers[p].station)].pod != nil {
            deleteUnreadyPods(p, surplus, desired: minimum)
        }
        let extra = autoscaling.scalers[p].serving - minimum
        if extra > 0 { scaleIn(p, extra, desired: minimum) }
    }

    /// An instance of autoscaler p's pool began serving (a VM provisioned, or a pod its
    /// autoscaler created placed and started: `podProvisioned`): a recovering standby pool with
    /// `scaleTo` serving has recovered; an idle one drains it again.
    mutating func standbyInstanceServes(scaler p: Int) {
        for k in standbys.pools.indices where standbys.pools[k].scaler == Int32(p) {
            switch standbys.pools[k].phase {
            case .idle: standDown(p)
            case .recovering where autoscaling.scalers[p].serving >= standbys.pools[k].scaleTo:
                standbys.pools[k].phase.assertTransition(to: .recovered)
                standbys.pools[k].phase = .recovered
                noteStandbyRecovered(k)
            case .recovering, .recovered: break
            }
        }
    }

    /// Counts pool k's recovery: outage start → `scaleTo` serving (not measured for an outage
    /// that began before time 0).
    private mutating func noteStandbyRecovered(_ k: Int) {
        guard let began = standbys.pools[k].outageBegan else { return }
        standbys.pools[k].recoveries &+= 1
        standbys.pools[k].recoveryNanoseconds += Double(kernel.now.nanoseconds - began.nanoseconds)
    }

    /// Fills the standby counters of a snapshot (from `snapshot()`), per station.
    mutating func standbySnapshot() {
        guard !standbys.pools.isEmpty else { return }
        if counters.standbyFailovers.isEmpty {
            counters.standbyFailovers = Array(repeating: 0, count: stationCount)
            counters.standbyRecoveries = Array(repeating: 0, count: stationCount)
            counters.standbyRecoveryNanoseconds = Array(repeating: 0, count: stationCount)
        }
        for pool in standbys.pools {
            let s = Int(pool.station)
            counters.standbyFailovers[s] = pool.failovers
            counters.standbyRecoveries[s] = pool.recoveries
            counters.standbyRecoveryNanoseconds[s] = pool.recoveryNanoseconds
        }
    }
}
