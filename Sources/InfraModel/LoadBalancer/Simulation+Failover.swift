import SimKernel
import SimRandom

/// Active/passive pairs (`failover:` on a load balancer): each instance is two units, each
/// failing by the station's `failures` and repaired by its own crew, or by one crew the pair
/// shares (`FailoverSpec.sharedRepairCrew`: one unit at a time, in failure order). A hot
/// passive unit fails while it waits; a cold one (`standby: cold`) only once it is active. The
/// instance serves on its active unit. When the active unit fails:
/// - with a detection delay, the instance is down (`instance_failed`) until the failure is
///   noticed; if the unit is repaired first, it serves again at once. Once noticed, as below;
/// - the passive is up: the instance is down (`failover`: requests refused with that cause, those
///   in flight lost) for the switch time, then serves on the passive, which becomes active;
///   if that one too has failed by then, it switches back to the other if repaired, or is down;
/// - the passive is down as well: the instance is down (`instance_failed`) until a unit is
///   repaired, which takes over at once.
/// A hot passive unit's failure is invisible until it matters.
extension Simulation {
    /// The pair options of instance i's station.
    func pairSpec(_ i: Int) -> FailoverSpec {
        guard let failover = spec.stations[Int(instances[i].station)].failover else {
            preconditionFailure("pairs run only at a station with failover")
        }
        return failover
    }

    /// Units in their stationary state at time 0 (each up with probability MTBF/(MTBF + MTTR),
    /// residual lives); the first unit up is active. (A switch in progress at 0 is not
    /// simulated: a start-up approximation the warm-up absorbs.) A cold standby or a shared crew
    /// makes the units dependent: those start from the pair's chain (`startPairChain`).
    mutating func startPairs(_ s: Int, _ f: FailureSpec) {
        if let failover = spec.stations[s].failover, failover.standby == .cold || failover.sharedRepairCrew {
            startPairChain(s, f, failover)
            return
        }
        let first = Int(stations[s].firstInstance)
        let stream = stations[s].failureStream
        let pDown = f.timeToRepair.mean / (f.timeToFailure.mean + f.timeToRepair.mean)
        for j in 0..<Int(stations[s].instanceCount) {
            let i = first + j
            for u in 0..<2 {
                let unit = 2 * i + u
                stream.seat(replication: replication, entity: 1 << 40 | UInt64(2 * j + u), block: 0)
                let down = stream.uniform() < pDown
                let residual = (down ? f.timeToRepair : f.timeToFailure).lengthBiasedSample(stream) * stream.uniform()
                outages.pairs.unitUp[unit] = !down
                kernel.schedule(
                    down ? .pair(.unitRepair(unit: Int32(unit))) : .pair(.unitFailure(unit: Int32(unit))),
                    after: SimDuration(seconds: residual))
            }
            if outages.pairs.unitUp[2 * i] {
                outages.pairs.activeUnit[i] = 0
            } else if outages.pairs.unitUp[2 * i + 1] {
                outages.pairs.activeUnit[i] = 1
            } else {
                outages.pairs.activeUnit[i] = -1
                startDown(Int32(i), DownReason.failure, hang: false)
            }
        }
    }

    /// A pair with a cold standby or a shared crew at time 0: exponential times (the decoder
    /// requires them), so the number of units down k is the stationary law of the birth–death
    /// chain — failures λ from the active unit only (cold) or (2 − k)λ (hot), repairs
    /// min(k, crews)μ — and every residual time is a fresh exponential draw. Which unit is down
    /// (k = 1), or in repair while the other waits (k = 2, one crew), is uniform. A detection or
    /// switch in progress at 0 is not simulated (a start-up approximation the warm-up absorbs).
    mutating func startPairChain(_ s: Int, _ f: FailureSpec, _ failover: FailoverSpec) {
        let first = Int(stations[s].firstInstance)
        let stream = stations[s].failureStream
        let lambda = 1 / f.timeToFailure.mean
        let mu = 1 / f.timeToRepair.mean
        let cold = failover.standby == .cold
        let shared = failover.sharedRepairCrew
        let p1 = (cold ? lambda : 2 * lambda) / mu
        let p2 = p1 * lambda / ((shared ? 1 : 2) * mu)
        for j in 0..<Int(stations[s].instanceCount) {
            let i = first + j
            stream.seat(replication: replication, entity: 1 << 41 | UInt64(j), block: 0)
            let x = stream.uniform() * (1 + p1 + p2)
            let down = x < 1 ? 0 : x < 1 + p1 ? 1 : 2
            let pick = stream.index(below: 2)
            var inRepair = [false, false]
            switch down {
            case 0:
                outages.pairs.activeUnit[i] = 0
            case 1:
                outages.pairs.unitUp[2 * i + pick] = false
                outages.pairs.activeUnit[i] = Int8(pick ^ 1)
                inRepair[pick] = true
            default:
                outages.pairs.unitUp[2 * i] = false
                outages.pairs.unitUp[2 * i + 1] = false
                outages.pairs.activeUnit[i] = -1
                inRepair = [true, true]
                if shared {
                    inRepair[pick ^ 1] = false
                    outages.pairs.waitingUnit[i] = Int8(pick ^ 1)
                }
                startDown(Int32(i), DownReason.failure, hang: false)
            }
            outages.pairs.crewBusy[i] = shared && down > 0
            for u in 0..<2 {
                let unit = 2 * i + u
                stream.seat(replication: replication, entity: 1 << 40 | UInt64(2 * j + u), block: 0)
                if inRepair[u] {
                    kernel.schedule(
                        .pair(.unitRepair(unit: Int32(unit))),
                        after: SimDuration(seconds: f.timeToRepair.sample(stream)))
                } else if outages.pairs.unitUp[unit] && (!cold || Int(outages.pairs.activeUnit[i]) == u) {
                    kernel.schedule(
                        .pair(.unitFailure(unit: Int32(unit))),
                        after: SimDuration(seconds: f.timeToFailure.sample(stream)))
                }
            }
        }
    }

    /// The length of unit `unit`'s next up (`failure`) or down period.
    mutating func nextUnitPeriod(_ unit: Int, failure: Bool) -> SimDuration {
        let i = unit / 2
        let s = Int(instances[i].station)
        guard let f = stations[s].failures else {
            preconditionFailure("only a unit of a pair whose station has failures draws failure periods")
        }
        let j = unit - 2 * Int(stations[s].firstInstance)
        let stream = stations[s].failureStream
        stream.seat(
            replication: replication, entity: 1 << 40 | UInt64(j),
            block: outages.pairs.unitCycle[unit] << 8 | (failure ? 0 : 0x80))
        if !failure { outages.pairs.unitCycle[unit] += 1 }
        return SimDuration(seconds: (failure ? f.timeToFailure : f.timeToRepair).sample(stream))
    }

    /// The time from the active unit `unit`'s failure to its detection: a draw seated at the
    /// unit and its current up period (before its repair's draw moves the period on).
    mutating func detectionDelay(_ unit: Int, _ detection: Distribution) -> SimDuration {
        let s = Int(instances[unit / 2].station)
        let j = unit - 2 * Int(stations[s].firstInstance)
        let stream = stations[s].failureStream
        stream.seat(
            replication: replication, entity: 1 << 40 | UInt64(j), block: outages.pairs.unitCycle[unit] << 8 | 0x40)
        return SimDuration(seconds: detection.sample(stream))
    }

    /// Unit `unit` starts running: its time to failure is drawn and its failure scheduled.
    mutating func scheduleUnitFailure(_ unit: Int) {
        kernel.schedule(.pair(.unitFailure(unit: Int32(unit))), after: nextUnitPeriod(unit, failure: true))
    }

    /// Unit `unit` has failed: its repair starts, or with the pair's one crew busy it waits.
    mutating func startUnitRepair(_ unit: Int, shared: Bool) {
        let i = unit / 2
        if shared {
            guard !outages.pairs.crewBusy[i] else {
                outages.pairs.waitingUnit[i] = Int8(unit & 1)
                return
            }
            outages.pairs.crewBusy[i] = true
        }
        kernel.schedule(.pair(.unitRepair(unit: Int32(unit))), after: nextUnitPeriod(unit, failure: false))
    }

    mutating func unitFails<Sink: RecordSink & ~Copyable>(_ unit: Int32, into sink: inout Sink) {
        let u = Int(unit)
        let i = u / 2
        let failover = pairSpec(i)
        outages.pairs.unitUp[u] = false
        let active = Int(outages.pairs.activeUnit[i]) == u & 1
        let delay = active ? failover.detection.map { detectionDelay(u, $0) } : nil
        startUnitRepair(u, shared: failover.sharedRepairCrew)
        guard active else { return }
        if let delay {
            // Down until the failure is noticed; a switch in progress is abandoned.
            outages.pairs.detecting[i] = true
            outages.pairs.switchStamp[i] &+= 1
            setDown(Int32(i), DownReason.failure, mode: .crash, into: &sink)
            setUp(Int32(i), DownReason.failover, into: &sink)
            kernel.schedule(
                .pair(.failureDetected(instance: Int32(i), stamp: outages.pairs.switchStamp[i])), after: delay)
            return
        }
        let other = u ^ 1
        if outages.pairs.unitUp[other] {
            setDown(Int32(i), DownReason.failover, mode: .crash, into: &sink)
            beginSwitch(i, to: other & 1)
        } else {
            outages.pairs.activeUnit[i] = -1
            setDown(Int32(i), DownReason.failure, mode: .crash, into: &sink)
        }
    }

    /// Instance i's pair notices that its active unit has failed: it switches to the other unit
    /// if that one is up, else stays down until a unit is repaired.
    mutating func failureDetected<Sink: RecordSink & ~Copyable>(_ i: Int32, stamp: UInt32, into sink: inout Sink) {
        let i = Int(i)
        guard outages.pairs.switchStamp[i] == stamp, outages.pairs.detecting[i] else { return }
        outages.pairs.detecting[i] = false
        let other = 2 * i + Int(outages.pairs.activeUnit[i] ^ 1)
        if outages.pairs.unitUp[other] {
            setDown(Int32(i), DownReason.failover, mode: .crash, into: &sink)
            setUp(Int32(i), DownReason.failure, into: &sink)
            beginSwitch(i, to: other & 1)
        } else {
            outages.pairs.activeUnit[i] = -1
        }
    }

    /// Instance i's pair switches to its unit `unit` (0 or 1): the switch completes after the
    /// station's switch time, unless another switch supersedes it (a new stamp). A cold unit
    /// starts running now.
    mutating func beginSwitch(_ i: Int, to unit: Int) {
        outages.pairs.activeUnit[i] = Int8(unit)
        outages.pairs.switchStamp[i] &+= 1
        let failover = pairSpec(i)
        if failover.standby == .cold { scheduleUnitFailure(2 * i + unit) }
        kernel.schedule(
            .pair(.failoverDone(instance: Int32(i), stamp: outages.pairs.switchStamp[i])), after: failover.switchTime)
    }

    mutating func failoverDone<Sink: RecordSink & ~Copyable>(_ i: Int32, stamp: UInt32, into sink: inout Sink) {
        let i = Int(i)
        guard outages.pairs.switchStamp[i] == stamp else { return }
        // Both units failed during the switch: the pair is down for that (until a repair),
        // no longer for the switch.
        guard outages.pairs.activeUnit[i] >= 0 else {
            setUp(Int32(i), DownReason.failover, into: &sink)
            return
        }
        let a = 2 * i + Int(outages.pairs.activeUnit[i])
        if outages.pairs.unitUp[a] {
            setUp(Int32(i), DownReason.failover, into: &sink)
        } else if outages.pairs.unitUp[a ^ 1] {
            // The unit taking over failed meanwhile; the other is back: switch to it.
            beginSwitch(i, to: (a ^ 1) & 1)
        } else {
            outages.pairs.activeUnit[i] = -1
            setDown(Int32(i), DownReason.failure, mode: .crash, into: &sink)
            setUp(Int32(i), DownReason.failover, into: &sink)
        }
    }

    mutating func unitRepaired<Sink: RecordSink & ~Copyable>(_ unit: Int32, into sink: inout Sink) {
        let u = Int(unit)
        let i = u / 2
        let failover = pairSpec(i)
        let cold = failover.standby == .cold
        outages.pairs.unitUp[u] = true
        // A hot unit runs from its repair on; a cold one only once it is active.
        if !cold { scheduleUnitFailure(u) }
        if failover.sharedRepairCrew {
            let waiting = Int(outages.pairs.waitingUnit[i])
            if waiting >= 0 {
                outages.pairs.waitingUnit[i] = -1
                kernel.schedule(
                    .pair(.unitRepair(unit: Int32(2 * i + waiting))),
                    after: nextUnitPeriod(2 * i + waiting, failure: false))
            } else {
                outages.pairs.crewBusy[i] = false
            }
        }
        if outages.pairs.activeUnit[i] < 0 {
            // The pair was down: the repaired unit takes over at once.
            outages.pairs.activeUnit[i] = Int8(u & 1)
            if cold { scheduleUnitFailure(u) }
            setUp(Int32(i), DownReason.failure, into: &sink)
        } else if outages.pairs.detecting[i] && Int(outages.pairs.activeUnit[i]) == u & 1 {
            // Repaired before its failure was noticed: it serves again at once.
            outages.pairs.detecting[i] = false
            outages.pairs.switchStamp[i] &+= 1
            if cold { scheduleUnitFailure(u) }
            setUp(Int32(i), DownReason.failure, into: &sink)
        }
    }
}
