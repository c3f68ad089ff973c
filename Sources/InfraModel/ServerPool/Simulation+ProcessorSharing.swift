import SimKernel
import SimRandom

/// Processor sharing (`discipline: processor_sharing`): every request an instance admits is in
/// service at once, and its `cores` (the spec's `workers`) are shared equally — with n requests
/// in service each progresses at rate min(1, cores/n).
///
/// Each instance keeps a virtual-time clock V: the work (ns) each request in service has
/// received since the instance was last empty; dV/dt = min(1, cores/n). A request admitted with
/// demand d gets the finish tag V + d and is done when V reaches it, so the requests in service
/// sit in a min-heap by tag (`InstanceState.waiting` in heap mode) and only the smallest tag
/// needs an event: one scheduled completion per instance, cancelled and rescheduled when the
/// population changes (the kernel cancels lazily). Buffers grow to their peak and stay, so the
/// steady state allocates nothing.
///
/// Levels: the station's busy level counts cores in use, min(n, cores) per instance, and its
/// queue level the requests in service beyond the cores, max(0, n − cores); a request that
/// has finished its own service and waits for a downstream call (a synchronous chain) holds
/// its admission place (`busy`) but is in neither level — it uses no CPU.
extension Simulation {
    /// Brings instance `i`'s virtual clock up to now (call before its population changes).
    @inline(__always)
    mutating func advanceSharingClock(_ i: Int32, cores: Int32, now: SimTime) {
        let n = instances[Int(i)].waiting.heapCount
        if n > 0 {
            let dt = Double(now.nanoseconds &- instances[Int(i)].clockSince.nanoseconds)
            let progress = n <= Int(cores) ? dt : dt * Double(cores) / Double(n)
            // Completions are scheduled rounded up to the nanosecond, so V may overshoot the
            // smallest tag by a rounding error: clamp it (no request has negative work left).
            instances[Int(i)].virtualTime = Swift.min(
                instances[Int(i)].virtualTime + progress,
                instances[Int(i)].waiting.heapMin.tag)
        } else {
            instances[Int(i)].virtualTime = 0
        }
        instances[Int(i)].clockSince = now
    }

    /// Admits request `r` into service at instance `i` of processor-sharing station `s` (the
    /// admission limit workers + queue was checked by `enterStation`).
    mutating func admitSharing(_ r: Int32, at i: Int32, station s: Int) {
        let now = kernel.now
        let cores = stations[s].cores
        advanceSharingClock(i, cores: cores, now: now)
        stations[s].accumulate(to: now)
        if instances[Int(i)].waiting.heapCount < Int(cores) {
            stations[s].busyLevel += 1
        } else {
            stations[s].queueLevel += 1
        }
        instances[Int(i)].busy &+= 1
        loads[Int(i)] &+= 1
        requests[r].instance = i
        requests[r].serviceStart = now
        let demand = demand(of: r, at: s)
        instances[Int(i)].waiting.heapPush(tag: instances[Int(i)].virtualTime + Double(demand.nanoseconds), request: r)
        scheduleSharingCompletion(i, cores: cores, now: now)
    }

    /// Request `r`, the one with the smallest finish tag at instance `i`, has received all its
    /// demand (its completion event was just delivered): it leaves the sharing set. Its place
    /// (`busy`) is released by `release`, as with the other disciplines.
    mutating func completeSharing(_ r: Int32, at i: Int32, station s: Int) {
        let now = kernel.now
        let cores = stations[s].cores
        instances[Int(i)].completion = nil  // delivered, not to be cancelled
        advanceSharingClock(i, cores: cores, now: now)
        let (tag, head) = instances[Int(i)].waiting.heapPopMin()
        assert(head == r, "processor sharing: completion of a request that is not the next to finish")
        instances[Int(i)].virtualTime = instances[Int(i)].waiting.heapCount > 0 ? tag : 0
        stations[s].accumulate(to: now)
        if instances[Int(i)].waiting.heapCount < Int(cores) {
            stations[s].busyLevel -= 1
        } else {
            stations[s].queueLevel -= 1
        }
        scheduleSharingCompletion(i, cores: cores, now: now)
    }

    /// Makes the instance's one completion event match its state: the request with the smallest
    /// tag finishes after (tag − V)/rate, rounded up to the nanosecond.
    mutating func scheduleSharingCompletion(_ i: Int32, cores: Int32, now: SimTime) {
        let n = instances[Int(i)].waiting.heapCount
        guard n > 0 else {
            if let e = instances[Int(i)].completion {
                kernel.cancel(e)
                instances[Int(i)].completion = nil
            }
            return
        }
        let (tag, head) = instances[Int(i)].waiting.heapMin
        let left = tag - instances[Int(i)].virtualTime
        let wall = n <= Int(cores) ? left : left * Double(n) / Double(cores)
        // Saturating: a demand of centuries shared n ways lies beyond Int64's nanoseconds, "never".
        let at = now + SimDuration(nanoseconds: Int64(saturatingRounded: wall.rounded(.up)))
        if let e = instances[Int(i)].completion {
            if at == instances[Int(i)].completionAt && head == instances[Int(i)].completionRequest { return }
            kernel.cancel(e)
        }
        instances[Int(i)].completion = kernel.schedule(.pool(.serviceEnd(request: head, instance: i)), at: at)
        instances[Int(i)].completionAt = at
        instances[Int(i)].completionRequest = head
    }
}
