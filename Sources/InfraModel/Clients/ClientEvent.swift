/// Clients' events: timers, backoffs and patience.
enum ClientEvent {
    /// The head of this timer queue expires (an attempt timeout, a deadline, or a watched call's
    /// timeout).
    case timers(queue: Int32)
    /// This client's backoff is over: it starts its next attempt (if it is still the same client).
    case retry(client: Int32, stamp: UInt32)
    /// The random patience of the attempt at this slab index ran out (if it is still the same
    /// attempt and still waited for). Random durations do not expire in start order, so these
    /// timers live in the kernel's heap, one per attempt, cancelled lazily by the stamp.
    case patience(request: Int32, stamp: UInt32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .timers(let q): (4, q)
        case .retry(let k, _): (5, k)
        case .patience(let r, _): (6, r)
        }
    }
}

extension Simulation {
    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: ClientEvent, into sink: inout Sink) {
        switch event {
        case .timers(let q): timersExpired(q, into: &sink)
        case .retry(let k, let stamp):
            if clients[k].live && clients[k].stamp == stamp { startAttempt(k, into: &sink) }
        case .patience(let r, let stamp): attemptTimedOut(r, stamp: stamp, into: &sink)
        }
    }
}
