import InfraModel

extension ModelSpec {
    /// The share of station s's requests each of its instances receives in the long run:
    /// weighted round robin's weights over their sum; consistent hashing's ring shares
    /// (`consistentHashShares`), and under a load factor f those shares capped at f/n with the
    /// excess spread over the others in proportion to their own (an estimate, as
    /// `heaviestInstanceShare`'s: the bound caps requests in flight, not arrivals); 1/n
    /// otherwise. They sum to 1.
    public func instanceShares(station s: Int) -> [Double] {
        let st = stations[s]
        let n = st.instances
        if st.balance == .weightedRoundRobin, let w = st.weights, w.count == n {
            let total = Double(w.reduce(0, +))
            return w.map { Double($0) / total }
        }
        guard var shares = consistentHashShares(station: s) else { return Array(repeating: 1 / Double(n), count: n) }
        guard let f = st.consistentHash.loadFactor else { return shares }
        // Water-filling: cap, hand the excess to the uncapped in proportion, repeat until none
        // exceeds the cap (at most n rounds: each round caps at least one more instance).
        let cap = max(f, 1) / Double(n)
        var capped = Array(repeating: false, count: n)
        for _ in 0..<n {
            var excess = 0.0
            for i in 0..<n where !capped[i] && shares[i] > cap {
                excess += shares[i] - cap
                shares[i] = cap
                capped[i] = true
            }
            guard excess > 0 else { break }
            let free = (0..<n).filter { !capped[$0] }.reduce(0.0) { $0 + shares[$1] }
            guard free > 0 else { break }
            for i in 0..<n where !capped[i] { shares[i] += excess * shares[i] / free }
        }
        return shares
    }

    /// Over the instances of station s, loaded by `instanceShares`: the pool's mean carried
    /// utilisation and its mean wait per admitted visit (each instance an M/M/c queue, or
    /// M/M/c/K with `room` waiting places, fed its share of `rate`; the wait scaled by
    /// `variability`, Allen–Cunneen's (c_a² + c_s²)/2). What the run measures for the pool,
    /// where `OfferedLoad.utilization` is the busiest instance's. The wait is nil when some
    /// instance is at or above capacity with an unlimited queue, or under processor sharing
    /// (nothing waits: 0) — see the code — and a figure that cannot be had in bounded work
    /// leaves both nil.
    func poolAverages(
        station s: Int, workers c: Int, room: Int?, rate: Double, meanService: Double, variability: Double
    ) -> (utilization: Double, meanWait: Double?)? {
        let shares = instanceShares(station: s)
        var busy = 0.0
        var waited = 0.0
        var admitted = 0.0
        var waitKnown = true
        for w in shares {
            let lambda = rate * w
            if let room {
                guard let q = FiniteQueue(servers: c, waitingRoom: room, arrivalRate: lambda, meanService: meanService)
                else { return nil }
                busy += q.utilization
                waited += q.meanWaiting
                admitted += lambda * (1 - q.blocking)
            } else {
                let u = lambda * meanService / Double(c)
                busy += min(u, 1)
                if u >= 1 {
                    waitKnown = false
                } else if lambda > 0 {
                    waited += lambda * ErlangC.meanWait(servers: c, arrivalRate: lambda, meanService: meanService)
                    admitted += lambda
                }
            }
        }
        let wait = waitKnown ? (admitted > 0 ? waited / admitted * variability : 0) : nil
        return (busy / Double(shares.count), wait)
    }
}
