import InfraModel

extension ModelSpec {
    /// The gaps between the arrivals each instance of station s receives, when they form a
    /// renewal process that is not Poisson (constant or gamma arrivals, or Poisson arrivals
    /// taken every n-th by round robin over instances of several workers: Erlang-n gaps): then
    /// an instance with exponential service is a GI/M/c queue, solved exactly by
    /// `RenewalQueue`, or with a bounded queue GI/M/c/K (`FiniteRenewalQueue`, which also takes
    /// Poisson arrivals under round robin over single workers). Nil otherwise (Poisson arrivals
    /// keep their own models: Erlang C and M/M/c/K, and E_n/M/1 for round robin over single
    /// workers with an unlimited queue, `BalanceSplit.erlangArrivalsWait`).
    ///
    /// The arrivals stay a renewal process where they reach s untouched: no rate profile,
    /// clients, or anything `keepsArrivals` rules out (as for `arrivesAsPoisson`); each class
    /// visits s at most once, on a path; every station a class visits before s has unlimited
    /// workers and delays it by a constant (a random delay reorders and reshapes the gaps,
    /// which Poisson arrivals alone survive; the stations after s do not change its
    /// arrivals); the classes reaching s share one arrival process (a superposition of renewal
    /// processes is not one), of which they take a share at random; and the instances split
    /// it at random (a thinning) or by round robin (every n-th).
    public func renewalGaps(station s: Int) -> RenewalGaps? {
        let st = stations[s]
        guard profile == nil, classes.allSatisfy({ $0.client == nil }), keepsArrivals(station: s) else { return nil }
        let visiting = classes.filter { c in c.calls.contains { $0.station == s } }
        guard !visiting.isEmpty else { return nil }
        for c in visiting {
            // A path (a chain of calls, or a pipeline): its nodes in the order visited. Behind
            // a synchronous call s's worker is held through its callees, which the caller's
            // check of its holding time against its service rules out.
            let path = c.calls.indices.allSatisfy { i in
                c.calls[i].steps == (i + 1 < c.calls.count ? [.call(i + 1)] : [])
            }
            guard path, c.calls.allSatisfy({ !$0.isGuarded && $0.meanCalls == 1 }),
                let at = c.calls.firstIndex(where: { $0.station == s }),
                c.calls[(at + 1)...].allSatisfy({ $0.station != s }),
                c.calls[..<at].allSatisfy({ node in
                    guard stations[node.station].workers == nil, node.service == nil else { return false }
                    if case .deterministic = stations[node.station].service { return true } else { return false }
                })
            else { return nil }
        }
        // One process feeds s: one class's own, or the workload's shared by weight.
        let process: ArrivalProcess
        var kept = 1.0
        if visiting.allSatisfy({ $0.arrivals != nil }) {
            guard visiting.count == 1, let own = visiting[0].arrivals else { return nil }
            process = own
        } else {
            guard visiting.allSatisfy({ $0.arrivals == nil }), let shared = arrivals else { return nil }
            process = shared
            let total = classes.filter { $0.arrivals == nil }.reduce(0) { $0 + $1.weight }
            let reaching = visiting.reduce(0) { $0 + $1.weight }
            guard total > 0 else { return nil }
            kept = min(1, reaching / total)
        }
        let split = BalanceSplit(st)
        let source: RenewalGaps.Source
        switch process {
        case .constant(let r): source = .constant(rate: r)
        case .gamma(let r, let cv): source = .gamma(rate: r, cv: cv)
        case .poisson(let r):
            // Round robin: E_n/M/c/K, or E_n/M/c over several workers (one worker and an
            // unlimited queue keep `erlangArrivalsWait`).
            guard split.isRoundRobin, (st.workers ?? 1) > 1 || st.queueCapacity != nil else { return nil }
            source = .poisson(rate: r)
        case .mmpp2, .trace, .closed: return nil
        }
        guard kept > 0 else { return nil }
        switch split {
        case .independent where st.instances == 1: return RenewalGaps(source: source, kept: kept)
        case .independent where st.balance == .random:
            return RenewalGaps(source: source, kept: kept / Double(st.instances))
        case .everyNth(let n): return RenewalGaps(source: source, kept: kept, every: n)
        case .independent, .sharedQueue, .choices: return nil
        }
    }
}
