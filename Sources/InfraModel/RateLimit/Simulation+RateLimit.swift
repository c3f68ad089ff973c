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
        return limits.admit(bucket: Int(base) + classPart(r, station: s), station: s, at: kernel.now)
    }

    /// Whether request r may enter instance i (global index) of station s under a per-instance limit.
    @inline(__always)
    mutating func passesInstanceLimit(_ r: Int32, instance i: Int32, station s: Int) -> Bool {
        let base = limits.base[s]
        guard base >= 0, limits.instanceScoped[s] else { return true }
        let local = Int(i &- stations[s].firstInstance)
        return limits.admit(
            bucket: Int(base) + local * Int(limits.perUnit[s]) + classPart(r, station: s), station: s, at: kernel.now)
    }

    /// The request's bucket among a unit's: its class with `per: class`, else the one.
    @inline(__always)
    func classPart(_ r: Int32, station s: Int) -> Int {
        limits.perUnit[s] > 1 ? Int(requests[r].classIndex) : 0
    }
}
