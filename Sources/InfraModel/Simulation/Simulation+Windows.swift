import SimKernel

/// Boundary ticks for windowed statistics (availability over time, time series).
///
/// Each window length in `spec.windowLengths` is a clock. Windows start at the warm-up (the
/// start of the measurement window), so clock c's boundaries are warm-up + k·length, k ≥ 1,
/// strictly before the horizon; `windowOpened`/`windowClosed` give the first start and the last
/// end (a last window shorter than the length when it does not divide the measured span).
/// Each tick schedules the next, so at most one tick per clock is pending: the event heap does
/// not grow with the horizon.
///
/// Ticks observe and never act: they are not mixed into the trajectory fingerprint, and the
/// counters they pass are computed without touching the model's integrals (the integrals are
/// brought up to date only at the window's open and close, as without ticks), so a run with
/// windows has the same trajectory, fingerprint and whole-window statistics as one without.
/// They do count in `RunOutcome.events` (they are kernel events).
extension Simulation {
    /// Schedules every clock's first boundary; nothing when the statistics need no windows.
    mutating func scheduleFirstTicks() {
        let lengths = spec.windowLengths
        for (c, length) in lengths.enumerated() { scheduleTick(Int32(c), after: spec.window.warmup, length: length) }
    }

    /// Schedules clock `clock`'s boundary one `length` after `from`, if it lies before the horizon.
    mutating func scheduleTick(_ clock: Int32, after from: SimTime, length: SimDuration) {
        guard from.nanoseconds <= spec.window.horizon.nanoseconds - length.nanoseconds else { return }
        let at = from + length
        if at < spec.window.horizon { kernel.schedule(.window(.tick(clock: clock)), at: at) }
    }

    /// Handles a boundary of clock `clock`: reports the counters and the settled instant, then
    /// schedules the next boundary.
    mutating func windowTick<Sink: RecordSink & ~Copyable>(_ clock: Int32, into sink: inout Sink) {
        let now = kernel.now
        sink.windowTicked(clock: Int(clock), counters: countersNow(), settled: oldestArrivalInFlight() ?? now)
        scheduleTick(clock, after: now, length: spec.windowLengths[Int(clock)])
    }

    /// The counters as `snapshot()` would give them now, computed on a copy: the model's own
    /// integrals are left as they are (see above).
    func countersNow() -> ModelCounters {
        let now = kernel.now
        var c = counters
        c.inSystemIntegral += Double(c.inSystem) * Double(now.nanoseconds &- c.inSystemSince.nanoseconds)
        // Time series report no distributions (see `ModelCounters.inSystemLevels`).
        c.inSystemLevels = LevelTimes()
        c.queueLevels = []
        c.presentLevels = []
        for s in 0..<stationCount {
            let st = stations[s]
            let dt = Double(now.nanoseconds &- st.levelsSince.nanoseconds)
            c.busyIntegral[s] = st.busyIntegral + Double(st.busyLevel) * dt
            c.queueIntegral[s] = st.queueIntegral + Double(st.queueLevel) * dt
        }
        autoscaleCountersNow(&c, now)
        if hasDatabases { c.databases = databaseCounters }
        c.time = now
        c.events = kernel.delivered
        return c
    }

    /// The earliest arrival of a request still in flight (nil: none). A request not yet ended
    /// has a live client (which holds its first arrival) or a live root strand, so the minimum
    /// over live clients and strands is at most its arrival. O(slots in use), once per tick.
    func oldestArrivalInFlight() -> SimTime? {
        var oldest: SimTime?
        for k in 0..<clients.slab.used where clients.slab.slots[k].live {
            let a = clients.slab.slots[k].arrival
            oldest = min(oldest ?? a, a)
        }
        for i in 0..<requests.used where requests.slots[i].isLive {
            let a = requests.slots[i].arrival
            oldest = min(oldest ?? a, a)
        }
        return oldest
    }
}
