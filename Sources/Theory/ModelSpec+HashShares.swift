import InfraModel
import SimRandom

extension ModelSpec {
    /// Keys whose probabilities are summed exactly, rank by rank, when estimating how a
    /// consistent-hash ring shares out a key distribution; the rest by arc length.
    static let exactKeyRanks: UInt64 = 1 << 16

    /// The expected share of station s's requests that each of its instances receives under
    /// `consistent_hash` without a load bound, from the ring and the key distributions of the
    /// classes that visit it (mixed by their request rates there): for each class,
    /// Σ_{k ≤ K} P(k)·[owner(k) = i] over the K = min(N, 65,536) most popular keys (exact), plus
    /// the remaining probability spread over the instances by their arcs of the ring (the keys
    /// beyond K hash to uniformly spread points — exact in expectation, and for N ≤ 65,536 the
    /// whole result is exact). Nil for another policy, or when no class with keys visits s.
    public func consistentHashShares(station s: Int) -> [Double]? {
        let st = stations[s]
        guard st.balance == .consistentHash else { return nil }
        let points = HashRing.points(name: st.name, instances: st.instances, vnodes: st.consistentHash.vnodes)
        let arcs = HashRing.arcShares(points, instances: st.instances)
        let rates = classRates
        var shares = Array(repeating: 0.0, count: st.instances)
        var total = 0.0
        for (c, cls) in classes.enumerated() {
            guard let keys = cls.keys else { continue }
            let visits = zip(cls.calls, cls.meanVisits).reduce(0.0) { $0 + ($1.0.station == s ? $1.1 : 0) }
            // Classes with no arrivals still count by their visits, so a share is defined.
            let w = visits * (rates[c] > 0 ? rates[c] : 1)
            guard w > 0 else { continue }
            var head = 0.0
            var own = Array(repeating: 0.0, count: st.instances)
            for k in 1...min(keys.count, Self.exactKeyRanks) {
                let p = keys.probability(ofRank: k)
                own[Int(HashRing.owner(of: k, in: points))] += p
                head += p
            }
            let tail = max(0, 1 - head)
            for i in 0..<st.instances { shares[i] += w * (own[i] + tail * arcs[i]) }
            total += w
        }
        guard total > 0 else { return nil }
        return shares.map { $0 / total }
    }

    /// The largest share of station s's requests one instance receives: what an offered-load
    /// check should use (the heaviest instance saturates first). `StationSpec.heaviestInstanceShare`
    /// for every policy but `consistent_hash`; there, the largest of `consistentHashShares` —
    /// with a load factor c capped at c/n, since bounded load keeps an instance's in-flight
    /// requests within about c/n of the pool's (an estimate: the bound caps requests in flight,
    /// not arrivals).
    public func heaviestInstanceShare(station s: Int) -> Double {
        let st = stations[s]
        guard let shares = consistentHashShares(station: s), let top = shares.max() else {
            return st.heaviestInstanceShare
        }
        guard let c = st.consistentHash.loadFactor else { return top }
        return max(1 / Double(st.instances), min(top, c / Double(st.instances)))
    }
}
