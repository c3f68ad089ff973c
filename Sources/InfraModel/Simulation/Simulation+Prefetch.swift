import CPrefetch
import SimKernel

/// Prefetching in large fleets (`Simulation.prefetching`: 512 instances or more). There the
/// instances' state and the requests in flight outgrow the processor's caches, and a service end
/// reads both from cold memory, one load waiting on the other (the request names its instance).
/// While the loop handles one event, it asks for what the next one will read. A hint only: no
/// result depends on it.
extension Simulation {
    @inline(__always)
    mutating func prefetch(after event: ModelEvent) {
        // The request this service end hands its instance to: the instance's state came in while
        // the previous event was handled; the request has been waiting in cold memory.
        if case .pool(.serviceEnd(_, let i)) = event, let waiting = instances[Int(i)].waiting.first {
            prefetch(request: waiting)
        }
        if case .pool(.serviceEnd(let r, let i))? = kernel.upcomingIfKnown {
            prefetch(request: r)
            prefetch(instance: i)
        }
    }

    /// A request's slot, every cache line of it.
    @inline(__always)
    func prefetch(request r: Int32) {
        prefetchLines(UnsafeRawPointer(requests.slots + Int(r)), MemoryLayout<Request>.size)
    }

    /// An instance's state, every cache line of it.
    @inline(__always)
    func prefetch(instance i: Int32) {
        prefetchLines(UnsafeRawPointer(instances + Int(i)), MemoryLayout<InstanceState>.size)
    }

    /// The cache lines of `bytes` bytes from `start` (a constant size: the loop unrolls).
    @inline(__always)
    func prefetchLines(_ start: UnsafeRawPointer, _ bytes: Int) {
        var offset = 0
        while offset < bytes {
            capsim_prefetch(start + offset)
            offset += 64
        }
        capsim_prefetch(start + (bytes - 1))
    }
}
