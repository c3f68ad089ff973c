import SimKernel
import SimRandom

/// One step of a scheduled event, at its time, on its instances (global indices).
struct TimedAction {
    enum Kind {
        /// Down for this reason (and mode), or that reason over.
        case down(UInt16, FailureSpec.Mode)
        case up(UInt16)
        /// Service times multiplied by this factor (a degrade begins, or a new version is
        /// deployed), or divided by it (a degrade ends).
        case slow(Double)
        case restore(Double)
        /// Out of the rotation on purpose (drain) or back in.
        case admin(out: Bool)
        /// A cache instance is emptied (`cache_flush`).
        case flush
        /// A database's primary switchover begins (targets: its primary node's instance 0).
        case switchover
        /// A database loses its data (targets: its node 0).
        case dataLoss
        /// A scheduled outage of a region begins or ends (its instances: `RegionState.members`).
        case region(Int32, down: Bool, FailureSpec.Mode)
    }
    var time: SimTime
    var kind: Kind
    var targets: [Int32]
}

/// Zones failing as a whole, and the events of `events:` — expanded at set-up into timed steps,
/// each a kernel event at its time.
extension Simulation {
    /// The steps of every scheduled event, in event order and, within an event, in time order.
    static func timedActions(_ spec: ModelSpec, firstInstance: [Int]) -> [TimedAction] {
        var out: [TimedAction] = []
        func global(_ refs: [InstanceRef]) -> [Int32] { refs.map { Int32(firstInstance[$0.station] + $0.instance) } }
        for e in spec.events {
            switch e.action {
            case .zoneOutage(_, let refs, let d, let mode):
                out.append(TimedAction(time: e.at, kind: .down(DownReason.zoneOutage, mode), targets: global(refs)))
                out.append(TimedAction(time: e.at + d, kind: .up(DownReason.zoneOutage), targets: global(refs)))
            case .regionOutage(let g, _, let d, let mode):
                out.append(TimedAction(time: e.at, kind: .region(Int32(g), down: true, mode), targets: []))
                out.append(TimedAction(time: e.at + d, kind: .region(Int32(g), down: false, mode), targets: []))
            case .outage(let refs, let d, let mode):
                out.append(TimedAction(time: e.at, kind: .down(DownReason.outage, mode), targets: global(refs)))
                out.append(TimedAction(time: e.at + d, kind: .up(DownReason.outage), targets: global(refs)))
            case .degrade(let refs, let factor, let d):
                out.append(TimedAction(time: e.at, kind: .slow(factor), targets: global(refs)))
                out.append(TimedAction(time: e.at + d, kind: .restore(factor), targets: global(refs)))
            case .maintenance(let refs, let d, let drain):
                let t = global(refs)
                out.append(TimedAction(time: e.at, kind: .admin(out: true), targets: t))
                out.append(TimedAction(time: e.at + drain, kind: .down(DownReason.maintenance, .crash), targets: t))
                out.append(TimedAction(time: e.at + drain + d, kind: .up(DownReason.maintenance), targets: t))
                out.append(TimedAction(time: e.at + drain + d, kind: .admin(out: false), targets: t))
            case .rolling(let s, let n, let batch, let each, let drain, let factor):
                var start = e.at
                for first in stride(from: 0, to: n, by: batch) {
                    let t = (first..<min(n, first + batch)).map { Int32(firstInstance[s] + $0) }
                    out.append(TimedAction(time: start, kind: .admin(out: true), targets: t))
                    out.append(
                        TimedAction(time: start + drain, kind: .down(DownReason.maintenance, .crash), targets: t))
                    let back = start + drain + each
                    out.append(TimedAction(time: back, kind: .up(DownReason.maintenance), targets: t))
                    if factor != 1 { out.append(TimedAction(time: back, kind: .slow(factor), targets: t)) }
                    out.append(TimedAction(time: back, kind: .admin(out: false), targets: t))
                    start = back
                }
            case .cacheFlush(let s):
                let t = (0..<spec.stations[s].instances).map { Int32(firstInstance[s] + $0) }
                out.append(TimedAction(time: e.at, kind: .flush, targets: t))
            case .switchover(let s):
                out.append(TimedAction(time: e.at, kind: .switchover, targets: [Int32(firstInstance[s])]))
            case .dataLoss(let s):
                out.append(TimedAction(time: e.at, kind: .dataLoss, targets: [Int32(firstInstance[s])]))
            }
        }
        return out
    }

    /// Schedules every step of the scheduled events and puts the zones in their stationary state.
    mutating func startEvents() {
        for (k, a) in outages.actions.enumerated() where a.time <= spec.window.horizon + spec.window.drain {
            // Down from time 0: down before anything arrives, and its balancer already knows
            // (as for a zone found down at 0) — the state a degraded design settles in.
            if a.time == .zero, case .down(let reason, let mode) = a.kind {
                for i in a.targets { startDown(i, reason, hang: mode == .hang) }
                continue
            }
            kernel.schedule(.failures(.scheduled(action: Int32(k))), at: a.time)
        }
        for (z, zone) in spec.zones.enumerated() {
            guard let f = zone.failures else { continue }
            let stream = outages.zones.streams[z]
            stream.seat(replication: replication, entity: 0, block: 0)
            let pDown = f.timeToRepair.mean / (f.timeToFailure.mean + f.timeToRepair.mean)
            let down = stream.uniform() < pDown
            let residual = (down ? f.timeToRepair : f.timeToFailure).lengthBiasedSample(stream) * stream.uniform()
            outages.zones.cycle[z] = 1
            if down {
                outages.zones.up[z] = false
                for i in outages.zones.members[z] { startDown(i, DownReason.zone, hang: f.mode == .hang) }
                kernel.schedule(.failures(.zoneRepair(zone: Int32(z))), after: SimDuration(seconds: residual))
            } else {
                kernel.schedule(.failures(.zoneFailure(zone: Int32(z))), after: SimDuration(seconds: residual))
            }
        }
    }

    /// An instance down at time 0 (its zone is out): no requests to evict yet; its balancer is
    /// taken to know already (a start-up approximation the warm-up absorbs).
    mutating func startDown(_ i: Int32, _ reason: UInt16, hang: Bool) {
        let s = Int(instances[Int(i)].station)
        if instances[Int(i)].up {
            instances[Int(i)].up = false
            stations[s].upLevel -= 1
            instances[Int(i)].hung = hang
            if stations[s].healthCheck != nil { markHealthy(Int(i), false) }
        }
        instances[Int(i)].downReasons |= reason
    }

    mutating func scheduledAction<Sink: RecordSink & ~Copyable>(_ k: Int32, into sink: inout Sink) {
        let a = outages.actions[Int(k)]
        if case .region(let g, let down, let mode) = a.kind {
            if down { regionGoesDown(Int(g), mode: mode, into: &sink) } else { regionComesBack(Int(g), into: &sink) }
            return
        }
        for i in a.targets {
            switch a.kind {
            case .down(let reason, let mode): setDown(i, reason, mode: mode, into: &sink)
            case .up(let reason):
                setUp(i, reason, into: &sink)
                // A planned restart is back when its orchestrator's readiness check passes: in
                // the rotation at once, not after the balancer's next health checks.
                if reason == DownReason.maintenance && instances[Int(i)].up { markHealthy(Int(i), true) }
            case .slow(let f): instances[Int(i)].slowdown *= f
            case .restore(let f): instances[Int(i)].slowdown /= f
            case .admin(let out):
                if out {
                    instances[Int(i)].outReasons |= OutReason.scheduled
                } else {
                    instances[Int(i)].outReasons &= ~OutReason.scheduled
                }
                refreshEligibility(Int(i))
            case .flush: cacheRestarted(i)
            case .switchover: switchoverBegins(station: Int(instances[Int(i)].station))
            case .dataLoss: dataLost(station: Int(instances[Int(i)].station), into: &sink)
            case .region: preconditionFailure("a region's step has no targets: handled above")
            }
        }
    }

    /// The length of zone z's next up (`failure`) or down period.
    mutating func nextZonePeriod(_ z: Int, failure: Bool) -> SimDuration {
        guard let f = spec.zones[z].failures else {
            preconditionFailure("only a zone with failures draws failure periods")
        }
        let stream = outages.zones.streams[z]
        stream.seat(replication: replication, entity: 0, block: outages.zones.cycle[z] << 8 | (failure ? 0 : 0x80))
        if !failure { outages.zones.cycle[z] += 1 }
        return SimDuration(seconds: (failure ? f.timeToFailure : f.timeToRepair).sample(stream))
    }

    mutating func zoneFails<Sink: RecordSink & ~Copyable>(_ z: Int32, into sink: inout Sink) {
        outages.zones.up[Int(z)] = false
        guard let mode = spec.zones[Int(z)].failures?.mode else {
            preconditionFailure("only a zone with failures fails")
        }
        for i in outages.zones.members[Int(z)] { setDown(i, DownReason.zone, mode: mode, into: &sink) }
        // A cluster's nodes in the zone go down with it.
        if Shape.hasFeatures && clusterState.any { clusterZoneChanged(Int(z), up: false, into: &sink) }
        kernel.schedule(.failures(.zoneRepair(zone: z)), after: nextZonePeriod(Int(z), failure: false))
    }

    mutating func zoneRepaired<Sink: RecordSink & ~Copyable>(_ z: Int32, into sink: inout Sink) {
        outages.zones.up[Int(z)] = true
        for i in outages.zones.members[Int(z)] { setUp(i, DownReason.zone, into: &sink) }
        if Shape.hasFeatures && clusterState.any { clusterZoneChanged(Int(z), up: true, into: &sink) }
        kernel.schedule(.failures(.zoneFailure(zone: z)), after: nextZonePeriod(Int(z), failure: true))
    }
}
