import SimKernel
import SimRandom

/// Synchronous call trees: a station's own service, then its calls — one after another, fanned
/// out in parallel, made with a probability or repeated — while it holds its worker.
///
/// A request is a strand of control with a stack of call frames (the stations it holds above the
/// one it is at). A call within the strand pushes a frame; the callee's return pops it and the
/// caller goes on with its next step. A parallel step gives each branch a child strand and the
/// caller waits until its `pending` children have all returned. A failure anywhere fails the
/// whole request at once (as a client library's "all" does): the failing strand and its
/// ancestors release what they hold; branches still running are detached and finish their work
/// for nobody (wasted work, like an attempt whose client gave up).
///
/// Randomness stays the request's own: a visit's draws are seated at (request serial, node,
/// visit key, attempt), where the visit key tells repeated visits to a node apart and is 0 for
/// every visit of a chain, so chains draw exactly as before call trees existed.
extension Simulation {
    /// The key of a visit that is repetition `rep` of a call made by a visit keyed `parent`:
    /// 0 for a first call under a first call, else a 16-bit hash of both (never 0). Two visits
    /// of one request to one node share a key only on a hash collision (1 in 65,535), which would
    /// correlate their draws, not break anything.
    @inline(__always)
    static func visitKey(parent: UInt32, rep: Int32) -> UInt32 {
        if parent == 0 && rep == 0 { return 0 }
        var z = (UInt64(parent) << 32 | UInt64(UInt32(bitPattern: rep))) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        let k = UInt32(truncatingIfNeeded: z ^ (z &>> 31)) & 0xFFFF
        return k == 0 ? 1 : k
    }

    /// Whether strand r makes repetition `rep` of its call to node m (rep 0: the call itself,
    /// with the node's probability; later ones with its probability of calling again).
    mutating func makesCall(_ r: Int32, to m: Int32, rep: Int32, parentKey: UInt32) -> Bool {
        let q = requests[r]
        let node = calls.node(q.classIndex, m).pointee
        let p = rep == 0 ? node.probability : node.again
        if p >= 1 { return true }
        if p <= 0 { return false }
        let key = Self.visitKey(parent: parentKey, rep: rep)
        calls.stream.seat(
            replication: replication, entity: q.serial | UInt64(UInt32(bitPattern: m)) << 40,
            block: UInt64(key) << 32 | UInt64(UInt32(bitPattern: q.attempt) & 0xFFFF) << 16)
        return calls.stream.uniform() < p
    }

    /// Strand r visits node m (repetition rep of a call from a visit keyed parentKey).
    mutating func visit<Sink: RecordSink & ~Copyable>(
        _ r: Int32, node m: Int32, rep: Int32, parentKey: UInt32, into sink: inout Sink
    ) {
        requests[r].hop = m
        requests[r].rep = rep
        requests[r].key = Self.visitKey(parent: parentKey, rep: rep)
        enterStation(r, into: &sink)
    }

    /// Strand r's own service at its node is over: it calls onward, or (a leaf) returns.
    mutating func endVisitService<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let now = kernel.now
        let q = requests[r]
        let s = Int(instances[Int(q.instance)].station)
        if stations[s].sharing { completeSharing(r, at: q.instance, station: s) }
        if requests.pathLength > 0 {
            requests.hopTimes(q.root)[Int(q.hop)] &+= now.nanoseconds &- q.hopArrival.nanoseconds
        }
        let leaf = calls.node(q.classIndex, q.hop).pointee.stepCount == 0
        // A cache hit returns at once: its calls (the backend) are made only on a miss.
        let hit = Shape.hasFeatures && caches.any && cacheLookup(r, station: s, fillNow: leaf)
        if !leaf && !hit {
            requests.frame(r, q.depth).pointee = CallFrame(
                instance: q.instance, hopArrival: q.hopArrival, serviceStart: q.serviceStart,
                serviceEnd: now, node: q.hop, rep: q.rep, key: q.key, step: 0)
            requests[r].depth = q.depth &+ 1
            runSteps(r, from: 0, into: &sink)
        } else {
            reportHop(
                at: s, of: q, on: q.instance, arrived: q.hopArrival, started: q.serviceStart, served: now, into: &sink)
            release(q.instance, station: s, into: &sink)
            visitReturned(r, into: &sink)
        }
    }

    /// The caller on top of strand r's frames makes its steps from `first` on; when none is
    /// left to make, its own visit returns.
    mutating func runSteps<Sink: RecordSink & ~Copyable>(_ r: Int32, from first: Int32, into sink: inout Sink) {
        let c = requests[r].classIndex
        let top = requests[r].depth &- 1
        let caller = requests.frame(r, top).pointee
        let node = calls.node(c, caller.node).pointee
        var s = first
        while s < node.stepCount {
            let step = calls.steps[Int(node.firstStep &+ s)]
            requests.frame(r, top).pointee.step = s
            let m = calls.targets[Int(step.firstTarget)]
            if !step.parallel && !calls.node(c, m).pointee.guarded {
                if makesCall(r, to: m, rep: 0, parentKey: caller.key) {
                    visit(r, node: m, rep: 0, parentKey: caller.key, into: &sink)
                    return
                }
            } else if fanOut(r, step, parentKey: caller.key, into: &sink) {
                return
            }
            s &+= 1
        }
        callerReturns(r, into: &sink)
    }

    /// A parallel step: a child strand per branch called (each by its own probability). Returns
    /// false when no branch is called (the caller goes straight on).
    mutating func fanOut<Sink: RecordSink & ~Copyable>(
        _ r: Int32, _ step: CallTable.Step, parentKey: UInt32,
        into sink: inout Sink
    ) -> Bool {
        assert(calls.scratch.isEmpty, "fan-outs do not nest within one event")
        if requests[r].stamp == 0 {
            requests[r].stamp = requests.newStamp()
        }
        let q = requests[r]
        // Insert every branch before any enters a station: an immediate rejection fails the
        // caller, and the branches not yet sent must still see it as their parent.
        for t in 0..<step.targetCount {
            let m = calls.targets[Int(step.firstTarget &+ t)]
            guard makesCall(r, to: m, rep: 0, parentKey: parentKey) else { continue }
            var child = Request(arrival: q.arrival, serial: q.serial, classIndex: q.classIndex)
            child.attempt = q.attempt
            child.dataKey = q.dataKey
            child.servingRegion = q.servingRegion
            child.parent = r
            child.parentStamp = q.stamp
            child.baseKey = parentKey
            child.root = q.root
            child.stamp = requests.newStamp()
            child.hop = m
            child.baseNode = m
            child.key = Self.visitKey(parent: parentKey, rep: 0)
            let node = calls.node(q.classIndex, m).pointee
            child.role = node.guarded ? .watchedCall : .branch
            if node.guarded {
                if node.policy >= 0, let ratio = calls.policies[Int(node.policy)].budget {
                    let f = calls.flat(q.classIndex, m)
                    calls.budget[f] = min(RetryBudget.capacity(ratio: ratio), calls.budget[f] + ratio)
                }
            }
            calls.scratch.append(requests.insert(child))
        }
        guard !calls.scratch.isEmpty else { return false }
        requests[r].pending = Int32(calls.scratch.count)
        for k in calls.scratch.indices { sendBranch(calls.scratch[k], into: &sink) }
        calls.scratch.removeAll(keepingCapacity: true)
        return true
    }

    /// Strand r's visit at its current node is over (reported and released): the call is
    /// repeated, or the strand returns to its caller.
    mutating func visitReturned<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let q = requests[r]
        let parentKey = q.depth > 0 ? requests.frame(r, q.depth &- 1).pointee.key : q.baseKey
        if q.hop != 0, makesCall(r, to: q.hop, rep: q.rep &+ 1, parentKey: parentKey) {
            visit(r, node: q.hop, rep: q.rep &+ 1, parentKey: parentKey, into: &sink)
            return
        }
        if q.depth == 0 {
            strandReturned(r, into: &sink)
            return
        }
        runSteps(r, from: requests.frame(r, q.depth &- 1).pointee.step &+ 1, into: &sink)
    }

    /// The caller on top of strand r's frames has made all its calls: it reports its hop,
    /// releases its worker, and its own visit returns.
    mutating func callerReturns<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let d = requests[r].depth &- 1
        let f = requests.frame(r, d).pointee
        if f.instance < 0 {
            bypassReturns(r, f, into: &sink)
            return
        }
        // The caller's instance hangs: it cannot go on, and the strand waits for its restart.
        if !instances[Int(f.instance)].up {
            requests[r].stall()
            requests[r].instance = f.instance
            return
        }
        let q = requests[r]
        requests[r].depth = d
        let s = Int(instances[Int(f.instance)].station)
        reportHop(
            at: s, of: q, on: f.instance, arrived: f.hopArrival, started: f.serviceStart, served: f.serviceEnd,
            into: &sink)
        release(f.instance, station: s, into: &sink)
        if Shape.hasFeatures && caches.any { cacheFill(r, instance: f.instance, station: s) }
        requests[r].hop = f.node
        requests[r].rep = f.rep
        requests[r].key = f.key
        requests[r].instance = f.instance
        visitReturned(r, into: &sink)
    }

    /// Strand r has returned from its first visit: a root request succeeds; a branch tells
    /// its parent, which goes on when its last branch is back (unless it has ended: detached).
    mutating func strandReturned<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let q = requests[r]
        if q.parent < 0 {
            finish(r, .success, into: &sink)
            return
        }
        requests.remove(r)
        if q.audience == .nobody { return }
        let p = q.parent
        guard requests[p].isLive && requests[p].stamp == q.parentStamp else { return }
        requests[p].pending &-= 1
        if requests[p].pending == 0 {
            runSteps(p, from: requests.frame(p, requests[p].depth &- 1).pointee.step &+ 1, into: &sink)
        }
    }

    /// Strand r failed: it releases what it holds, and the failure goes up to its parent and so
    /// on to the root, which ends the request with `cause`.
    /// A zombie (see `Simulation.kill`) keeps its slot: an event or a waiting line still refers to it.
    mutating func failStrand<Sink: RecordSink & ~Copyable>(_ r: Int32, _ cause: ErrorCause, into sink: inout Sink) {
        unwind(r, into: &sink)
        let q = requests[r]
        if q.parent < 0 {
            finish(r, .error(cause), into: &sink)
            return
        }
        if q.phase != .ended { requests.remove(r) }
        if q.audience == .nobody { return }
        let p = q.parent
        guard requests[p].isLive && requests[p].stamp == q.parentStamp else { return }
        if q.role == .watchedCall {
            callFailed(q, cause, into: &sink)
        } else {
            failStrand(p, cause, into: &sink)
        }
    }

    /// True when nobody waits for strand r any more: its attempt's client gave up, or an
    /// ancestor strand has ended.
    func abandoned(_ r: Int32) -> Bool {
        var i = r
        while true {
            let q = requests[i]
            if q.phase == .ended || q.audience == .nobody { return true }
            if q.parent < 0 { return false }
            let p = q.parent
            if !requests[p].isLive || requests[p].stamp != q.parentStamp { return true }
            i = p
        }
    }
}
