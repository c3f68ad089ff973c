import InfraModel

extension ModelSpec {
    /// True when Erlang C is exact at every station: Poisson arrivals, exponential service,
    /// unlimited queues and a random split over instances make the pipeline a Jackson network,
    /// where each instance is an M/M/c queue fed Poisson traffic (Burke's theorem).
    /// Synchronous call chains are not Jackson networks (a caller holds its worker through the
    /// call), so with them every estimate is approximate; so is every estimate under a rate
    /// profile (the arrivals are then not a stationary Poisson process).
    public var isJacksonNetwork: Bool {
        let processes = classes.compactMap(\.arrivals) + (arrivals.map { [$0] } ?? [])
        guard !hasCallChains, profile == nil, processes.allSatisfy({ if case .poisson = $0 { true } else { false } })
        else { return false }
        return stations.indices.allSatisfy { s in
            let st = stations[s]
            guard case .exponential = st.service, st.tls == nil, !hasVisitServices(station: s) else { return false }
            return st.queueCapacity == nil && (st.instances == 1 || st.balance == .random)
        }
    }
}
