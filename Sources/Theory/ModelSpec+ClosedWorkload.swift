import InfraModel

/// What MVA says of a closed workload (`ArrivalProcess.closed`): each population's throughput
/// and response time, and the mean wait per visit at each station its requests reach.
public struct ClosedWorkloadFigures: Sendable, Equatable {
    public struct Population: Sendable, Equatable {
        /// `workload` for the workload's shared process, else the class's name.
        public var name: String
        public var users: Int
        /// Mean think time, seconds.
        public var think: Double
        /// Requests per second (the rate the open-model figures beside it are computed at).
        public var throughput: Double
        /// Mean response time, seconds: users / throughput − think (the interactive response
        /// time law holds by construction).
        public var responseTime: Double
    }

    /// How the figures were found.
    public enum Method: String, Sendable, Equatable {
        /// Mean value analysis over the stations, each on its own.
        case mva
        /// A synchronous chain whose callers hold their workers through their calls, by
        /// flow-equivalent servers (`SynchronousChain`): exact where no caller runs out of
        /// workers, an estimate otherwise.
        case synchronousChain = "synchronous_chain"
    }

    public var populations: [Population]
    /// True when the figures are exact: one population, nothing else arriving, and a
    /// product-form network (exponential FCFS stations, random or single-instance balancing,
    /// a pipeline or a single station, nothing that thins or reshapes traffic), or a
    /// synchronous chain whose callers never run out of workers (`SynchronousChain.exact`).
    public var exact: Bool
    public var method: Method = .mva
    /// Per station, the share of its workers busy where the method gives it (a synchronous
    /// chain's stations, whose callers hold their workers through their calls); empty for MVA,
    /// whose stations take the open equivalent's.
    public var utilizations: [Double?] = []
}

extension ModelSpec {
    /// True when the workload or some class is a closed population of users.
    public var hasClosedWorkload: Bool {
        ([arrivals] + classes.map(\.arrivals)).contains { $0?.isClosed == true }
    }

    /// The closed populations: the workload's shared one (class index −1, its classes by weight)
    /// and classes' own.
    var closedPopulations: [(classIndex: Int, name: String, population: ClosedPopulation)] {
        var list: [(Int, String, ClosedPopulation)] = []
        if case .closed(let p)? = arrivals { list.append((-1, "workload", p)) }
        for (k, c) in classes.enumerated() {
            if case .closed(let p)? = c.arrivals { list.append((k, c.name, p)) }
        }
        return list
    }

    /// The classes of closed population `index` (an index into `closedPopulations`).
    func classesOf(population classIndex: Int) -> [Int] {
        classIndex >= 0 ? [classIndex] : classes.indices.filter { classes[$0].arrivals == nil }
    }

    /// The same spec with closed population i arriving as Poisson at `rates[i]`: the open
    /// workload that brings the same mean load, on which the open-model figures are computed.
    func withClosedRates(_ rates: [Double]) -> ModelSpec {
        var open = self
        for (i, p) in closedPopulations.enumerated() {
            if p.classIndex < 0 {
                open.arrivals = .poisson(rate: rates[i])
            } else {
                open.classes[p.classIndex].arrivals = .poisson(rate: rates[i])
            }
        }
        return open
    }

    /// MVA over the design: its closed populations' throughputs, response times and waits,
    /// and the open equivalent at those throughputs (nil without a closed workload, or where
    /// open classes alone saturate a station).
    public func closedWorkload() -> (equivalent: ModelSpec, figures: ClosedWorkloadFigures, stationWaits: [Double?])? {
        let pops = closedPopulations
        guard !pops.isEmpty else { return nil }
        if let (chain, order) = synchronousChain() {
            // A synchronous chain: its own exact figures (workers held through the calls).
            var waits = [Double?](repeating: nil, count: stations.count)
            var utilizations = waits
            for (i, s) in order.enumerated() {
                waits[s] = chain.meanWait(i)
                utilizations[s] = chain.utilization(i)
            }
            let p = pops[0]
            let figures = ClosedWorkloadFigures(
                populations: [
                    .init(
                        name: p.name, users: p.population.users, think: p.population.think.mean,
                        throughput: chain.throughput, responseTime: chain.responseTime)
                ], exact: chain.exact, method: .synchronousChain, utilizations: utilizations)
            return (withClosedRates([chain.throughput]), figures, waits)
        }
        var x = pops.map { _ in 1.0 }
        var last: (ClosedNetwork.Solution, [[(station: Int, visits: Double, parts: [Int])]])?
        for _ in 0..<50 {
            let open = withClosedRates(x)
            guard let (network, maps) = open.closedNetwork(pops, rates: x), let solution = network.solve() else {
                return nil
            }
            let next = solution.throughputs
            let change = zip(next, x).map { abs($0 - $1) / max($1, 1e-300) }.max() ?? 0
            x = next
            last = (solution, maps)
            if change < 1e-10 { break }
        }
        guard let (solution, maps) = last else { return nil }
        let equivalent = withClosedRates(x)
        // Per station: the closed visits' mean wait, visits weighted by their rates.
        var waited = Array(repeating: 0.0, count: stations.count)
        var visited = Array(repeating: 0.0, count: stations.count)
        for (a, entries) in maps.enumerated() {
            for e in entries {
                waited[e.station] += x[a] * e.parts.reduce(0) { $0 + solution.waits[a][$1] }
                visited[e.station] += x[a] * e.visits
            }
        }
        let waits: [Double?] = stations.indices.map { s in visited[s] > 0 ? waited[s] / visited[s] : nil }
        let plain = stations.indices.allSatisfy { s in
            let st = stations[s]
            return st.cache == nil && st.rateLimit == nil && st.inspection == nil && st.database == nil
                && st.autoscale == nil && st.concurrencyLimit == nil && st.standby == nil && !canGoDown(s)
        }
        let onlyClosed = classes.indices.allSatisfy { k in
            pops.contains { classesOf(population: $0.classIndex).contains(k) }
        }
        let figures = ClosedWorkloadFigures(
            populations: pops.enumerated().map { i, p in
                .init(
                    name: p.name, users: p.population.users, think: p.population.think.mean, throughput: x[i],
                    responseTime: solution.responseTimes[i])
            },
            exact: solution.exactMVA && pops.count == 1 && onlyClosed && plain && equivalent.isJacksonNetwork)
        return (equivalent, figures, waits)
    }

    /// The closed network this open-equivalent spec's stations make, with closed population i
    /// (of `pops`, the original spec's `closedPopulations`) at `rates[i]`: per population, its
    /// demands at every MVA station (a database node, a pool's instance — or the whole pool when
    /// its balancer keeps one queue — each with its servers) and its base response; and per
    /// population, for each spec station its requests reach, the visits per request and the MVA
    /// stations it is made of.
    func closedNetwork(
        _ pops: [(classIndex: Int, name: String, population: ClosedPopulation)], rates: [Double]
    ) -> (ClosedNetwork, [[(station: Int, visits: Double, parts: [Int])]])? {
        let all = classRates
        let hits = expectedHitRatios()
        let trees = callTrees(hits: hits, passes: expectedPassRatios(hits: hits))
        func masked(_ keep: [Int]) -> [Double] { all.indices.map { keep.contains($0) ? all[$0] : 0 } }
        let closedClasses = pops.flatMap { classesOf(population: $0.classIndex) }
        let openRates = masked(classes.indices.filter { !closedClasses.contains($0) })
        let openLoads = offeredLoad(rates: openRates, peaks: nil, calleeWaits: false)
        // Busy servers (Erlangs) and servers of each MVA station of spec station s, from its loads.
        func parts(_ load: OfferedLoad, _ s: Int) -> [(erlangs: Double, servers: Int?)] {
            let st = stations[s]
            if let db = st.database, let nodes = load.databaseNodes {
                return nodes.enumerated().map { j, node in
                    let workers = j == 0 ? st.workers : db.replicaWorkers
                    guard let workers, let u = node.utilization else { return (0, nil) }
                    return (u * Double(workers), workers)
                }
            }
            guard let c = st.workers, let u = load.utilization else { return [(0, nil)] }
            let n = st.instances
            let erlangs = load.unequalShare.map { u * Double(c) / $0 } ?? u * Double(c) * Double(n)
            if case .sharedQueue = load.split { return [(erlangs, c * n)] }
            return Array(repeating: (erlangs / Double(n), c), count: n)
        }
        var servers: [Int?] = []
        var openUtilization: [Double] = []
        var first: [Int] = []
        for s in stations.indices {
            first.append(servers.count)
            for part in parts(openLoads[s], s) {
                servers.append(part.servers)
                openUtilization.append(part.servers.map { part.erlangs / Double($0) } ?? 0)
            }
        }
        var populations: [ClosedNetwork.Population] = []
        var maps: [[(station: Int, visits: Double, parts: [Int])]] = []
        for (i, p) in pops.enumerated() {
            let own = classesOf(population: p.classIndex)
            let rate = rates[i]
            guard rate > 0 else { return nil }
            let loads = offeredLoad(rates: masked(own), peaks: nil, calleeWaits: false)
            var demands: [Double] = []
            var map: [(station: Int, visits: Double, parts: [Int])] = []
            for s in stations.indices {
                let ps = parts(loads[s], s)
                demands += ps.map { $0.erlangs / rate }
                let served = loads[s].arrivalRate * (loads[s].passRatio ?? 1)
                if served > 0, ps.contains(where: { $0.servers != nil }) {
                    map.append((s, served / rate, Array(first[s]..<first[s] + ps.count)))
                }
            }
            // The response with no wait anywhere: a synchronous chain's root holds for its
            // callees' service; a pipeline visits its stations in turn.
            let share = own.reduce(0) { $0 + all[$1] }
            guard share > 0 else { return nil }
            let base = own.reduce(0.0) { sum, k in
                let (visits, hold) = trees[k]
                let alone =
                    classes[k].mode == .synchronous
                    ? visits[0] * hold[0] : zip(visits, hold).reduce(0) { $0 + $1.0 * $1.1 }
                return sum + all[k] / share * alone
            }
            populations.append(
                .init(users: p.population.users, think: p.population.think.mean, baseResponse: base, demands: demands))
            maps.append(map)
        }
        return (ClosedNetwork(populations: populations, servers: servers, openUtilization: openUtilization), maps)
    }

    /// Offered load of a design with a closed workload: the open model's figures at MVA's
    /// throughputs, with MVA's wait per visit wherever closed requests queue.
    func closedOfferedLoad() -> [OfferedLoad] {
        guard let (equivalent, figures, waits) = closedWorkload() else {
            // Open classes alone saturate a station: their figures, the closed users left out.
            return withClosedRates(closedPopulations.map { _ in 0 }).offeredLoad()
        }
        var loads = equivalent.offeredLoad()
        for s in loads.indices {
            guard let w = waits[s] else { continue }
            loads[s].closedWait = ClosedWait(meanWait: w, exact: figures.exact, method: figures.method)
            loads[s].erlangCMeanWait = w
            loads[s].meanWaitEstimate = w
            if loads[s].unequalShare != nil { loads[s].poolMeanWait = w }
        }
        // A synchronous chain's busy workers are its own: the open equivalent would hold each
        // caller through its callees' open-model waits.
        for (s, u) in figures.utilizations.enumerated() where u != nil { loads[s].utilization = u }
        return loads
    }
}

/// MVA's (or a synchronous chain's) mean wait per visit at a station that closed requests
/// reach.
public struct ClosedWait: Sendable, Equatable {
    /// Seconds per visit.
    public var meanWait: Double
    public var exact: Bool
    public var method: ClosedWorkloadFigures.Method = .mva
}
