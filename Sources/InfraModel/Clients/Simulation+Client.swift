import SimKernel
import SimRandom

/// The retry budget's token bucket: `ratio` tokens per first attempt, one per retry.
enum RetryBudget {
    /// Largest balance (and the starting one): enough for a short burst of retries.
    static func capacity(ratio: Double) -> Double { 10 + 100 * ratio }
}

/// Clients with a policy: attempts, timeouts, deadlines, retries with backoff and budget.
///
/// A client's request is one logical request; each attempt is a request in the slab that walks
/// the path like any other. When the client gives up on an attempt (its timeout) the attempt is
/// abandoned (`Request.Audience.nobody`), not removed: it keeps the worker or queue place it has
/// until its service ends — wasted work, which is how retry storms feed themselves.
extension Simulation {
    /// A new logical request of a class with a client policy.
    mutating func startClient<Sink: RecordSink & ~Copyable>(serial: UInt64, classIndex c: Int32, into sink: inout Sink)
    {
        let now = kernel.now
        counters.changeInSystem(by: 1, at: now, tally: &inSystemLevels)
        counters.arrivals &+= 1
        let stamp = requests.newStamp()
        let k = clients.slab.insert(
            Client(
                arrival: now, serial: serial, classIndex: c, attempts: 0, current: -1,
                stamp: stamp, previousWait: 0, live: true))
        if let ratio = clients.budgetRatio[Int(c)] {
            clients.budgetTokens[Int(c)] = min(RetryBudget.capacity(ratio: ratio), clients.budgetTokens[Int(c)] + ratio)
        }
        startTimer(clients.deadlineQueue[Int(c)], index: k, stamp: stamp)
        startAttempt(k, into: &sink)
    }

    /// Starts client k's next attempt at the first station of its path.
    mutating func startAttempt<Sink: RecordSink & ~Copyable>(_ k: Int32, into sink: inout Sink) {
        let c = clients[k].classIndex
        var attempt = Request(arrival: kernel.now, serial: clients[k].serial, classIndex: c)
        attempt.client = k
        let stamp = requests.newStamp()
        attempt.stamp = stamp
        attempt.attempt = clients[k].attempts
        // The client's key: the same serial, so the same draw.
        if Shape.hasFeatures && arrivals.keys.any { attempt.dataKey = dataKey(serial: attempt.serial, classIndex: c) }
        clients[k].attempts += 1
        counters.attemptsStarted &+= 1
        let r = requests.insert(attempt)
        if routes.synchronous[Int(c)] { beginTree(r) }
        if Shape.hasFeatures && dns.any && dns.routed[Int(c)] { resolveRegion(r) }
        clients[k].current = r
        startTimer(clients.timeoutQueue[Int(c)], index: r, stamp: stamp)
        if clients.patient[Int(c)], let patience = spec.classes[Int(c)].client?.patience {
            // The attempt's own patience: seated at its client's serial, one block per attempt.
            clients.patienceStream.seat(
                replication: replication, entity: clients[k].serial,
                block: UInt64(UInt32(bitPattern: attempt.attempt)) << 8)
            kernel.schedule(
                .client(.patience(request: r, stamp: stamp)),
                after: SimDuration(seconds: patience.sample(clients.patienceStream)))
        }
        enterStation(r, into: &sink)
    }

    mutating func startTimer(_ q: Int32, index: Int32, stamp: UInt32) {
        guard q >= 0 else { return }
        if clients.timers[Int(q)].start(now: kernel.now, index: index, stamp: stamp) {
            kernel.schedule(.client(.timers(queue: q)), after: clients.timers[Int(q)].duration)
        }
    }

    /// An attempt of client k ended (its path completed, or failed at a station).
    mutating func attemptEnded<Sink: RecordSink & ~Copyable>(
        _ r: Int32, client k: Int32, _ outcome: Outcome, into sink: inout Sink
    ) {
        let orphan = requests[r].audience == .nobody
        // The slot's hop times stay readable until the slab hands the slot out again, which
        // cannot happen before the record below is sent.
        let hops = requests.pathLength > 0 ? UnsafePointer(requests.hopTimes(r)) : nil
        if requests[r].phase != .ended { requests.remove(r) }
        if orphan {
            if outcome == .success { counters.wastedAttempts &+= 1 }
            return
        }
        assert(clients[k].live && clients[k].current == r, "an attempt ended that its client is not waiting for")
        clients[k].current = -1
        switch outcome {
        case .success: endClient(k, .success, hopTimes: hops, into: &sink)
        case .error(let cause):
            clients[k].blame = blame
            retryOrFail(k, cause, into: &sink)
        }
    }

    /// After a failed attempt: back off and retry if the policy, the budget and the deadline
    /// allow; otherwise the request fails with `cause` (or `retry_budget_exhausted`).
    mutating func retryOrFail<Sink: RecordSink & ~Copyable>(_ k: Int32, _ cause: ErrorCause, into sink: inout Sink) {
        let c = Int(clients[k].classIndex)
        let attempts = Int(clients[k].attempts)
        guard let policy = spec.classes[c].client?.retries, attempts <= policy.maxRetries else {
            endClient(k, .error(cause), into: &sink)
            return
        }
        if policy.budget != nil {
            guard clients.budgetTokens[c] >= 1 else {
                endClient(k, .error(.retryBudgetExhausted), into: &sink)
                return
            }
            clients.budgetTokens[c] -= 1
        }
        // The backoff is the client's own randomness: seated at its serial, one block per retry.
        clients.retryStream.seat(replication: replication, entity: clients[k].serial, block: UInt64(attempts) << 8)
        let wait = policy.wait(retry: attempts, stream: clients.retryStream, previous: clients[k].previousWait)
        clients[k].previousWait = wait
        kernel.schedule(.client(.retry(client: k, stamp: clients[k].stamp)), after: SimDuration(nanoseconds: wait))
    }

    /// The head(s) of timer queue q expired: attempt timeouts, deadlines or watched calls'
    /// timeouts, skipping stale ones. Then the stale timers now at the head go without an event:
    /// a timer's attempt, client or call, once ended, never comes back under the timer's stamp
    /// (a reused slot has a new one), so its expiry would do nothing. The queue re-arms for the
    /// first timer still live; with timeouts far longer than the requests, one event then serves
    /// a whole run of timers instead of one each.
    mutating func timersExpired<Sink: RecordSink & ~Copyable>(_ q: Int32, into sink: inout Sink) {
        let now = kernel.now
        let kind = clients.timers.kinds[Int(q)]
        while let e = clients.timers[Int(q)].popExpired(now: now) {
            if kind == .call {
                callTimedOut(e.index, stamp: e.stamp, into: &sink)
            } else if kind == .deadline {
                let k = e.index
                guard deadlineIsLive(client: k, stamp: e.stamp) else { continue }
                let r = clients[k].current
                if r >= 0 {
                    requests[r].abandon()
                    clients[k].current = -1
                }
                endClient(k, .error(.deadlineExceeded), into: &sink)
            } else {
                attemptTimedOut(e.index, stamp: e.stamp, into: &sink)
            }
        }
        while let e = clients.timers[Int(q)].first, !timerIsLive(e, kind: kind) {
            clients.timers[Int(q)].removeFirst()
        }
        if let t = clients.timers[Int(q)].rearm() {
            kernel.schedule(.client(.timers(queue: q)), at: SimTime(nanoseconds: t))
        }
    }

    /// Whether timer e of a queue of `kind` would act if it expired now: the test its handler
    /// makes first. False stays false (see `timersExpired`).
    func timerIsLive(_ e: TimerQueue.Entry, kind: TimerKind) -> Bool {
        switch kind {
        case .attempt: attemptIsWaitedFor(e.index, stamp: e.stamp)
        case .deadline: deadlineIsLive(client: e.index, stamp: e.stamp)
        case .call: watchedCallIsWaitedFor(e.index, stamp: e.stamp)
        }
    }

    /// Whether client k is still the one whose deadline was started under `stamp`.
    @inline(__always)
    func deadlineIsLive(client k: Int32, stamp: UInt32) -> Bool {
        clients[k].live && clients[k].stamp == stamp
    }

    /// Whether request r is still the root attempt started under `stamp`, its client still
    /// waiting for it.
    @inline(__always)
    func attemptIsWaitedFor(_ r: Int32, stamp: UInt32) -> Bool {
        requests[r].isLive && requests[r].stamp == stamp && requests[r].audience == .caller && requests[r].parent < 0
            && requests[r].phase != .ended
    }

    /// The client of attempt r gives up on it (if r is still that attempt and still waited
    /// for): the attempt is orphaned — it keeps whatever it holds — and the client retries or fails.
    mutating func attemptTimedOut<Sink: RecordSink & ~Copyable>(_ r: Int32, stamp: UInt32, into sink: inout Sink) {
        guard attemptIsWaitedFor(r, stamp: stamp) else { return }
        let k = requests[r].client
        requests[r].abandon()
        clients[k].current = -1
        clients[k].blame = Blame()
        retryOrFail(k, .timeout, into: &sink)
    }

    /// Ends client k's request exactly once: counts it, reports it, frees its slot.
    mutating func endClient<Sink: RecordSink & ~Copyable>(
        _ k: Int32, _ outcome: Outcome, hopTimes: UnsafePointer<Int64>? = nil,
        into sink: inout Sink
    ) {
        let client = clients[k]
        // Blame the component behind its last attempt's error, unless the client itself gave up.
        var blamed = Blame()
        if case .error(let cause) = outcome, cause != .timeout, cause != .deadlineExceeded, cause != .inFlightAtEnd {
            blamed = client.blame
        }
        reportEnd(
            serial: client.serial, classIndex: client.classIndex, arrival: client.arrival, outcome,
            attempts: client.attempts,
            hopTimes: hopTimes, blame: blamed, into: &sink)
        if client.current >= 0 { requests[client.current].abandon() }
        clients.slab.remove(k)
    }
}
