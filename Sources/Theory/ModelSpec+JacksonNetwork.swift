import InfraModel

extension ModelSpec {
    /// True when every arrival process (the workload's and each class's own) is Poisson.
    var poissonArrivals: Bool {
        let processes = classes.compactMap(\.arrivals) + (arrivals.map { [$0] } ?? [])
        return processes.allSatisfy { if case .poisson = $0 { true } else { false } }
    }

    /// True when Erlang C is exact at every station: Poisson arrivals, exponential service,
    /// unlimited queues without timeouts, no clients' timeouts or retries, and a random split
    /// over instances make the pipeline a Jackson network,
    /// where each instance is an M/M/c queue fed Poisson traffic (Burke's theorem).
    /// Synchronous call chains are not Jackson networks (a caller holds its worker through the
    /// call), so with them every estimate is approximate; so is every estimate under a rate
    /// profile (the arrivals are then not a stationary Poisson process).
    public var isJacksonNetwork: Bool {
        // Clients' timeouts and retries, and waiting requests dropped from a line, reshape the
        // traffic and the waits.
        guard !hasCallChains, profile == nil, poissonArrivals, classes.allSatisfy({ $0.client == nil }) else {
            return false
        }
        return stations.indices.allSatisfy { s in
            let st = stations[s]
            guard case .exponential = st.service, st.tls == nil, !hasVisitServices(station: s), st.queueTimeout == nil
            else { return false }
            return st.queueCapacity == nil && (st.instances == 1 || st.balance == .random)
        }
    }

    /// True when the mean wait `validate` gives for station s's unlimited queue is exact
    /// without the whole design being a Jackson network: Poisson arrivals reach it untouched
    /// (`arrivesAsPoisson`), no client retries (which add arrivals) or gives up on the classes,
    /// no queue timeout, and either one exponential service time (Erlang C, M/M/c) or one
    /// worker per instance — M/G/1, where Allen–Cunneen's correction with the demands' mixture
    /// is Pollaczek–Khinchine's formula and the priority waits (Cobham's, and preemptive
    /// resume's) hold for any service distributions.
    public func isExactUnlimitedQueue(station s: Int) -> Bool {
        let st = stations[s]
        guard let workers = st.workers, st.queueCapacity == nil, st.queueTimeout == nil,
            st.discipline != .processorSharing, classes.allSatisfy({ $0.client == nil }), arrivesAsPoisson(station: s)
        else { return false }
        let exponential = if case .exponential = st.service { !hasVisitServices(station: s) } else { false }
        return workers == 1 || exponential
    }

    /// True when M/M/c/K (`OfferedLoad.boundedQueue`) is exact at station s: Poisson arrivals
    /// reach it untouched (`reachesAsPoisson`), with no clients' retries or timeouts and no
    /// timeouts in its queue, and exponential service (any distribution of the same mean when it
    /// has no waiting room or shares its cores: Erlang B's and processor sharing's
    /// insensitivity).
    public func isExactFiniteQueue(station s: Int) -> Bool {
        let st = stations[s]
        guard let room = st.queueCapacity, st.workers != nil else { return false }
        let exponential = if case .exponential = st.service { true } else { false }
        let insensitive = room == 0 || st.discipline == .processorSharing
        guard exponential || insensitive, st.queueTimeout == nil, !st.dropExpired, reachesAsPoisson(station: s)
        else { return false }
        return classes.allSatisfy { $0.client == nil }
    }

    /// True when Poisson arrivals reach station s's instances as Poisson streams and it serves
    /// them as one plain queue per instance with one service distribution: `arrivesAsPoisson`,
    /// and no demands of its own per visit.
    func reachesAsPoisson(station s: Int) -> Bool {
        arrivesAsPoisson(station: s) && !hasVisitServices(station: s)
    }

    /// True when nothing at station s or elsewhere changes which requests reach it or when:
    /// s has no TLS cost, is always up, has no autoscaling, concurrency limit or standby, and
    /// no station has a cache, rate limit, inspection or database (they thin or reshape the
    /// traffic). `arrivesAsPoisson` and `renewalGaps` build on it.
    func keepsArrivals(station s: Int) -> Bool {
        let st = stations[s]
        guard st.tls == nil, !canGoDown(s), st.autoscale == nil, st.concurrencyLimit == nil, st.standby == nil
        else { return false }
        return stations.allSatisfy { t in
            t.cache == nil && t.rateLimit == nil && t.inspection == nil && t.database == nil
        }
    }

    /// True when Poisson arrivals reach station s's instances as Poisson streams and it serves
    /// them as one queue per instance: no rate profile, no synchronous call chains; nothing
    /// thins or reshapes traffic (caches, rate limits, inspection); every station a class
    /// visits before s has unlimited workers and is always up, with no concurrency limit, so its
    /// requests do not interact there (each is delayed independently, and a Poisson stream
    /// through such an M/G/∞ stage stays Poisson; the stations after s, in a pipeline, never
    /// change its arrivals); s is split at random or has one instance, is always up, has no TLS
    /// cost, no autoscaling, concurrency limit or standby, and serves each request at most once
    /// (no repeated or guarded calls anywhere). The classes' visits may bring demands of their
    /// own (a mixture of service times).
    func arrivesAsPoisson(station s: Int) -> Bool {
        let st = stations[s]
        guard !hasCallChains, profile == nil, poissonArrivals else { return false }
        guard keepsArrivals(station: s), st.instances == 1 || st.balance == .random else { return false }
        return classes.allSatisfy { c in
            guard c.calls.allSatisfy({ !$0.isGuarded && $0.meanCalls == 1 }),
                c.calls.filter({ $0.station == s }).count <= 1
            else { return false }
            guard let at = c.calls.firstIndex(where: { $0.station == s }) else { return true }
            return c.calls[..<at].allSatisfy { node in
                let t = stations[node.station]
                return t.workers == nil && !canGoDown(node.station) && t.concurrencyLimit == nil
            }
        }
    }
}
