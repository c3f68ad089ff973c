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
    ///
    /// Under a rate that varies in time (a rate profile, a trace) a limit binds only while the
    /// rate is above it, so the horizon is cut into `passSlices` slices, each with its classes'
    /// mean rates there (`sliceRates`), and the ratio is what passes over what arrives, summed
    /// over the slices (a flood of 4,000/s for 3 of 15 minutes against a limit of 300/s passes
    /// 300/s for those 3 minutes, not 300/800 of the flood's mean). mmpp2's bursts are random,
    /// not in the rates of a slice: it counts at its mean rate.
    public func expectedPassRatios(hits: [Double?]) -> [[Double]] {
        let ones = classes.map { _ in Array(repeating: 1.0, count: stations.count) }
        guard stations.contains(where: { $0.rateLimit != nil }) else { return ones }
        guard loadVaries else { return passRatios(hits: hits, rates: classRates).passes }
        var passed = classes.map { _ in Array(repeating: 0.0, count: stations.count) }
        var arrived = passed
        for rates in sliceRates(count: Self.passSlices) {
            let (passes, arriving) = passRatios(hits: hits, rates: rates)
            for k in classes.indices {
                for s in stations.indices {
                    passed[k][s] += arriving[k][s] * passes[k][s]
                    arrived[k][s] += arriving[k][s]
                }
            }
        }
        return classes.indices.map { k in
            stations.indices.map { s in arrived[k][s] > 0 ? passed[k][s] / arrived[k][s] : 1 }
        }
    }

    /// Slices of the horizon for pass ratios under time-varying rates.
    static let passSlices = 1000

    /// The fluid pass ratios with each class arriving at `rates`, and each class's rate arriving
    /// at each station before its own limit.
    func passRatios(hits: [Double?], rates: [Double]) -> (passes: [[Double]], arriving: [[Double]]) {
        var passes = classes.map { _ in Array(repeating: 1.0, count: stations.count) }
        var arriving = passes
        for _ in 0..<6 {
            // Requests per second of each class arriving at each station, before its own limit.
            arriving = classes.map { _ in Array(repeating: 0.0, count: stations.count) }
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
        return (passes, arriving)
    }

    /// Each class's mean arrival rate in each of `count` equal slices of the horizon (per slice,
    /// per class, requests per second): Poisson rates times the profile's mean over the slice, a
    /// trace's arrivals in the slice (a bin cut by a slice's edge counts in proportion), other
    /// processes at their mean rate. A class without a process of its own takes its weighted
    /// share of the workload's.
    func sliceRates(count n: Int) -> [[Double]] {
        let horizon = window.horizon.seconds
        let width = horizon / Double(n)
        func rates(_ process: ArrivalProcess?) -> [Double] {
            guard let process else { return Array(repeating: 0, count: n) }
            switch process {
            case .poisson(let r):
                guard let profile else { return Array(repeating: r, count: n) }
                return (0..<n).map { i in
                    r * profile.integral(from: Double(i) * width, to: Double(i + 1) * width) / width
                }
            case .trace(let t):
                return Self.sliceCounts(t, slices: n, width: width).map { $0 / width }
            case .constant, .gamma, .mmpp2, .closed:
                // (A closed workload's theory runs on its open equivalent: see `closedEquivalent`.)
                return Array(repeating: process.rate, count: n)
            }
        }
        let shared = classes.filter { $0.arrivals == nil }.reduce(0) { $0 + $1.weight }
        let workload = rates(arrivals)
        let own = classes.map { c in c.arrivals.map(rates) ?? workload.map { $0 * c.weight / shared } }
        return (0..<n).map { i in own.map { $0[i] } }
    }

    /// A trace's arrivals in each of `slices` slices of `width` seconds from time 0, in one pass.
    static func sliceCounts(_ t: ArrivalTrace, slices n: Int, width: Double) -> [Double] {
        var counts = Array(repeating: 0.0, count: n)
        switch t.format {
        case .timestamps:
            for j in 0..<t.count {
                let i = Int(Double(t[j]) * 1e-9 / width)
                if i >= n { break }
                if i >= 0 { counts[i] += 1 }
            }
        case .counts(let bin):
            let b = bin.seconds
            for j in 0..<t.count {
                let start = Double(j) * b
                let end = start + b
                guard start < width * Double(n) else { break }
                // Spread the bin's count over the slices it overlaps, by the time shared.
                let first = max(Int(start / width), 0)
                let last = min(Int((end / width).rounded(.up)), n - 1)
                guard first <= last else { continue }
                for i in first...last {
                    let overlap = min(end, Double(i + 1) * width) - max(start, Double(i) * width)
                    if overlap > 0 { counts[i] += Double(t[j]) * overlap / b }
                }
            }
        }
        return counts
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
