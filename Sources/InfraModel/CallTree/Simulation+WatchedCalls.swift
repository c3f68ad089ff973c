import SimKernel
import SimRandom

/// Timeouts and retries on the edges of a call tree: a caller that watches a call (its node has
/// a `timeout` or `retries`) sends it as a strand of its own, so it can stop waiting for it — the
/// callee's work goes on for nobody, as a client's abandoned attempt does — and send the call
/// again after a backoff. The caller keeps its worker all along (it is waiting for an answer).
///
/// A retry is a fresh strand with the next try number: its visit key (and so every draw below
/// it) differs from the try before, so a retried call is not a replay of the slow one. While a
/// retry backs off it is parked in the slab and goes out on its `callRetry` event.
extension Simulation {
    /// Sends branch strand r (just created or parked) to its node, watching it if it has a timeout.
    mutating func sendBranch<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let q = requests[r]
        if q.role == .watchedCall {
            let node = calls.node(q.classIndex, q.baseNode).pointee
            if node.timerQueue >= 0 { startTimer(node.timerQueue, index: r, stamp: q.stamp) }
        }
        enterStation(r, into: &sink)
    }

    /// The timeout of watched call r expired: its caller gives up on it and retries or fails.
    mutating func callTimedOut<Sink: RecordSink & ~Copyable>(_ r: Int32, stamp: UInt32, into sink: inout Sink) {
        guard watchedCallIsWaitedFor(r, stamp: stamp) else { return }
        let q = requests[r]
        requests[r].abandon()
        callFailed(q, .timeout, into: &sink)
    }

    /// Whether strand r is still the watched call started under `stamp`, its caller still
    /// waiting for it.
    func watchedCallIsWaitedFor(_ r: Int32, stamp: UInt32) -> Bool {
        let q = requests[r]
        guard q.isLive, q.stamp == stamp, q.audience == .caller, q.phase != .ended else { return false }
        let p = q.parent
        return p >= 0 && requests[p].isLive && requests[p].stamp == q.parentStamp
    }

    /// Watched call `q` (a strand that has just failed, or been given up on) is over for its
    /// caller: another try after a backoff if the node's retry policy and budget allow, else
    /// the caller fails with `cause` (or `retry_budget_exhausted`).
    mutating func callFailed<Sink: RecordSink & ~Copyable>(_ q: Request, _ cause: ErrorCause, into sink: inout Sink) {
        let p = q.parent
        let c = q.classIndex
        let node = calls.node(c, q.baseNode).pointee
        let tries = q.callAttempt &+ 1
        guard node.policy >= 0 else {
            failStrand(p, cause, into: &sink)
            return
        }
        let policy = calls.policies[Int(node.policy)]
        guard Int(tries) <= policy.maxRetries else {
            failStrand(p, cause, into: &sink)
            return
        }
        if policy.budget != nil {
            let f = calls.flat(c, q.baseNode)
            guard calls.budget[f] >= 1 else {
                failStrand(p, .retryBudgetExhausted, into: &sink)
                return
            }
            calls.budget[f] -= 1
        }
        var retry = Request(arrival: q.arrival, serial: q.serial, classIndex: c)
        retry.attempt = q.attempt
        retry.servingRegion = q.servingRegion
        retry.parent = p
        retry.parentStamp = q.parentStamp
        retry.baseKey = q.baseKey
        retry.baseNode = q.baseNode
        retry.root = q.root
        retry.role = .watchedCall
        retry.callAttempt = tries
        retry.hop = q.baseNode
        retry.key = Self.visitKey(parent: q.baseKey, rep: tries << 20)
        retry.stamp = requests.newStamp()
        // The backoff is the request's own draw: seated at its serial and node, one block per try.
        clients.retryStream.seat(
            replication: replication, entity: q.serial | UInt64(UInt32(bitPattern: q.baseNode)) << 40,
            block: UInt64(retry.key) << 32 | UInt64(UInt32(bitPattern: tries) & 0xFFFF) << 16)
        let wait = policy.wait(retry: Int(tries), stream: clients.retryStream, previous: 0)
        let r = requests.insert(retry)
        kernel.schedule(.call(.retry(strand: r, stamp: retry.stamp)), after: SimDuration(nanoseconds: wait))
    }

    /// A parked retry's backoff is over: it goes out if its caller still waits.
    mutating func retryCall<Sink: RecordSink & ~Copyable>(_ r: Int32, stamp: UInt32, into sink: inout Sink) {
        guard requests[r].isLive, requests[r].stamp == stamp else { return }
        let p = requests[r].parent
        guard requests[p].isLive, requests[p].stamp == requests[r].parentStamp else {
            requests.remove(r)
            return
        }
        sendBranch(r, into: &sink)
    }
}
