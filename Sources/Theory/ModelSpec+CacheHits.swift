import InfraModel
import SimRandom

extension ModelSpec {
    /// The hit ratio expected at each cache station in the steady state (nil for a station that
    /// is not a cache): `hit_ratio` as given; for an LRU, Che's approximation (`CacheTheory`)
    /// over the key distribution of the classes that visit it and the request rate it sees.
    ///
    /// Per instance: with `consistent_hash` each instance sees its own share of the keys, which
    /// behaves as one LRU of the pool's total capacity over every key at the pool's rate (hash
    /// partitioning of independent requests); with any other policy every instance sees every
    /// key at 1/instances of the rate with its own capacity. When several classes with
    /// different key distributions visit one cache, the busiest class's distribution is used (an
    /// estimate). The rate a cache sees depends on the caches above it, so the estimate is
    /// iterated from the top (a few rounds: caches nest only so deep).
    public func expectedHitRatios() -> [Double?] {
        guard stations.contains(where: { $0.cache != nil }) else { return stations.map { _ in nil } }
        let rates = classRates
        var hits: [Double?] = stations.map { st in
            if case .ratio(let h)? = st.cache?.policy { return h }
            return st.cache == nil ? nil : 0
        }
        for _ in 0..<6 {
            var rateAt = Array(repeating: 0.0, count: stations.count)
            var busiest: [(rate: Double, keys: KeyDistribution?)] = Array(repeating: (0, nil), count: stations.count)
            for (k, c) in classes.enumerated() {
                let v = meanVisits(c, hits: hits)
                var perClass = Array(repeating: 0.0, count: stations.count)
                for (n, node) in c.calls.enumerated() { perClass[node.station] += rates[k] * v[n] }
                for s in stations.indices {
                    rateAt[s] += perClass[s]
                    if perClass[s] > busiest[s].rate { busiest[s] = (perClass[s], c.keys) }
                }
            }
            for (s, st) in stations.enumerated() {
                guard case .lru(let capacity, let ttl)? = st.cache?.policy, let keys = busiest[s].keys else { continue }
                let hashed = st.balance == .consistentHash
                let cap = Double(capacity) * (hashed ? Double(st.instances) : 1)
                let rate = rateAt[s] / (hashed ? 1 : Double(st.instances))
                let popularity = CacheTheory.Popularity(keys)
                hits[s] = CacheTheory.lruHitRatio(popularity, capacity: cap, ttl: ttl.map { $0.seconds * rate })
            }
        }
        return hits
    }

    /// Mean visits per request to each node of class c, counting a node below a cache only on
    /// the cache's misses (`hits[s]`: the hit ratio of station s, nil if not a cache), below an
    /// inspection stage only on what it does not block (`inspectionPassShare`), and a
    /// visit only when the station's rate limit lets it in (`passes[s]`: the class's pass ratio
    /// at station s, `expectedPassRatios`; nil: every visit passes).
    public func meanVisits(_ c: RequestClass, hits: [Double?], passes: [Double]? = nil) -> [Double] {
        var visits = Array(repeating: 0.0, count: c.calls.count)
        guard !c.calls.isEmpty else { return visits }
        visits[0] = passes?[c.calls[0].station] ?? 1
        for (i, n) in c.calls.enumerated() {
            // Calls below are made on a miss, and past an inspection stage when not blocked.
            let miss = (1 - (hits[n.station] ?? 0)) * inspectionPassShare(c, station: n.station)
            for m in n.children {
                let pass = passes?[c.calls[m].station] ?? 1
                visits[m] = visits[i] * miss * c.calls[m].probability * c.calls[m].meanCalls * pass
            }
        }
        return visits
    }
}
