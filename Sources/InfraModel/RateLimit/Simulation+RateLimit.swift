import SimKernel

/// Rate limits on the request path: `enterStation` asks before the balancer chooses an instance
/// (a fleet-wide bucket) or after (a bucket per instance). A request turned away fails with
/// `rate_limited`, blamed on the component, and holds nothing there.
extension Simulation {
    /// Whether request r may enter station s under its fleet-wide limit (always, without one
    /// or with a per-instance one).
    @inline(__always)
    mutating func passesFleetLimit(_ r: Int32, station s: Int) -> Bool {
        let base = limits.base[s]
        guard base >= 0, !limits.instanceScoped[s] else { return true }
        return limits.admit(bucket: Int(base) + bucketInUnit(r, station: s), station: s, at: kernel.now)
    }

    /// Whether request r may enter instance i (global index) of station s under a per-instance limit.
    @inline(__always)
    mutating func passesInstanceLimit(_ r: Int32, instance i: Int32, station s: Int) -> Bool {
        let base = limits.base[s]
        guard base >= 0, limits.instanceScoped[s] else { return true }
        let local = Int(i &- stations[s].firstInstance)
        return limits.admit(
            bucket: Int(base) + local * Int(limits.perUnit[s]) + bucketInUnit(r, station: s), station: s, at: kernel.now
        )
    }

    /// The request's bucket among a unit's: its key's with `per: key` (rank 1 → 0), its
    /// class's with `per: class`, else the one.
    @inline(__always)
    func bucketInUnit(_ r: Int32, station s: Int) -> Int {
        if limits.keyed[s] {
            // The decoder refuses a per-key limit on the path of a class without keys.
            assert(requests[r].dataKey >= 1, "a request at a per-key limit has a key")
            return Int(requests[r].dataKey &- 1)
        }
        return limits.perUnit[s] > 1 ? Int(requests[r].classIndex) : 0
    }
}
