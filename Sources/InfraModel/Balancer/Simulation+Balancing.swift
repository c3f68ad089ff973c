import SimKernel
import SimRandom

/// Where a request goes within a pool: its station's `Balancer` over the pool's instances, the
/// ones out of the rotation skipped.
extension Simulation {
    /// The global index of the instance of station `s` that request `r` goes to, or −1 when no
    /// instance is in the rotation.
    @inline(__always)
    mutating func chooseInstance(for r: Int32, at s: Int) -> Int32 {
        let st = stations + s
        let first = st.pointee.firstInstance
        let candidates = Candidates(
            pool: instances + Int(first), count: st.pointee.instanceCount,
            eligible: st.pointee.healthyCount, limit: st.pointee.eligibleLimit)
        let k = st.pointee.balancer.choose(among: candidates, for: requests.slots + Int(r), replication: replication)
        return k < 0 ? -1 : first + k
    }

    /// Requests in flight at instance `i` (global index): busy workers plus those waiting.
    @inline(__always)
    func inFlight(_ i: Int32) -> Int {
        Int(instances[Int(i)].busy) + instances[Int(i)].waiting.count
    }
}
