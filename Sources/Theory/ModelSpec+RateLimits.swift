import InfraModel

extension ModelSpec {
    /// Per class and station, the share of the class's requests arriving at the station that its
    /// rate limit lets through (1 where there is none): a fluid estimate, min(1, capacity /
    /// offered rate), where the capacity is the limit's rate times its buckets (instances for
    /// `scope: instance`, assuming the balancer spreads evenly) and the offered rate is what
    /// reaches the station past the limits above it (with `per: class`, each class against its
    /// own buckets). It ignores burstiness: Poisson arrivals below the rate still lose a few
    /// requests to a small burst, and arrivals above it pass a little more than the rate at
    /// first (the burst). Iterated from the top, since a limit upstream thins what reaches one
    /// below (a few rounds: limits nest only so deep).
    public func expectedPassRatios(hits: [Double?]) -> [[Double]] {
        var passes = classes.map { _ in Array(repeating: 1.0, count: stations.count) }
        guard stations.contains(where: { $0.rateLimit != nil }) else { return passes }
        let rates = classRates
        for _ in 0..<6 {
            // Requests per second of each class arriving at each station, before its own limit.
            var arriving = classes.map { _ in Array(repeating: 0.0, count: stations.count) }
            for (k, c) in classes.enumerated() {
                let v = meanVisits(c, hits: hits, passes: passes[k])
                for (n, node) in c.calls.enumerated() {
                    let pass = passes[k][node.station]
                    if pass > 0 { arriving[k][node.station] += rates[k] * v[n] / pass }
                }
            }
            for (s, st) in stations.enumerated() {
                guard let limit = st.rateLimit else { continue }
                let capacity = limit.capacity(buckets: limit.scope == .instance ? st.instances : 1)
                switch limit.per {
                case .component:
                    let total = arriving.reduce(0) { $0 + $1[s] }
                    let pass = total > capacity ? capacity / total : 1
                    for k in classes.indices { passes[k][s] = pass }
                case .class:
                    for k in classes.indices {
                        passes[k][s] = arriving[k][s] > capacity ? capacity / arriving[k][s] : 1
                    }
                case .key:
                    // A key's stream meets its own bucket(s): one, or with `scope: instance` one
                    // per instance it is spread over (all but under consistent hashing).
                    let spread = limit.scope == .instance && st.balance != .consistentHash ? st.instances : 1
                    let lost = keyLosses(arriving.map { $0[s] }, capacity: limit.capacity(buckets: spread))
                    for k in classes.indices where arriving[k][s] > 0 { passes[k][s] = 1 - lost[k] / arriving[k][s] }
                }
            }
        }
        return passes
    }

    /// The rate each class loses to per-key buckets of `capacity` each, given the classes' rates
    /// arriving at the station: key r arrives at a(r) = Σ_c rate_c · P_c(r), and loses
    /// a(r) − capacity when above it, shared by the classes in proportion. a(r) does not grow
    /// with the rank (every key distribution puts its popular keys first), so the sum stops at
    /// the first key under the capacity: only the heavy head of the keys is limited.
    func keyLosses(_ rates: [Double], capacity: Double) -> [Double] {
        var lost = Array(repeating: 0.0, count: classes.count)
        let visiting = classes.indices.filter { rates[$0] > 0 && classes[$0].keys != nil }
        let last = visiting.compactMap { classes[$0].keys?.count }.max() ?? 0
        var rank: UInt64 = 1
        while rank <= last {
            var shares: [(k: Int, rate: Double)] = []
            for k in visiting {
                if let keys = classes[k].keys { shares.append((k, rates[k] * keys.probability(ofRank: rank))) }
            }
            let a = shares.reduce(0) { $0 + $1.rate }
            if a <= capacity { break }
            for (k, rate) in shares { lost[k] += rate * (1 - capacity / a) }
            rank += 1
        }
        return lost
    }
}
