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
        let candidates = self.candidates(
            from: first, count: st.pointee.instanceCount, eligible: st.pointee.healthyCount,
            limit: st.pointee.eligibleLimit)
        let k = st.pointee.balancer.choose(among: candidates, for: requests.slots + Int(r), replication: replication)
        return k < 0 ? -1 : first + k
    }

    /// The `count` instances from global index `start` as a balancer's candidates (see
    /// `Candidates` for `eligible`, `excluded` and `limit`).
    @inline(__always)
    func candidates(
        from start: Int32, count: Int32, eligible: Int32, excluded: Int32 = -1, limit: Int32? = nil
    ) -> Candidates {
        Candidates(
            pool: instances + Int(start), loads: loads + Int(start), count: count, eligible: eligible,
            excluded: excluded, limit: limit)
    }

    /// Requests in flight at instance `i` (global index): busy workers plus those waiting (in
    /// service holding a worker, also across their calls, and waiting in its line).
    @inline(__always)
    func inFlight(_ i: Int32) -> Int { Int(loads[Int(i)]) }

    /// Where `loads` disagrees with the instances' own state (busy workers plus waiting
    /// requests): nil when every entry agrees, as it must at every event boundary; otherwise
    /// the first instance that does not.
    func loadsDisagree() -> String? {
        for i in 0..<instanceCount where Int(loads[i]) != Int(instances[i].busy) + instances[i].waiting.count {
            return "instance \(i): load \(loads[i]), busy \(instances[i].busy), waiting \(instances[i].waiting.count)"
        }
        return nil
    }
}
