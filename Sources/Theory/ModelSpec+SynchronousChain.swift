import InfraModel

extension ModelSpec {
    /// The design as a `SynchronousChain` with its stations in the chain's order, where that
    /// model applies (exact where no caller runs out of workers, `SynchronousChain.exact`; an
    /// estimate, closer than MVA's, otherwise): one closed population, its one class and no other; a synchronous
    /// path of two or more distinct stations, each called once (no probability, repeat,
    /// timeout, retries or demand of its own), nothing else arriving; every station of one
    /// instance (or unlimited workers), first come first served with an unlimited queue and no
    /// priority, exponential service where its workers are finite; and nothing that changes
    /// the requests' course: no regions, clients, caches, rate limits, inspection, databases,
    /// TLS, failures, autoscaling, concurrency limits or standby. Nil otherwise (MVA over
    /// independent stations stays).
    public func synchronousChain() -> (chain: SynchronousChain, order: [Int])? {
        let pops = closedPopulations
        guard pops.count == 1, let pop = pops.first, classes.count == 1, classesOf(population: pop.classIndex) == [0],
            regions.isEmpty, profile == nil
        else { return nil }
        let c = classes[0]
        guard c.mode == .synchronous, c.client == nil, c.calls.count >= 2 else { return nil }
        for (i, node) in c.calls.enumerated() {
            guard node.steps == (i + 1 < c.calls.count ? [.call(i + 1)] : []), node.probability == 1,
                node.meanCalls == 1, !node.isGuarded, node.service == nil, node.access == .none
            else { return nil }
        }
        let order = c.calls.map(\.station)
        guard Set(order).count == order.count else { return nil }
        var stages: [SynchronousChain.Stage] = []
        for s in order {
            let st = stations[s]
            guard st.instances == 1 || st.workers == nil, st.queueCapacity == nil, st.queueTimeout == nil,
                !st.dropExpired, st.discipline == .fifo, st.priorityClasses.isEmpty, st.database == nil,
                st.cache == nil, st.rateLimit == nil, st.inspection == nil, st.tls == nil, st.concurrencyLimit == nil,
                st.autoscale == nil, st.standby == nil, !canGoDown(s)
            else { return nil }
            if st.workers != nil {
                guard case .exponential = st.service else { return nil }
            }
            stages.append(.init(workers: st.workers, meanService: st.service.mean))
        }
        guard
            let chain = SynchronousChain(
                stages: stages, users: pop.population.users, think: pop.population.think.mean)
        else { return nil }
        return (chain, order)
    }
}
