import SimKernel
import SimRandom

/// A server pool's instance takes a request: a free worker serves it at once, otherwise it waits
/// in the instance's line (if there is room), and a worker freed takes the next waiting request
/// in the station's discipline's order. Service demands are the request's own draws.
extension Simulation {
    /// Request r at instance i (chosen, and not refused): a free worker of an up instance
    /// serves it at once; otherwise it waits if the line has room (a hung instance's line fills
    /// but is not served until the restart), else it ends with `queue_full`.
    @inline(__always)
    mutating func admit<Sink: RecordSink & ~Copyable>(
        _ r: Int32, at i: Int32, station s: Int, workers: Int32, queueCapacity: Int,
        into sink: inout Sink
    ) {
        if instances[Int(i)].up && instances[Int(i)].busy < workers {
            startService(r, at: i, station: s)
        } else if instances[Int(i)].waiting.count < queueCapacity {
            if stations[s].prioritised {
                waitByPriority(r, at: i, station: s)
                return
            }
            stations[s].accumulate(to: kernel.now)
            stations[s].queueLevel += 1
            requests[r].instance = i
            instances[Int(i)].waiting.append(r)
            loads[Int(i)] &+= 1
            if stations[s].timesOutWaiting { startQueueTimer(r, station: s) }
        } else if Shape.hasFeatures && stations[s].preempts && instances[Int(i)].up
            && preempts(for: r, at: i, station: s)
        {
            // A full line does not stop an urgent request from taking a less urgent one's worker.
            return
        } else {
            stations[s].refused &+= 1
            fail(r, .queueFull, into: &sink)
        }
    }

    /// `admit` under priority, every worker busy and the line with room: r takes a less urgent
    /// request's worker where the station preempts and one is in service (`preempts`), or
    /// waits behind the requests of its level and more urgent ones. Out of line, so the
    /// other disciplines' path stays as short.
    @inline(never)
    mutating func waitByPriority(_ r: Int32, at i: Int32, station s: Int) {
        if Shape.hasFeatures && stations[s].preempts && instances[Int(i)].up && preempts(for: r, at: i, station: s) {
            return
        }
        stations[s].accumulate(to: kernel.now)
        stations[s].queueLevel += 1
        requests[r].instance = i
        instances[Int(i)].waiting.insert(r, level: stations[s].classLevels[Int(requests[r].classIndex)])
        loads[Int(i)] &+= 1
        if stations[s].timesOutWaiting { startQueueTimer(r, station: s) }
    }

    mutating func startService(_ r: Int32, at i: Int32, station s: Int) {
        if stations[s].sharing {
            admitSharing(r, at: i, station: s)
            return
        }
        stations[s].accumulate(to: kernel.now)
        serve(r, at: i, station: s)
    }

    /// `startService` at a station that does not share its workers, whose level integrals the
    /// caller has already brought up to now (`release`, handing its worker to the next waiting
    /// request: accumulating again at the same instant would add zero to every integral).
    mutating func serve(_ r: Int32, at i: Int32, station s: Int) {
        assert(!stations[s].sharing && stations[s].levelsSince == kernel.now, "integrals not brought up to now")
        let now = kernel.now
        let database = hasDatabases && stations[s].database >= 0
        if database { accumulateNodeBusy(i, station: s) }
        stations[s].busyLevel += 1
        instances[Int(i)].busy &+= 1
        loads[Int(i)] &+= 1
        requests[r].instance = i
        requests[r].serviceStart = now
        requests[r].lineStamp = 0
        if Shape.hasFeatures && stations[s].preempts {
            servePreemptible(r, at: i, station: s)
            return
        }
        let d = stretched(database ? databaseDemand(of: r, at: i, station: s) : demand(of: r, at: s), at: i)
        kernel.schedule(.pool(.serviceEnd(request: r, instance: i)), after: d)
    }

    /// Demand `d` as instance i takes it: a degraded instance (gray failure, or a slower
    /// version) stretches every demand by its slowdown.
    @inline(__always)
    func stretched(_ d: SimDuration, at i: Int32) -> SimDuration {
        instances[Int(i)].slowdown == 1
            ? d : SimDuration(nanoseconds: Int64(saturatingRounded: Double(d.nanoseconds) * instances[Int(i)].slowdown))
    }

    /// Request r's service demand at station s: its own draw (seated at the request, hop and
    /// attempt), so it does not depend on the design (common random numbers), plus its TLS CPU
    /// where the station terminates TLS. The draw is from the station's `service`, or from the
    /// visit's own where its call-tree node has one (`CallNode.service`).
    ///
    /// `mutating` although it changes nothing of the simulation: a caller that does not inline
    /// a non-mutating method copies the whole `Simulation` (≈ 2.4 KB) to pass it, and whether
    /// the draw's code is inlined here depends on the optimiser's budget.
    @inline(__always)
    mutating func demand(of r: Int32, at s: Int) -> SimDuration {
        let stream = stations[s].serviceStream
        seatDraws(stream, for: r)
        let own: SimDuration
        if case let k = visitService(of: r, at: s), k >= 0 {
            own = Self.visitDemand(calls.services, k, stream)
        } else {
            // The form first (see `Sampler.sample(_:_:)`): no copy of the distribution per draw.
            let form = stations[s].service.form
            own = SimDuration(seconds: Sampler.sample(form, stream) ?? stations[s].service.sample(stream))
        }
        return Shape.hasFeatures && tls.any ? own + tlsCost(of: r, at: s) : own
    }

    /// The index in `calls.services` of request r's own service at station s — its call-tree
    /// node's `CallNode.service` — or −1 when the station's (or database node's) service applies.
    @inline(__always)
    func visitService(of r: Int32, at s: Int) -> Int {
        guard stations[s].visitServices else { return -1 }
        return Int(calls.node(requests[r].classIndex, requests[r].hop).pointee.service)
    }

    /// A visit's own demand (`CallNode.service`): sampler k of `services`. Static and out of
    /// line, so the common path neither grows nor copies the simulation's state to call it.
    /// It draws from the sampler's form where the form suffices (`Sampler.sample(_:_:)`): given
    /// the whole sampler, the optimiser copies its distribution around the draw.
    @inline(never)
    static func visitDemand(_ services: [Sampler], _ k: Int, _ stream: RandomStream) -> SimDuration {
        SimDuration(seconds: Sampler.sample(services[k].form, stream) ?? services[k].sample(stream))
    }

    /// Frees a worker of instance `i`; the next waiting request, if any, takes it (which one:
    /// the station's discipline). Under processor sharing, frees an admission place only (the
    /// cores were given back when the request's own service ended).
    mutating func release<Sink: RecordSink & ~Copyable>(_ i: Int32, station s: Int, into sink: inout Sink) {
        // A down instance's workers are all freed when it is evicted (crash) or restarts (hang).
        guard instances[Int(i)].up else { return }
        if stations[s].sharing {
            instances[Int(i)].busy &-= 1
            loads[Int(i)] &-= 1
            return
        }
        stations[s].accumulate(to: kernel.now)
        if hasDatabases && stations[s].database >= 0 {
            accumulateNodeBusy(i, station: s)
            // A backup owed workers of this node keeps the one released (`Simulation+DatabaseBackups`).
            if databases[Int(stations[s].database)].backup.owed > 0 && backupTakesWorker(i, station: s) { return }
        }
        stations[s].busyLevel -= 1
        instances[Int(i)].busy &-= 1
        loads[Int(i)] &-= 1
        while !instances[Int(i)].waiting.isEmpty {
            let next = instances[Int(i)].waiting.next(stations[s].discipline)
            loads[Int(i)] &-= 1
            stations[s].queueLevel -= 1
            if stations[s].dropExpired && abandoned(next) {
                // Nobody waits for this attempt any more: drop it (releasing what it holds upstream).
                if requests[next].parent < 0 && requests[next].phase != .ended { counters.droppedAttempts &+= 1 }
                if requests[next].phase != .ended { reportUnserved(at: s, of: requests[next], into: &sink) }
                if Shape.hasFeatures && stations[s].preempts { forgetDisplaced(next) }
                fail(next, .timeout, into: &sink)
                continue
            }
            // The worker goes to `next`: this station's integrals were brought up to now above
            // (and, at the same instant, stay there through any `fail` in this loop).
            serve(next, at: i, station: s)
            break
        }
        if hasDatabases && stations[s].database >= 0 { databaseReleased(i, station: s) }
    }
}
