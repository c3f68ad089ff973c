import InfraModel

extension ModelSpec {
    /// How long a request waits in station s's line before it gives up, when the M/M/c+G
    /// model (`ImpatientQueue`) covers it: the station's own queue timeout (a fixed one, or
    /// exponential patience), or — with `drop_expired` — its clients' patience, when s is the
    /// first station of every class that visits it (the patience then runs from the moment the
    /// request joins its line) and those classes share one fixed timeout or one exponential
    /// patience, with no retries (which would add arrivals) and no deadline. `clients` is true
    /// in the second case: an expired request then stays in the line until a worker reaches and
    /// skips it, so the line's length and waits are not the model's, while what the workers
    /// carry and the share that gives up are. Nil when no such patience applies (no timeout,
    /// another patience distribution, processor sharing, unlimited workers), and for fixed
    /// patience under a discipline other than FIFO.
    public func patience(station s: Int) -> (patience: ImpatientQueue.Patience, clients: Bool)? {
        let st = stations[s]
        guard st.workers != nil, st.discipline != .processorSharing, st.database == nil else { return nil }
        let fifo = st.discipline == .fifo
        switch st.queueTimeout {
        case .fixed(let d)?: return fifo ? (.fixed(d.seconds), false) : nil
        case .patience(.exponential(let mean))?: return (.exponential(mean: mean), false)
        case .patience?: return nil
        case nil: break
        }
        // Expired requests stay in the line until reached: a bounded line would count them.
        guard st.dropExpired, st.queueCapacity == nil, st.tls == nil, st.region == nil else { return nil }
        var shared: ImpatientQueue.Patience?
        for c in classes where c.calls.contains(where: { $0.station == s }) {
            guard c.calls.first?.station == s, c.calls.filter({ $0.station == s }).count == 1, !c.calls[0].isGuarded,
                let client = c.client, client.retries == nil, client.deadline == nil
            else { return nil }
            let own: ImpatientQueue.Patience
            if let t = client.timeout, fifo {
                own = .fixed(t.seconds)
            } else if case .exponential(let mean)? = client.patience {
                own = .exponential(mean: mean)
            } else {
                return nil
            }
            guard shared == nil || shared == own else { return nil }
            shared = own
        }
        return shared.map { ($0, true) }
    }

    /// True when requests can leave station s's line unserved (`OfferedLoad.dropsWaiting`): it
    /// has a queue timeout, or it drops expired requests and every class reaching it has a
    /// client that gives up (a timeout, a patience or a deadline).
    public func dropsWaiting(station s: Int) -> Bool {
        let st = stations[s]
        if st.queueTimeout != nil { return true }
        guard st.dropExpired else { return false }
        return classes.allSatisfy { c in
            guard c.calls.contains(where: { $0.station == s }) else { return true }
            guard let client = c.client else { return false }
            return client.timeout != nil || client.patience != nil || client.deadline != nil
        }
    }

    /// True when the figures of an impatient line (`OfferedLoad.impatience`) are exact at
    /// station s: Poisson arrivals reach it untouched (`reachesAsPoisson`), exponential service,
    /// and — under the pool's own timeout — no client on the classes that reach it (its retries
    /// would add arrivals).
    public func isExactImpatientQueue(station s: Int) -> Bool {
        guard let (_, clients) = patience(station: s), case .exponential = stations[s].service,
            reachesAsPoisson(station: s)
        else { return false }
        return clients || classes.allSatisfy { c in c.client == nil || !c.calls.contains { $0.station == s } }
    }
}
