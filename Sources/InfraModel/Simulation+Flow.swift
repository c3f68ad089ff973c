import SimKernel
import SimRandom

/// How requests arrive, queue, get served and leave.
extension Simulation {
    /// Schedules arrival number `k` (1-based) if it falls before the horizon.
    mutating func scheduleArrival(number k: UInt64) {
        let at: SimTime
        switch spec.arrivals {
        case .poisson(let rate):
            at = kernel.now + SimDuration(seconds: Distribution.exponential(mean: 1 / rate).sample(arrivalStream))
        case .constant(let rate):
            // Computed from k, not by adding rounded gaps, so rounding never drifts.
            at = SimTime(nanoseconds: Int64((Double(k) / rate * 1e9).rounded()))
        }
        if at < spec.window.horizon { kernel.schedule(.arrival, at: at) }
    }

    mutating func arrive<Sink: RecordSink & ~Copyable>(into sink: inout Sink) {
        let serial = nextSerial
        nextSerial &+= 1
        note(kind: 0, index: Int32(truncatingIfNeeded: serial))
        scheduleArrival(number: nextSerial + 1)
        if requests.liveCount >= spec.maxInFlight { unstable = true; return }
        var cls: Int32 = 0
        if classCumulative.count > 1 {
            classStream.seat(replication: replication, entity: serial)
            let u = classStream.uniform()
            while u >= classCumulative[Int(cls)] && Int(cls) < classCumulative.count - 1 { cls += 1 }
        }
        let now = kernel.now
        changeInSystem(by: 1, at: now)
        counters.arrivals &+= 1
        let r = requests.insert(Request(arrival: now, serial: serial, classIndex: cls))
        enterStation(r, into: &sink)
    }

    /// The station the request visits at its current hop.
    @inline(__always)
    func station(of r: Int32) -> Int {
        let q = requests[r]
        return Int(paths[Int(pathStart[Int(q.classIndex)] &+ q.hop)])
    }

    /// Random streams are seated per request and hop: the entity is the request serial with the
    /// hop position in bits 40–47, so each (request, hop) has its own draws.
    @inline(__always)
    func entity(of r: Int32) -> UInt64 {
        let q = requests[r]
        return q.serial | UInt64(UInt32(bitPattern: q.hop)) << 40
    }

    mutating func enterStation<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let s = station(of: r)
        let now = kernel.now
        requests[r].hopArrival = now
        let st = stations + s
        let i = chooseInstance(for: r, at: s)
        if instances[Int(i)].busy < st.pointee.workers {
            startService(r, at: i, station: s)
        } else if instances[Int(i)].waiting.count < st.pointee.queueCapacity {
            stations[s].accumulate(to: now)
            stations[s].queueLevel += 1
            requests[r].instance = i
            instances[Int(i)].waiting.append(r)
        } else {
            finish(r, .error(.queueFull), into: &sink)
        }
    }

    mutating func startService(_ r: Int32, at i: Int32, station s: Int) {
        let now = kernel.now
        stations[s].accumulate(to: now)
        stations[s].busyLevel += 1
        instances[Int(i)].busy &+= 1
        requests[r].instance = i
        requests[r].serviceStart = now
        let stream = stations[s].serviceStream
        stream.seat(replication: replication, entity: entity(of: r))
        let demand = SimDuration(seconds: stations[s].service.sample(stream))
        kernel.schedule(.serviceEnd(request: r), after: demand)
    }

    mutating func endService<Sink: RecordSink & ~Copyable>(of r: Int32, into sink: inout Sink) {
        let now = kernel.now
        let q = requests[r]
        let i = q.instance
        let s = Int(instances[Int(i)].station)
        sink.hopEnded(HopRecord(station: Int32(s), classIndex: q.classIndex,
                                wait: q.serviceStart - q.hopArrival, service: now - q.serviceStart,
                                measured: q.arrival >= spec.window.warmup))
        stations[s].accumulate(to: now)
        stations[s].busyLevel -= 1
        instances[Int(i)].busy &-= 1
        if !instances[Int(i)].waiting.isEmpty {
            let next = instances[Int(i)].waiting.removeFirst()
            stations[s].queueLevel -= 1
            startService(next, at: i, station: s)
        }
        let hops = pathStart[Int(q.classIndex) &+ 1] &- pathStart[Int(q.classIndex)]
        if q.hop + 1 == hops {
            finish(r, .success, into: &sink)
        } else {
            requests[r].hop += 1
            enterStation(r, into: &sink)
        }
    }

    /// Ends a request exactly once: counts it, reports it, frees its slot.
    mutating func finish<Sink: RecordSink & ~Copyable>(_ r: Int32, _ outcome: Outcome, into sink: inout Sink) {
        let now = kernel.now
        let q = requests[r]
        switch outcome {
        case .success: counters.successes &+= 1
        case .error(let cause): counters.errors[Int(cause.rawValue)] &+= 1
        }
        sink.requestEnded(RequestRecord(classIndex: q.classIndex, arrival: q.arrival, end: now,
                                        outcome: outcome, measured: q.arrival >= spec.window.warmup))
        changeInSystem(by: -1, at: now)
        requests.remove(r)
    }

    @inline(__always)
    mutating func changeInSystem(by delta: Int, at now: SimTime) {
        counters.inSystemIntegral += Double(counters.inSystem) * Double(now.nanoseconds &- inSystemSince.nanoseconds)
        inSystemSince = now
        counters.inSystem += delta
    }

    /// The counters brought up to now.
    mutating func snapshot() -> ModelCounters {
        let now = kernel.now
        changeInSystem(by: 0, at: now)
        for s in 0..<stationCount {
            stations[s].accumulate(to: now)
            counters.busyIntegral[s] = stations[s].busyIntegral
            counters.queueIntegral[s] = stations[s].queueIntegral
        }
        counters.time = now
        counters.events = kernel.delivered
        return counters
    }
}
