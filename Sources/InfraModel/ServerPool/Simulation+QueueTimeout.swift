import SimKernel
import SimRandom

/// A server pool's queue timeout (`timeout:` on a pool): a request that has waited in an
/// instance's line for its timeout leaves the line at that moment, unserved, and ends with
/// `timeout`, blamed on the pool. Its wait is reported (a hop that was not served), so the
/// pool's wait statistics cover every visit that queued.
extension Simulation {
    /// Request r has just joined a line of station s, which has a queue timeout: schedules the
    /// end of its patience for this visit (a fresh stamp, so a later visit is not confused
    /// with this one).
    @inline(never)
    mutating func startQueueTimer(_ r: Int32, station s: Int) {
        let stamp = requests.newStamp()
        requests[r].lineStamp = stamp
        let wait: SimDuration
        switch stations[s].queueTimeout {
        case nil: preconditionFailure("a queue timer starts only at a station with a queue timeout")
        case .fixed(let d): wait = d
        case .patience(let distribution):
            // The visit's own draw: seated at the request and hop, like its service demand.
            let stream = stations[s].patienceStream
            seatDraws(stream, for: r)
            wait = SimDuration(seconds: distribution.sample(stream))
        }
        kernel.schedule(.pool(.queueTimeout(request: r, stamp: stamp)), after: wait)
    }

    /// The timeout of request r's visit (stamped `stamp`) is up: if it still waits in that
    /// visit's line, it leaves unserved. Stale otherwise (served, failed or gone since).
    mutating func queueTimedOut<Sink: RecordSink & ~Copyable>(_ r: Int32, stamp: UInt32, into sink: inout Sink) {
        guard requests[r].isLive, requests[r].lineStamp == stamp else { return }
        let i = requests[r].instance
        guard i >= 0, instances[Int(i)].waiting.remove(r) else { return }
        loads[Int(i)] &-= 1
        requests[r].lineStamp = 0
        let s = Int(instances[Int(i)].station)
        let now = kernel.now
        stations[s].accumulate(to: now)
        stations[s].queueLevel -= 1
        stations[s].timedOut &+= 1
        let q = requests[r]
        if q.phase != .ended { reportUnserved(at: s, of: q, into: &sink) }
        fail(r, .timeout, blamingStation: true, into: &sink)
    }
}
