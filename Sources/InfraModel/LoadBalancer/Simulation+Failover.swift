import SimKernel
import SimRandom

/// Active/passive pairs (`failover:` on a load balancer): each instance is two units, each
/// failing and repaired on its own (by the station's `failures`, its own repair crew). The
/// instance serves on its active unit. When the active unit fails:
/// - the passive is up: the instance is down (`failover`: requests refused with that cause, those
///   in flight lost) for the `failover` time, then serves on the passive, which becomes active;
///   if that one too has failed by then, it switches back to the other if repaired, or is down;
/// - the passive is down as well: the instance is down (`instance_failed`) until a unit is
///   repaired, which takes over at once.
/// A passive unit's failure is invisible until it matters.
extension Simulation {
    /// Units in their stationary state at time 0 (each up with probability MTBF/(MTBF + MTTR),
    /// residual lives); the first unit up is active. (A switch in progress at 0 is not
    /// simulated: a start-up approximation the warm-up absorbs.)
    mutating func startPairs(_ s: Int, _ f: FailureSpec) {
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

    mutating func unitFails<Sink: RecordSink & ~Copyable>(_ unit: Int32, into sink: inout Sink) {
        let u = Int(unit)
        let i = u / 2
        outages.pairs.unitUp[u] = false
        kernel.schedule(.pair(.unitRepair(unit: unit)), after: nextUnitPeriod(u, failure: false))
        guard Int(outages.pairs.activeUnit[i]) == u & 1 else { return }
        let other = u ^ 1
        if outages.pairs.unitUp[other] {
            setDown(Int32(i), DownReason.failover, mode: .crash, into: &sink)
            beginSwitch(i, to: other & 1)
        } else {
            outages.pairs.activeUnit[i] = -1
            setDown(Int32(i), DownReason.failure, mode: .crash, into: &sink)
        }
    }

    /// Instance i's pair switches to its unit `unit` (0 or 1): the switch completes after the
    /// station's `failover` time, unless another switch supersedes it (a new stamp).
    mutating func beginSwitch(_ i: Int, to unit: Int) {
        outages.pairs.activeUnit[i] = Int8(unit)
        outages.pairs.switchStamp[i] &+= 1
        guard let failover = spec.stations[Int(instances[i].station)].failover else {
            preconditionFailure("pairs run only at a station with failover")
        }
        kernel.schedule(.pair(.failoverDone(instance: Int32(i), stamp: outages.pairs.switchStamp[i])), after: failover)
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
        outages.pairs.unitUp[u] = true
        kernel.schedule(.pair(.unitFailure(unit: unit)), after: nextUnitPeriod(u, failure: true))
        if outages.pairs.activeUnit[i] < 0 {
            // The pair was down: the repaired unit takes over at once.
            outages.pairs.activeUnit[i] = Int8(u & 1)
            setUp(Int32(i), DownReason.failure, into: &sink)
        }
    }
}
