import SimKernel

/// Preemptive priority (`Preemption.resume`): an arriving request takes the worker of a less
/// urgent request in its own service, which waits again at the head of its level and later
/// continues with the service time it had left.
///
/// A displaced request's hop keeps its times consistent: when it resumes, its service start
/// moves to now minus the service it has had, so the hop's service (end − start) is its whole
/// demand and its wait (start − arrival) every moment it spent without a worker.
extension Simulation {
    /// Request r has reached up instance i of preempting station s, whose workers are all
    /// busy: it takes the worker of the least urgent request in service there that is less
    /// urgent than r (the latest started of several), if any. False when none is.
    mutating func preempts(for r: Int32, at i: Int32, station s: Int) -> Bool {
        let level = stations[s].classLevels[Int(requests[r].classIndex)]
        let now = kernel.now
        var victim = -1
        var worst = level
        for (k, e) in preemption.inService[Int(i)].enumerated() where e.end > now {
            // A service ending at this very instant is left to end.
            if e.level > worst || (victim >= 0 && e.level == worst) {
                victim = k
                worst = e.level
            }
        }
        guard victim >= 0 else { return false }
        let e = preemption.inService[Int(i)].remove(at: victim)
        kernel.cancel(e.event)
        stations[s].preempted &+= 1
        let v = e.request
        preemption.displaced[v] = PreemptionTable.Displaced(
            serial: requests[v].serial, hop: requests[v].hop, served: now - requests[v].serviceStart,
            remaining: e.end - now)
        stations[s].accumulate(to: now)
        // v leaves its worker for the line (`loads`, which counts both, stays as it is).
        stations[s].busyLevel -= 1
        instances[Int(i)].busy &-= 1
        stations[s].queueLevel += 1
        instances[Int(i)].waiting.insert(v, level: e.level, first: true)
        serve(r, at: i, station: s)
        return true
    }

    /// `serve` at a preempting station (never a database), once r holds the worker: a
    /// displaced request continues with the service it had left; any other draws its demand.
    /// Either way its end is scheduled and recorded as in service.
    @inline(never)
    mutating func servePreemptible(_ r: Int32, at i: Int32, station s: Int) {
        let now = kernel.now
        let d: SimDuration
        let displaced = preemption.displaced.removeValue(forKey: r)
        let same = displaced.map { $0.serial == requests[r].serial && $0.hop == requests[r].hop }
        assert(same ?? true, "a displaced request's record outlived its wait")
        if let displaced, same == true {
            requests[r].serviceStart = now - displaced.served
            d = displaced.remaining
        } else {
            d = stretched(demand(of: r, at: s), at: i)
        }
        let event = kernel.schedule(.pool(.serviceEnd(request: r, instance: i)), after: d)
        preemption.inService[Int(i)].append(
            PreemptionTable.InService(
                request: r, level: stations[s].classLevels[Int(requests[r].classIndex)], end: now + d, event: event))
    }

    /// Request r's service-end event is being delivered: it is no longer in service where it
    /// was (if it still is anywhere: a request failed with its instance has none).
    @inline(never)
    mutating func leftService(_ r: Int32) {
        let i = requests[r].instance
        guard i >= 0, !preemption.inService[Int(i)].isEmpty,
            let k = preemption.inService[Int(i)].firstIndex(where: { $0.request == r })
        else { return }
        preemption.inService[Int(i)].remove(at: k)
    }

    /// Instance i has dropped everything it held (`evict`): nothing is in service there.
    mutating func forgetService(at i: Int32) {
        preemption.inService[Int(i)].removeAll(keepingCapacity: true)
    }

    /// Request r leaves a line without taking a worker (dropped, or failed with its instance):
    /// a record of its displacement goes with it.
    mutating func forgetDisplaced(_ r: Int32) {
        preemption.displaced.removeValue(forKey: r)
    }
}
