import SimKernel
import SimRandom

/// An autoscaled instance's phase (`Autoscaling.phase`).
enum AutoscalePhase {
    /// Not held: down for `DownReason.unprovisioned`, out of the rotation, not billed.
    static let unprovisioned: UInt8 = 0
    /// Held (billed), not serving yet.
    static let provisioning: UInt8 = 1
    /// Held and in the rotation (it may still be down for a failure, a zone or an event).
    static let serving: UInt8 = 2
    /// Held, out of the rotation, finishing its work before it is released.
    static let draining: UInt8 = 3
}

/// The run-time state of one autoscaled pool.
struct AutoscaleState {
    let station: Int32
    let policy: AutoscalePolicy
    /// Provisioning delays, seated per scale-out decision (entity) and instance of it (block).
    let stream: RandomStream
    /// Held (provisioning + serving + draining) and serving instances, and those draining.
    var held: Int
    var serving: Int
    var draining = 0
    /// The latest desired count (after stabilisation and bounds).
    var desired: Int
    /// What a standby failover asks of this autoscaler (`Standby/`).
    var hold = StandbyHold.none
    /// ∫ held dt, ∫ serving dt, ∫ [serving < desired] dt (ns), brought up to `since`.
    var heldIntegral = 0.0
    var servingIntegral = 0.0
    var underIntegral = 0.0
    var since = SimTime.zero
    /// The most instances held since the warm-up (tracked once the warm-up has passed).
    var peak = 0
    var peakStarted = false
    /// Scaling actions so far, scale-out decisions so far (the seat of provisioning draws), and
    /// when the last scale-out and the last action of either kind happened.
    var actions: UInt64 = 0
    var scaleOuts: UInt64 = 0
    var lastScaleOut: SimTime?
    var lastAction: SimTime?
    /// The station's integrals and arrivals at the previous evaluation.
    var lastBusy = 0.0
    var lastQueue = 0.0
    var lastServing = 0.0
    var lastEntered: UInt64 = 0
    var lastTime = SimTime.zero
    /// Samples not yet too old to act on (time, value, mean serving instances); NaN: no value.
    var samples: ContiguousArray<(time: SimTime, value: Double, basis: Double)> = []
    /// Recommendations within the longer stabilisation window.
    var recommendations: ContiguousArray<(time: SimTime, desired: Int)> = []

    /// The minimum in force at `now`: the policy's (scheduled) minimum, raised to a failed-over
    /// standby's `scaleTo`.
    func minimum(at now: SimTime) -> Int {
        if case .failedOver(let scaleTo) = hold { return max(policy.minimum(at: now), scaleTo) }
        return policy.minimum(at: now)
    }

    /// Instances serving or provisioning: the count the rule scales from.
    var current: Int { held - draining }

    /// Brings the integrals up to `now`; call before any count changes.
    mutating func accumulate(to now: SimTime, warmup: SimTime) {
        let dt = Double(now.nanoseconds &- since.nanoseconds)
        heldIntegral += Double(held) * dt
        servingIntegral += Double(serving) * dt
        if serving < desired { underIntegral += dt }
        since = now
        if !peakStarted && now >= warmup {
            peakStarted = true
            peak = held
        }
    }

    mutating func notePeak() { if peakStarted { peak = max(peak, held) } }
}

/// The autoscaled pools: their state, per instance its phase (`AutoscalePhase`; empty without
/// autoscaling), and the log of scaling changes.
struct Autoscaling {
    var scalers: ContiguousArray<AutoscaleState> = []
    var phase: [UInt8] = []
    var log: [ScalingLogEntry] = []
}

/// Target-tracking autoscaling (see `AutoscalePolicy` for the rule). An autoscaled pool has
/// `max` instances allocated; those not held are down for `DownReason.unprovisioned` and out of
/// the rotation (not believed healthy, and taken out on purpose), so balancing, failures, zones
/// and scheduled events treat them as dead instances nobody sends work to. Nothing here runs
/// per request: evaluations, provisioning and draining are kernel events of their own.
extension Simulation {
    /// Builds the autoscaling.scalers (from `init`).
    mutating func setUpAutoscale() {
        guard spec.stations.contains(where: { $0.autoscale != nil }) else { return }
        autoscaling.phase = Array(repeating: AutoscalePhase.serving, count: instanceCount)
        for (s, st) in spec.stations.enumerated() {
            guard let p = st.autoscale else { continue }
            let first = Int(stations[s].firstInstance)
            for j in p.initial..<st.instances { autoscaling.phase[first + j] = AutoscalePhase.unprovisioned }
            autoscaling.scalers.append(
                AutoscaleState(
                    station: Int32(s), policy: p,
                    stream: streams.stream(path: "components." + st.name + ".autoscale", purpose: .failures),
                    held: p.initial, serving: p.initial, desired: p.initial))
        }
    }

    /// At time 0, after failures and events have set up: the instances not held go down and out
    /// of the rotation; the first evaluations and the scheduled minimums are scheduled.
    mutating func startAutoscale() {
        let horizon = spec.window.horizon
        for (p, a) in autoscaling.scalers.enumerated() {
            let s = Int(a.station)
            let first = Int(stations[s].firstInstance)
            for j in 0..<Int(stations[s].instanceCount)
            where autoscaling.phase[first + j] == AutoscalePhase.unprovisioned {
                let i = first + j
                if instances[i].up {
                    instances[i].up = false
                    instances[i].epoch &+= 1
                    stations[s].upLevel -= 1
                }
                instances[i].downReasons |= DownReason.unprovisioned
                instances[i].outReasons |= OutReason.autoscaler
                markHealthy(i, false)
            }
            if SimTime.zero + a.policy.interval < horizon {
                kernel.schedule(.autoscale(.evaluate(pool: Int32(p))), at: SimTime.zero + a.policy.interval)
            }
            for e in a.policy.schedule where e.at < horizon {
                kernel.schedule(.autoscale(.enforceMinimum(pool: Int32(p))), at: e.at)
            }
        }
    }

    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: AutoscaleEvent, into sink: inout Sink) {
        switch event {
        case .evaluate(let p): evaluate(Int(p))
        case .provisioned(let i): instanceProvisioned(Int(i), into: &sink)
        case .drained(let i): instanceDrained(Int(i), into: &sink)
        case .enforceMinimum(let p): enforceMinimum(Int(p))
        }
    }

    /// The autoscaler of the pool instance i belongs to.
    func autoscaler(of i: Int) -> Int {
        let s = instances[i].station
        return autoscaling.scalers.firstIndex { $0.station == s }!
    }

    /// One evaluation: sample the interval just ended, then act on the sample `metric_lag` old.
    mutating func evaluate(_ p: Int) {
        let now = kernel.now
        let s = Int(autoscaling.scalers[p].station)
        stations[s].accumulate(to: now)
        autoscaling.scalers[p].accumulate(to: now, warmup: spec.window.warmup)
        let a = autoscaling.scalers[p]
        let busy = stations[s].busyIntegral - a.lastBusy
        let queue = stations[s].queueIntegral - a.lastQueue
        let serving = a.servingIntegral - a.lastServing
        let entered = stations[s].entered &- a.lastEntered
        let dt = Double(now.nanoseconds &- a.lastTime.nanoseconds)
        var value = Double.nan
        if serving > 0 && dt > 0 {
            switch a.policy.metric {
            case .utilization: value = busy / (serving * Double(stations[s].workers))
            case .inFlight: value = (busy + queue) / serving
            case .requestRate: value = Double(entered) / (serving * 1e-9)
            }
        }
        autoscaling.scalers[p].samples.append((time: now, value: value, basis: dt > 0 ? serving / dt : 0))
        autoscaling.scalers[p].lastBusy = stations[s].busyIntegral
        autoscaling.scalers[p].lastQueue = stations[s].queueIntegral
        autoscaling.scalers[p].lastServing = a.servingIntegral
        autoscaling.scalers[p].lastEntered = stations[s].entered
        autoscaling.scalers[p].lastTime = now
        let next = now + a.policy.interval
        if next < spec.window.horizon { kernel.schedule(.autoscale(.evaluate(pool: Int32(p))), at: next) }
        // The newest sample at least `metric_lag` old; older ones are never needed again.
        let cutoff = now.nanoseconds - a.policy.metricLag.nanoseconds
        guard let k = autoscaling.scalers[p].samples.lastIndex(where: { $0.time.nanoseconds <= cutoff }) else { return }
        let sample = autoscaling.scalers[p].samples[k]
        autoscaling.scalers[p].samples.removeFirst(k)
        guard sample.value.isFinite else { return }
        decide(p, metric: sample.value, basis: sample.basis)
    }

    /// Applies the rule, the stabilisation windows, the bounds, the cooldowns and the step limit.
    mutating func decide(_ p: Int, metric: Double, basis: Double) {
        // An idle standby serves nobody: it holds its min, whatever the metric says.
        if autoscaling.scalers[p].hold == .idle { return }
        let now = kernel.now
        let policy = autoscaling.scalers[p].policy
        let current = autoscaling.scalers[p].current
        let raw = policy.desired(metric: metric, basis: basis, current: current)
        let longest = max(policy.scaleOutWindow, policy.scaleInWindow).nanoseconds
        autoscaling.scalers[p].recommendations.append((time: now, desired: raw))
        while let r = autoscaling.scalers[p].recommendations.first, r.time.nanoseconds <= now.nanoseconds - longest,
            autoscaling.scalers[p].recommendations.count > 1
        {
            autoscaling.scalers[p].recommendations.removeFirst()
        }
        var up = Int.max
        var down = Int.min
        for r in autoscaling.scalers[p].recommendations {
            let age = now.nanoseconds - r.time.nanoseconds
            if age == 0 || age < policy.scaleOutWindow.nanoseconds { up = min(up, r.desired) }
            if age == 0 || age < policy.scaleInWindow.nanoseconds { down = max(down, r.desired) }
        }
        let minimum = autoscaling.scalers[p].minimum(at: now)
        var target = current
        if up > current { target = up } else if down < current { target = down }
        target = min(max(target, minimum), policy.max)
        autoscaling.scalers[p].desired = target
        if target > current {
            let forced = current < minimum
            if !forced, let last = autoscaling.scalers[p].lastScaleOut, now - last < policy.scaleOutCooldown { return }
            var k = target - current
            if let step = policy.maxStep { k = max(min(k, step), forced ? minimum - current : 0) }
            scaleOut(p, k, desired: target)
        } else if target < current {
            if let last = autoscaling.scalers[p].lastAction, now - last < policy.scaleInCooldown { return }
            var k = min(current - target, autoscaling.scalers[p].serving - 1)
            if let step = policy.maxStep { k = min(k, step) }
            if k > 0 { scaleIn(p, k, desired: target) }
        }
    }

    /// A scheduled minimum takes effect: scale out to it at once (no cooldown, no step limit).
    mutating func enforceMinimum(_ p: Int) {
        let now = kernel.now
        autoscaling.scalers[p].accumulate(to: now, warmup: spec.window.warmup)
        let minimum = autoscaling.scalers[p].minimum(at: now)
        autoscaling.scalers[p].desired = max(autoscaling.scalers[p].desired, minimum)
        let current = autoscaling.scalers[p].current
        if current < minimum { scaleOut(p, minimum - current, desired: minimum) }
    }

    /// Provisions up to k instances not held (lowest index first); each serves after its delay.
    mutating func scaleOut(_ p: Int, _ k: Int, desired: Int) {
        let now = kernel.now
        let s = Int(autoscaling.scalers[p].station)
        let first = Int(stations[s].firstInstance)
        let stream = autoscaling.scalers[p].stream
        let cluster = spec.stations[s].pod?.cluster
        var added = 0
        for j in 0..<Int(stations[s].instanceCount)
        where added < k && autoscaling.phase[first + j] == AutoscalePhase.unprovisioned {
            autoscaling.phase[first + j] = AutoscalePhase.provisioning
            if let d = versionForNewInstances(station: s) { startOnVersion(d, instance: first + j) }
            if let cluster {
                // A pod: pending until placed, then the cluster's start-up (`Cluster/`).
                createPod(first + j, cluster: cluster)
                added += 1
                continue
            }
            stream.seat(replication: replication, entity: autoscaling.scalers[p].scaleOuts, block: UInt64(added))
            let delay = SimDuration(seconds: max(0, autoscaling.scalers[p].policy.provisioning.sample(stream)))
            kernel.schedule(.autoscale(.provisioned(instance: Int32(first + j))), after: delay)
            added += 1
        }
        guard added > 0 else { return }
        if let cluster { placePending(cluster, startup: true) }
        autoscaling.scalers[p].held += added
        autoscaling.scalers[p].notePeak()
        autoscaling.scalers[p].scaleOuts += 1
        autoscaling.scalers[p].actions += 1
        autoscaling.scalers[p].lastScaleOut = now
        autoscaling.scalers[p].lastAction = now
        log(p, .scaleOut(count: added), desired: desired)
    }

    /// Takes k serving instances (highest index first) out of the rotation; each is released
    /// after the drain.
    mutating func scaleIn(_ p: Int, _ k: Int, desired: Int) {
        let now = kernel.now
        let s = Int(autoscaling.scalers[p].station)
        let first = Int(stations[s].firstInstance)
        var removed = 0
        for j in stride(from: Int(stations[s].instanceCount) - 1, through: 0, by: -1)
        where removed < k && autoscaling.phase[first + j] == AutoscalePhase.serving {
            let i = first + j
            autoscaling.phase[i] = AutoscalePhase.draining
            instances[i].outReasons |= OutReason.autoscaler
            refreshEligibility(i)
            kernel.schedule(.autoscale(.drained(instance: Int32(i))), after: autoscaling.scalers[p].policy.drain)
            removed += 1
        }
        guard removed > 0 else { return }
        autoscaling.scalers[p].serving -= removed
        autoscaling.scalers[p].draining += removed
        autoscaling.scalers[p].actions += 1
        autoscaling.scalers[p].lastAction = now
        log(p, .scaleIn(count: removed), desired: desired)
    }

    /// Instance i has been provisioned: it joins the rotation at once (as a maintenance comes
    /// back), unless its balancer checks health and it is down for another reason meanwhile.
    mutating func instanceProvisioned<Sink: RecordSink & ~Copyable>(_ i: Int, into sink: inout Sink) {
        let p = autoscaler(of: i)
        autoscaling.scalers[p].accumulate(to: kernel.now, warmup: spec.window.warmup)
        autoscaling.phase[i] = AutoscalePhase.serving
        autoscaling.scalers[p].serving += 1
        setUp(Int32(i), DownReason.unprovisioned, into: &sink)
        let s = Int(instances[i].station)
        if stations[s].healthCheck == nil || instances[i].up { markHealthy(i, true) }
        instances[i].outReasons &= ~OutReason.autoscaler
        refreshEligibility(i)
        log(p, .ready(instance: i - Int(stations[s].firstInstance)), desired: 0)
        if !standbys.pools.isEmpty { standbyInstanceServes(scaler: p) }
    }

    /// Instance i's drain is over: it stops (what it still holds fails with instance_failed)
    /// and is no longer held.
    mutating func instanceDrained<Sink: RecordSink & ~Copyable>(_ i: Int, into sink: inout Sink) {
        let p = autoscaler(of: i)
        autoscaling.scalers[p].accumulate(to: kernel.now, warmup: spec.window.warmup)
        autoscaling.phase[i] = AutoscalePhase.unprovisioned
        autoscaling.scalers[p].draining -= 1
        autoscaling.scalers[p].held -= 1
        if let pod = spec.stations[Int(instances[i].station)].pod { releasePod(i, cluster: pod.cluster) }
        setDown(Int32(i), DownReason.unprovisioned, mode: .crash, into: &sink)
        markHealthy(i, false)
        let s = Int(instances[i].station)
        log(p, .released(instance: i - Int(stations[s].firstInstance)), desired: 0)
    }

    mutating func log(_ p: Int, _ kind: ScalingLogEntry.Kind, desired: Int) {
        let a = autoscaling.scalers[p]
        autoscaling.log.append(
            ScalingLogEntry(
                time: kernel.now, station: Int(a.station), kind: kind,
                held: a.held, serving: a.serving, desired: desired))
    }

    /// Fills the autoscaling counters of a snapshot (from `snapshot()`).
    mutating func autoscaleSnapshot(_ now: SimTime) {
        if counters.servingIntegral.isEmpty {
            counters.servingIntegral = Array(repeating: 0, count: stationCount)
            counters.underTargetIntegral = Array(repeating: 0, count: stationCount)
            counters.heldPeak = Array(repeating: 0, count: stationCount)
            counters.scalingActions = Array(repeating: 0, count: stationCount)
        }
        for p in autoscaling.scalers.indices {
            autoscaling.scalers[p].accumulate(to: now, warmup: spec.window.warmup)
            let a = autoscaling.scalers[p]
            let s = Int(a.station)
            counters.heldIntegral[s] = a.heldIntegral
            counters.servingIntegral[s] = a.servingIntegral
            counters.underTargetIntegral[s] = a.underIntegral
            counters.heldPeak[s] = a.peak
            counters.scalingActions[s] = a.actions
        }
    }

    /// The held and serving integrals up to `now` on a copy of the counters (window ticks).
    func autoscaleCountersNow(_ c: inout ModelCounters, _ now: SimTime) {
        guard !c.heldIntegral.isEmpty else { return }
        for s in 0..<stationCount { c.heldIntegral[s] = Double(stations[s].instanceCount) * Double(now.nanoseconds) }
        for a in autoscaling.scalers where !c.servingIntegral.isEmpty {
            let dt = Double(now.nanoseconds &- a.since.nanoseconds)
            let s = Int(a.station)
            c.heldIntegral[s] = a.heldIntegral + Double(a.held) * dt
            c.servingIntegral[s] = a.servingIntegral + Double(a.serving) * dt
        }
    }
}
