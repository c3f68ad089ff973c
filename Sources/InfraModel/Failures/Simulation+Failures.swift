import SimKernel
import SimRandom

/// Instances failing and coming back, and the balancer learning of it through health checks.
///
/// Each instance of a station with `failures` alternates up and down periods, drawn from its own
/// seats of the station's `failures` stream (entity: the instance; block: the period), so a
/// design change elsewhere does not move its failures (common random numbers). Failures are
/// rare events: handling one scans the request slab (O(requests in flight)), which keeps the
/// per-request hot path free of per-instance bookkeeping.
extension Simulation {
    /// Puts every failing instance in its stationary state at time 0 and schedules its next change.
    mutating func startFailureProcesses() {
        for s in 0..<stationCount {
            // Every checked instance has a phase of its own, whatever takes it down (its own
            // failures, its zone, a scheduled event).
            guard let interval = stations[s].healthCheck?.interval.nanoseconds else { continue }
            let first = Int(stations[s].firstInstance)
            for j in 0..<Int(stations[s].instanceCount) {
                stations[s].failureStream.seat(replication: replication, entity: UInt64(j), block: 1)
                instances[first + j].checkPhase = Int64(stations[s].failureStream.uniform() * Double(interval))
            }
        }
        for s in 0..<stationCount {
            guard let f = stations[s].failures else { continue }
            if spec.stations[s].failover != nil {
                startPairs(s, f)
                continue
            }
            let first = Int(stations[s].firstInstance)
            let n = Int(stations[s].instanceCount)
            let stream = stations[s].failureStream
            var down = Array(repeating: false, count: n)
            var residual = Array(repeating: 0.0, count: n)
            var age = Array(repeating: 0.0, count: n)
            if let crews = f.repairCrews {
                // Exponential times: the number down is the birth–death chain's stationary law
                // (failures (n − k)/MTBF, repairs min(k, crews)/MTTR); which ones, uniformly;
                // residual times are exponential again. A down instance counts as detected.
                var p = [1.0]
                for k in 1...n {
                    p.append(
                        p[k - 1] * Double(n - k + 1) / f.timeToFailure.mean
                            / (Double(min(k, crews)) / f.timeToRepair.mean))
                }
                let total = p.reduce(0, +)
                stream.seat(replication: replication, entity: 1 << 40, block: 0)
                var u = stream.uniform() * total
                var k = 0
                while k < n && u >= p[k] {
                    u -= p[k]
                    k += 1
                }
                var order = Array(0..<n)
                for a in 0..<k {
                    let b = a + stream.index(below: n - a)
                    order.swapAt(a, b)
                    down[order[a]] = true
                }
                for j in 0..<n {
                    stream.seat(replication: replication, entity: UInt64(j), block: 0)
                    residual[j] = (down[j] ? f.timeToRepair : f.timeToFailure).sample(stream)
                    age[j] = .infinity
                }
                // Repairs in progress: the first `crews` down instances in that order; the rest wait.
                for a in 0..<k {
                    if a < crews {
                        stations[s].crewsBusy += 1
                    } else {
                        stations[s].repairQueue.append(Int32(first + order[a]))
                        residual[order[a]] = -1
                    }
                }
            } else {
                let pDown = f.timeToRepair.mean / (f.timeToFailure.mean + f.timeToRepair.mean)
                for j in 0..<n {
                    stream.seat(replication: replication, entity: UInt64(j), block: 0)
                    down[j] = stream.uniform() < pDown
                    let length = (down[j] ? f.timeToRepair : f.timeToFailure).lengthBiasedSample(stream)
                    residual[j] = length * stream.uniform()
                    age[j] = length - residual[j]
                }
            }
            for j in 0..<n {
                let i = first + j
                instances[i].cycle = 1
                if down[j] {
                    instances[i].up = false
                    instances[i].downReasons = DownReason.failure
                    instances[i].hung = f.mode == .hang
                    stations[s].upLevel -= 1
                    if residual[j] >= 0 {
                        kernel.schedule(
                            .failures(.repair(instance: Int32(i))), after: SimDuration(seconds: residual[j]))
                    }
                    if let check = stations[s].healthCheck {
                        // Failed `age` ago: the verdict may already be in. An age of more than
                        // 73 years (an MTTR of centuries) counts as that long ago, so the check
                        // times' arithmetic stays within Int64.
                        let failedAt = max(-Int64(saturatingRounded: age[j] * 1e9), Int64.min / 4)
                        let verdict = check.decided(
                            after: failedAt, phase: instances[i].checkPhase, count: check.unhealthyAfter)
                        if verdict <= 0 {
                            markHealthy(i, false)
                        } else {
                            kernel.schedule(
                                .failures(.healthVerdict(instance: Int32(i), epoch: 0)),
                                at: SimTime(nanoseconds: verdict))
                        }
                    }
                } else {
                    // An instance up at time 0 counts as believed healthy (a readmission still
                    // pending from a repair just before 0 is ignored: a start-up approximation
                    // the warm-up absorbs).
                    kernel.schedule(.failures(.failure(instance: Int32(i))), after: SimDuration(seconds: residual[j]))
                }
            }
        }
    }

    /// The balancer's belief about instance i (global index) changes.
    mutating func markHealthy(_ i: Int, _ healthy: Bool) {
        instances[i].believed = healthy
        refreshEligibility(i)
    }

    /// Keeps `healthy` (in the rotation) = believed healthy and not taken out on purpose, and
    /// the station's count of such instances.
    mutating func refreshEligibility(_ i: Int) {
        let eligible = instances[i].believed && instances[i].outReasons == 0
        guard instances[i].healthy != eligible else { return }
        instances[i].healthy = eligible
        let s = Int(instances[i].station)
        stations[s].healthyCount += eligible ? 1 : -1
        // The highest instance in the rotation: up when one above it joins, down past the ones
        // out when it leaves (an autoscaler's scale-in walks down from the top).
        let first = Int(stations[s].firstInstance)
        let k = Int32(i - first)
        if eligible {
            if k >= stations[s].eligibleLimit { stations[s].eligibleLimit = k + 1 }
        } else if k + 1 == stations[s].eligibleLimit {
            var top = k
            while top > 0 && !instances[first + Int(top) - 1].healthy { top -= 1 }
            stations[s].eligibleLimit = top
        }
    }

    mutating func healthVerdict(_ i: Int32, epoch: UInt32) {
        guard instances[Int(i)].epoch == epoch else { return }
        markHealthy(Int(i), instances[Int(i)].up)
    }

    /// Instance i goes down for `reason` (it may already be down for another). Going down
    /// counts as a failure unless it is planned (maintenance); a crash evicts its requests.
    mutating func setDown<Sink: RecordSink & ~Copyable>(
        _ i: Int32, _ reason: UInt16, mode: FailureSpec.Mode, into sink: inout Sink
    ) {
        let s = Int(instances[Int(i)].station)
        let wasUp = instances[Int(i)].up
        instances[Int(i)].downReasons |= reason
        if !wasUp {
            // Already down: a crash now fails what a hang had left stuck.
            if mode == .crash && instances[Int(i)].hung {
                instances[Int(i)].hung = false
                evict(i, cause: reason == DownReason.restore ? .restoring : .instanceFailed, into: &sink)
            }
            return
        }
        let now = kernel.now
        stations[s].accumulate(to: now)
        stations[s].accumulateAvailability(to: now)
        if outages.occupancy != nil { noteOccupancy() }
        instances[Int(i)].up = false
        instances[Int(i)].epoch &+= 1
        stations[s].upLevel -= 1
        noteInstanceDown(station: s, at: now)
        // Planned downtime, an instance not held, an evicted pod and a database's restore are
        // no failures.
        if reason & DownReason.planned == 0 { stations[s].failureCount &+= 1 }
        if mode == .crash {
            // A database's restore fails what its nodes held with the restore's own cause.
            evict(i, cause: reason == DownReason.restore ? .restoring : .instanceFailed, into: &sink)
        } else {
            instances[Int(i)].hung = true
        }
        if hasDatabases && stations[s].database >= 0 { databaseNodeChanged(i, station: s, up: false, into: &sink) }
        if let check = stations[s].healthCheck, instances[Int(i)].believed {
            let at = check.decided(
                after: now.nanoseconds, phase: instances[Int(i)].checkPhase, count: check.unhealthyAfter)
            kernel.schedule(
                .failures(.healthVerdict(instance: i, epoch: instances[Int(i)].epoch)), at: SimTime(nanoseconds: at))
        }
    }

    /// `reason` for instance i being down is over; when no reason is left it restarts (a hung
    /// instance's stuck requests fail) and serves again — readmitted by its health checks.
    mutating func setUp<Sink: RecordSink & ~Copyable>(_ i: Int32, _ reason: UInt16, into sink: inout Sink) {
        instances[Int(i)].downReasons &= ~reason
        guard instances[Int(i)].downReasons == 0, !instances[Int(i)].up else { return }
        let s = Int(instances[Int(i)].station)
        if instances[Int(i)].hung {
            instances[Int(i)].hung = false
            evict(i, into: &sink)
        }
        if Shape.hasFeatures && caches.any { cacheRestarted(i) }  // a cache restarts cold
        let now = kernel.now
        stations[s].accumulate(to: now)
        stations[s].accumulateAvailability(to: now)
        if outages.occupancy != nil { noteOccupancy() }
        instances[Int(i)].up = true
        instances[Int(i)].epoch &+= 1
        stations[s].upLevel += 1
        noteInstanceUp(station: s, at: now, into: &sink)
        if hasDatabases && stations[s].database >= 0 { databaseNodeChanged(i, station: s, up: true, into: &sink) }
        if let check = stations[s].healthCheck, !instances[Int(i)].believed {
            let at = check.decided(
                after: now.nanoseconds, phase: instances[Int(i)].checkPhase, count: check.healthyAfter)
            kernel.schedule(
                .failures(.healthVerdict(instance: i, epoch: instances[Int(i)].epoch)), at: SimTime(nanoseconds: at))
        }
    }

    /// Draws the length (seconds) of instance i's next period: up (`failure`) or down.
    mutating func nextPeriod(_ i: Int, failure: Bool) -> SimDuration {
        let s = Int(instances[i].station)
        guard let f = stations[s].failures else {
            preconditionFailure("only an instance of a station with failures draws failure periods")
        }
        let j = i - Int(stations[s].firstInstance)
        let stream = stations[s].failureStream
        stream.seat(replication: replication, entity: UInt64(j), block: instances[i].cycle << 8 | (failure ? 0 : 0x80))
        if !failure { instances[i].cycle += 1 }
        return SimDuration(seconds: (failure ? f.timeToFailure : f.timeToRepair).sample(stream))
    }

    mutating func instanceFails<Sink: RecordSink & ~Copyable>(_ i: Int32, into sink: inout Sink) {
        let s = Int(instances[Int(i)].station)
        guard let f = stations[s].failures else {
            preconditionFailure("only an instance of a station with failures fails")
        }
        setDown(i, DownReason.failure, mode: f.mode, into: &sink)
        if let crews = f.repairCrews, stations[s].crewsBusy >= crews {
            stations[s].repairQueue.append(i)
        } else {
            stations[s].crewsBusy += 1
            kernel.schedule(.failures(.repair(instance: i)), after: nextPeriod(Int(i), failure: false))
        }
    }

    mutating func instanceRepaired<Sink: RecordSink & ~Copyable>(_ i: Int32, into sink: inout Sink) {
        let s = Int(instances[Int(i)].station)
        setUp(i, DownReason.failure, into: &sink)
        kernel.schedule(.failures(.failure(instance: i)), after: nextPeriod(Int(i), failure: true))
        stations[s].crewsBusy -= 1
        if !stations[s].repairQueue.isEmpty {
            let next = stations[s].repairQueue.removeFirst()
            stations[s].crewsBusy += 1
            kernel.schedule(.failures(.repair(instance: next)), after: nextPeriod(Int(next), failure: false))
        }
    }

    /// Fails everything instance i (down) has: its waiting requests, the requests in service
    /// on it (their service events still pending: they become zombies with nothing to release),
    /// requests stuck on it, and requests whose callers hold a worker on it. Then its workers
    /// are all free (it restarts empty).
    mutating func evict<Sink: RecordSink & ~Copyable>(
        _ i: Int32, cause: ErrorCause = .instanceFailed, into sink: inout Sink
    ) {
        let s = Int(instances[Int(i)].station)
        let now = kernel.now
        blame.zone = zoneBlame(i)
        if stations[s].preempts { forgetService(at: i) }
        while !instances[Int(i)].waiting.isEmpty {
            let r = instances[Int(i)].waiting.removeFirst()
            loads[Int(i)] &-= 1
            stations[s].accumulate(to: now)
            stations[s].queueLevel -= 1
            if stations[s].preempts { forgetDisplaced(r) }
            fail(r, cause, into: &sink)
        }
        for k in 0..<requests.used {
            let r = Int32(k)
            let q = requests.slots[k]
            guard q.isLive else { continue }
            if q.phase == .ended {
                // In service here for nobody (its queued peers were drained above): its end
                // event will find nothing of i to release.
                if q.instance == i { requests[r].instance = -1 }
                continue
            }
            var holds = false
            for h in 0..<q.depth where requests.frame(r, h).pointee.instance == i { holds = true }
            if q.pending == 0 && q.instance == i {
                if q.phase == .stalled {
                    fail(r, cause, into: &sink)
                } else {
                    // In service here: its end event is pending; nothing of i to release then.
                    requests[r].instance = -1
                    blame.station = Int32(s)
                    kill(r, cause, into: &sink)
                }
            } else if holds {
                blame.station = Int32(s)
                kill(r, cause, into: &sink)
            }
        }
        stations[s].accumulate(to: now)
        if hasDatabases && stations[s].database >= 0 { accumulateNodeBusy(i, station: s) }
        stations[s].busyLevel -= Int(instances[Int(i)].busy)
        loads[Int(i)] &-= instances[Int(i)].busy
        instances[Int(i)].busy = 0
    }

    /// The zone to blame for instance i being down: its zone, when the zone's outage is (one of)
    /// the reasons.
    func zoneBlame(_ i: Int32) -> Int32 {
        instances[Int(i)].downReasons & (DownReason.zone | DownReason.zoneOutage) != 0
            ? outages.zones.ofInstance[Int(i)] : -1
    }

    /// Ends the request strand r belongs to with `cause` while r is busy (in service or queued
    /// somewhere, or waiting for its branches): r finishes what it is doing for nobody. A strand
    /// stalled at a hung instance has nothing pending that refers to it, so it goes at once.
    mutating func kill<Sink: RecordSink & ~Copyable>(_ r: Int32, _ cause: ErrorCause, into sink: inout Sink) {
        if requests[r].pending == 0 && requests[r].phase == .working { requests[r].endRequest() }
        if routes.synchronous[Int(requests[r].classIndex)] {
            failStrand(r, cause, into: &sink)
        } else {
            finish(r, .error(cause), into: &sink)
        }
    }

    /// A zombie's service is over: it frees its worker (if its instance still stands) and vanishes.
    mutating func zombieDone<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let i = requests[r].instance
        if i >= 0 {
            let s = Int(instances[Int(i)].station)
            if stations[s].sharing { completeSharing(r, at: i, station: s) }
            release(i, station: s, into: &sink)
        }
        requests.remove(r)
    }

    /// Adds the time since the last change to the current state: the instances up per station,
    /// then per database (in station order) 1 while it takes writes, else 0. Called before the
    /// state changes.
    mutating func noteOccupancy() {
        let now = kernel.now
        var state = (0..<stationCount).map { Int32(stations[$0].upLevel) }
        for d in databases.indices { state.append(databases[d].failover.writable ? 1 : 0) }
        guard var log = outages.occupancy else { return }
        outages.occupancy = nil  // no second reference while the dictionary changes (no copy on write)
        log.add(state, until: now)
        outages.occupancy = log
    }

    /// Keeps the occupancy (as `tracksOccupancy` does) and also splits it over `batches`
    /// consecutive batches of equal length cutting [0, horizon) (`occupancyBatches`). Call
    /// before `run`.
    public mutating func trackOccupancy(batches: Int) {
        precondition(batches >= 1, "at least one batch")
        var log = OccupancyLog()
        log.batchCount = batches
        log.batchLength = max(1, spec.window.horizon.nanoseconds / Int64(batches))
        outages.occupancy = log
    }

    /// Seconds spent in each state — the instances up per station (in station order), then per
    /// database 1 while it takes writes, else 0 (a primary serving) — sorted by state so the
    /// order never depends on hashing. Empty unless `tracksOccupancy` was set before `run`.
    public var occupancy: [(up: [Int], seconds: Double)] {
        (outages.occupancy?.seconds ?? [:]).map { (up: $0.key.map(Int.init), seconds: $0.value) }
            .sorted { $0.up.lexicographicallyPrecedes($1.up) }
    }

    /// The same seconds batch by batch (`trackOccupancy(batches:)`; one batch otherwise), in the
    /// order of `occupancy`.
    public var occupancyBatches: [(up: [Int], seconds: [Double])] {
        (outages.occupancy?.batchSeconds ?? [:]).map { (up: $0.key.map(Int.init), seconds: $0.value) }
            .sorted { $0.up.lexicographicallyPrecedes($1.up) }
    }
}
