import SimKernel
import SimRandom

/// How requests arrive, queue, get served and leave.
extension Simulation {
    mutating func arrive<Sink: RecordSink & ~Copyable>(from s: Int32, into sink: inout Sink) {
        let serial = arrivals.nextSerial
        arrivals.nextSerial &+= 1
        note(kind: 0, index: Int32(truncatingIfNeeded: serial))
        scheduleArrival(from: s)
        beginRequest(serial: serial, classIndex: arrivals.sources[Int(s)].classIndex, into: &sink)
    }

    /// Request `serial` enters the model: its class (`classIndex`, or by weight when −1), its
    /// client or its first station. From an open source's arrival or a closed workload's user.
    @inline(__always)
    mutating func beginRequest<Sink: RecordSink & ~Copyable>(serial: UInt64, classIndex: Int32, into sink: inout Sink) {
        if requests.liveCount >= spec.maxInFlight {
            stage = .overloaded
            return
        }
        var cls = classIndex
        if cls < 0 {
            // A shared arrival: its class by weight, from the request's own draw.
            var k = 0
            if routes.classCumulative.count > 1 {
                arrivals.classStream.seat(replication: replication, entity: serial)
                let u = arrivals.classStream.uniform()
                while u >= routes.classCumulative[k] && k < routes.classCumulative.count - 1 { k += 1 }
            }
            cls = routes.sharedClasses[k]
        }
        if Shape.hasFeatures && clients.any && clients.hasPolicy[Int(cls)] {
            startClient(serial: serial, classIndex: cls, into: &sink)
            return
        }
        let now = kernel.now
        counters.changeInSystem(by: 1, at: now, tally: &inSystemLevels)
        counters.arrivals &+= 1
        let r = requests.insert(Request(arrival: now, serial: serial, classIndex: cls))
        if Shape.hasFeatures && arrivals.keys.any { requests[r].dataKey = dataKey(serial: serial, classIndex: cls) }
        if routes.synchronous[Int(cls)] { beginTree(r) }
        if Shape.hasFeatures && dns.any && dns.routed[Int(cls)] { resolveRegion(r) }
        enterStation(r, into: &sink)
    }

    /// The station the request visits at its current hop.
    @inline(__always)
    func station(of r: Int32) -> Int {
        let q = requests[r]
        // DNS picked the root's station: its region's entry.
        if q.servingRegion >= 0 && q.hop == 0 { return Int(dns.entry[Int(q.servingRegion)]) }
        return Int(routes.paths[Int(routes.pathStart[Int(q.classIndex)] &+ q.hop)])
    }

    /// Seats `stream` for request r's draws at its current visit (see `Request.seat`).
    @inline(__always)
    func seatDraws(_ stream: RandomStream, for r: Int32) {
        requests[r].seat(stream, replication: replication)
    }

    /// A new root request of a call-tree class: its own root, hop times from zero.
    @inline(__always)
    mutating func beginTree(_ r: Int32) {
        requests[r].root = r
        if requests.pathLength > 0 {
            let times = requests.hopTimes(r)
            for h in 0..<requests.pathLength { times[h] = 0 }
        }
    }

    /// Request r reaches the station of its current hop (`crossed`: it has crossed from
    /// another region already; `connected`: it has spent its TLS handshake's round trips there
    /// already).
    mutating func enterStation<Sink: RecordSink & ~Copyable>(
        _ r: Int32, crossed: Bool = false, connected: Bool = false, into sink: inout Sink
    ) {
        let s = station(of: r)
        if Shape.hasFeatures && regions.any && !crossed && !connected && startsCrossing(r, station: s) { return }
        if Shape.hasFeatures && tls.anyRoundTrips && !connected && startsHandshake(r, station: s) { return }
        let now = kernel.now
        requests[r].hopArrival = now
        let st = stations + s
        st.pointee.entered &+= 1
        if hasDatabases && st.pointee.database >= 0 {
            enterDatabase(r, station: s, into: &sink)
            return
        }
        if Shape.hasFeatures && limits.any && !passesFleetLimit(r, station: s) {
            fail(r, .rateLimited, into: &sink)
            return
        }
        let i = chooseInstance(for: r, at: s)
        guard i >= 0 else {
            if Shape.hasFeatures && caches.any && cacheBypass(r, station: s, into: &sink) { return }
            if Shape.hasFeatures && inspections.any && inspectionFailsOpen(r, station: s, into: &sink) { return }
            fail(r, .noHealthyInstance, into: &sink)
            return
        }
        // A dead instance the balancer has not noticed: a crashed one refuses the request; a
        // hung one takes it into its queue, where it stays until the restart fails it.
        if !instances[Int(i)].up && !instances[Int(i)].hung {
            if Shape.hasFeatures && caches.any && cacheBypass(r, station: s, into: &sink) { return }
            if Shape.hasFeatures && inspections.any && inspectionFailsOpen(r, station: s, into: &sink) { return }
            blame.zone = zoneBlame(i)
            fail(r, instances[Int(i)].downReasons & DownReason.failover != 0 ? .failover : .instanceFailed, into: &sink)
            return
        }
        if Shape.hasFeatures && limits.any && !passesInstanceLimit(r, instance: i, station: s) {
            fail(r, .rateLimited, into: &sink)
            return
        }
        if Shape.hasFeatures && concurrency.any && !underConcurrencyLimit(instance: i, station: s) {
            fail(r, .rateLimited, into: &sink)
            return
        }
        admit(r, at: i, station: s, workers: st.pointee.workers, queueCapacity: st.pointee.queueCapacity, into: &sink)
    }

    /// The request's own service at its current station is over: a database node first records
    /// the read or commits the write (which under sync replication holds its worker until
    /// `writeAcknowledged`); then the request goes on (`serviceDone`).
    mutating func endService<Sink: RecordSink & ~Copyable>(of r: Int32, into sink: inout Sink) {
        guard answers(r, into: &sink) else { return }
        if Shape.hasFeatures && inspections.any && blockedAtInspection(r, into: &sink) { return }
        if Shape.hasFeatures && deploys.any && failedByVersion(r, into: &sink) { return }
        if hasDatabases && stations[Int(instances[Int(requests[r].instance)].station)].database >= 0
            && databaseServiceEnded(r, into: &sink)
        {
            return
        }
        serviceDone(r, into: &sink)
    }

    /// A sync write's acknowledgements are in: its service at the primary is over.
    mutating func writeAcknowledged<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        guard answers(r, into: &sink) else { return }
        serviceDone(r, into: &sink)
    }

    /// Whether request r, whose service has just ended, goes on: a strand whose request has
    /// ended vanishes, and one at a hung instance gets no answer — it stays stuck until the restart.
    @inline(__always)
    mutating func answers<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) -> Bool {
        if requests[r].phase == .ended {
            zombieDone(r, into: &sink)
            return false
        }
        if !instances[Int(requests[r].instance)].up {
            requests[r].stall()
            return false
        }
        return true
    }

    /// The request's own service at its current station is over and answered. A call-tree
    /// request calls onward or returns (`Simulation+Calls`). Otherwise it releases the worker and
    /// moves on along its pipeline, or completes.
    @inline(__always)
    mutating func serviceDone<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let now = kernel.now
        let q = requests[r]
        let c = Int(q.classIndex)
        if routes.synchronous[c] {
            endVisitService(r, into: &sink)
            return
        }
        let last = q.hop &+ 1 == routes.pathStart[c &+ 1] &- routes.pathStart[c]
        if requests.pathLength > 0 { requests.hopTimes(r)[Int(q.hop)] = now.nanoseconds &- q.hopArrival.nanoseconds }
        let s = Int(instances[Int(q.instance)].station)
        if stations[s].sharing { completeSharing(r, at: q.instance, station: s) }
        reportHop(
            at: s, of: q, on: q.instance, arrived: q.hopArrival, started: q.serviceStart, served: now, into: &sink)
        // A cache hit ends the request at the cache (a pipeline fills a miss at once).
        let hit = Shape.hasFeatures && caches.any && pipelineCacheHit(r, station: s)
        release(q.instance, station: s, into: &sink)
        if last || hit {
            finish(r, .success, into: &sink)
        } else {
            if hasDatabases && regions.regionalDatabases && stations[s].database >= 0 {
                let g = regionOfDatabaseNode(q.instance)
                if g >= 0 { requests[r].databaseNodeRegion = g }
            }
            requests[r].hop += 1
            enterStation(r, into: &sink)
        }
    }

    /// Gives up a strand of a call tree: every station it still holds (its call frames,
    /// innermost first) reports its hop and releases its worker.
    mutating func unwind<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let q = requests[r]
        var h = q.depth
        requests[r].depth = 0
        while h > 0 {
            h -= 1
            let f = requests.frame(r, h).pointee
            if f.instance < 0 { continue }  // a bypassed cache holds nothing
            let s = Int(instances[Int(f.instance)].station)
            reportHop(
                at: s, of: q, on: f.instance, arrived: f.hopArrival, started: f.serviceStart, served: f.serviceEnd,
                into: &sink)
            release(f.instance, station: s, into: &sink)
        }
    }

    /// Reports the end of request q's visit to station s on instance `instance` (global index),
    /// which it reached at `arrived`, where it got a worker at `started` and ended its own
    /// service at `served`: it releases the worker now (after its downstream calls, in a call tree).
    /// The visit is also a sample for the instance's adaptive concurrency limit.
    @inline(__always)
    mutating func reportHop<Sink: RecordSink & ~Copyable>(
        at s: Int, of q: Request, on instance: Int32, arrived: SimTime, started: SimTime, served: SimTime,
        into sink: inout Sink
    ) {
        if Shape.hasFeatures && concurrency.any { concurrencySample(instance: instance, station: s, arrived: arrived) }
        let now = kernel.now
        sink.hopEnded(
            HopRecord(
                station: Int32(s), classIndex: q.classIndex, wait: started - arrived, service: served - started,
                inclusive: now - arrived, measured: q.arrival >= spec.window.warmup, served: true,
                serial: q.serial, arrived: arrived, instance: instance &- stations[s].firstInstance, attempt: q.attempt)
        )
    }

    /// Reports request q's visit to station s that ends now without service: it waited in the
    /// line since its arrival there and leaves unserved (queue timeout, `drop_expired`).
    func reportUnserved<Sink: RecordSink & ~Copyable>(at s: Int, of q: Request, into sink: inout Sink) {
        let now = kernel.now
        sink.hopEnded(
            HopRecord(
                station: Int32(s), classIndex: q.classIndex, wait: now - q.hopArrival, service: .zero,
                inclusive: now - q.hopArrival, measured: q.arrival >= spec.window.warmup, served: false,
                serial: q.serial, arrived: q.hopArrival, instance: q.instance &- stations[s].firstInstance,
                attempt: q.attempt))
    }

    /// Ends a request with an error at its current hop, first releasing what it holds upstream
    /// (for a strand of a call tree: what the whole request holds). The error is blamed on the
    /// station unless it is a `timeout` (by default the client's doing; a pool's own queue
    /// timeout passes `blamingStation: true`).
    mutating func fail<Sink: RecordSink & ~Copyable>(
        _ r: Int32, _ cause: ErrorCause, blamingStation: Bool? = nil, into sink: inout Sink
    ) {
        // A zombie's request has already ended: turned away or dropped, it just vanishes.
        if requests[r].phase == .ended {
            requests.remove(r)
            return
        }
        // A component turned it away; a dropped attempt (timeout) is its client's doing.
        blame.station = blamingStation ?? (cause != .timeout) ? Int32(station(of: r)) : -1
        if routes.synchronous[Int(requests[r].classIndex)] {
            failStrand(r, cause, into: &sink)
            return
        }
        finish(r, .error(cause), into: &sink)
    }

    /// Ends a request exactly once: counts it, reports it, frees its slot.
    mutating func finish<Sink: RecordSink & ~Copyable>(_ r: Int32, _ outcome: Outcome, into sink: inout Sink) {
        let q = requests[r]
        if q.client >= 0 {
            attemptEnded(r, client: q.client, outcome, into: &sink)
            return
        }
        let hops = outcome == .success && requests.pathLength > 0 ? UnsafePointer(requests.hopTimes(r)) : nil
        reportEnd(
            serial: q.serial, classIndex: q.classIndex, arrival: q.arrival, outcome, attempts: 1, hopTimes: hops,
            blame: blame, into: &sink)
        if q.phase != .ended { requests.remove(r) }
    }

    /// The one place a request (of the statistics: a root strand, or a client's logical request)
    /// ends: it is counted once, reported, and leaves the system. A success blames nobody.
    mutating func reportEnd<Sink: RecordSink & ~Copyable>(
        serial: UInt64, classIndex: Int32, arrival: SimTime, _ outcome: Outcome, attempts: Int32,
        hopTimes: UnsafePointer<Int64>?, blame: Blame,
        into sink: inout Sink
    ) {
        let now = kernel.now
        switch outcome {
        case .success: counters.successes &+= 1
        case .error(let cause): counters.errors[Int(cause.rawValue)] &+= 1
        }
        let success = outcome == .success
        sink.requestEnded(
            RequestRecord(
                serial: serial, classIndex: classIndex, arrival: arrival, end: now, outcome: outcome,
                measured: arrival >= spec.window.warmup, attempts: attempts, hopTimes: hopTimes,
                blame: success ? -1 : blame.station, blameZone: success ? -1 : blame.zone))
        counters.changeInSystem(by: -1, at: now, tally: &inSystemLevels)
        if Shape.hasFeatures && users.any { userRequestEnded(serial: serial) }
    }

    /// The counters brought up to now.
    mutating func snapshot() -> ModelCounters {
        let now = kernel.now
        counters.changeInSystem(by: 0, at: now, tally: &inSystemLevels)
        if counters.heldIntegral.isEmpty { counters.heldIntegral = Array(repeating: 0, count: stationCount) }
        counters.inSystemLevels = inSystemLevels.times
        counters.queueLevels.removeAll(keepingCapacity: true)
        counters.entered.removeAll(keepingCapacity: true)
        counters.refused.removeAll(keepingCapacity: true)
        counters.timedOut.removeAll(keepingCapacity: true)
        counters.preempted.removeAll(keepingCapacity: true)
        counters.outages.removeAll(keepingCapacity: true)
        outages.service.accumulate(to: now)
        counters.serviceOutages = outages.service.outageCount
        counters.serviceAvailableIntegral = outages.service.availableIntegral
        counters.presentLevels.removeAll(keepingCapacity: true)
        for s in 0..<stationCount {
            // A fixed fleet: every instance held (billed) since time 0. (An autoscaled pool's
            // is filled in by `autoscaleSnapshot` below.)
            counters.heldIntegral[s] = Double(stations[s].instanceCount) * Double(now.nanoseconds)
            stations[s].accumulate(to: now)
            counters.busyIntegral[s] = stations[s].busyIntegral
            counters.queueIntegral[s] = stations[s].queueIntegral
            counters.upIntegral[s] = stations[s].upIntegral
            counters.queueLevels.append(stations[s].queueLevels.times)
            counters.presentLevels.append(stations[s].presentLevels.times)
            counters.entered.append(stations[s].entered)
            counters.refused.append(stations[s].refused)
            counters.timedOut.append(stations[s].timedOut)
            counters.preempted.append(stations[s].preempted)
            counters.outages.append(stations[s].outageCount)
            stations[s].accumulateAvailability(to: now)
            counters.availableIntegral[s] = stations[s].availableIntegral
            counters.failures[s] = stations[s].failureCount
        }
        counters.time = now
        counters.events = kernel.delivered
        if hasDatabases { counters.databases = databaseCounters }
        if !autoscaling.scalers.isEmpty { autoscaleSnapshot(now) }
        if Shape.hasFeatures && deploys.any { deploySnapshot(now) }
        if Shape.hasFeatures && clusterState.any { clusterSnapshot(now) }
        if !spec.regions.isEmpty { regionSnapshot(now) }
        if Shape.hasFeatures && dns.any { dnsSnapshot() }
        standbySnapshot()
        return counters
    }
}
