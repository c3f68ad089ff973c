import InfraModel
import SimRandom

/// The offered load of one database node (`DatabaseSpec.nodeName`: primary, replica1, …).
public struct DatabaseNodeLoad: Sendable, Equatable {
    public var name: String
    /// Requests per second the node serves: the primary its writes and the reads routed to it,
    /// a replica its share of the reads.
    public var arrivalRate: Double
    /// The node's offered load over its workers (its own service times); nil for unlimited workers.
    public var utilization: Double?
    public var peakArrivalRate: Double?
    public var peakUtilization: Double?
    /// Workers busy on the node's own service times (arrival rate × mean service, calls and a
    /// sync write's wait for its acks left out): the part a backup's `service_factor` scales.
    public var serviceLoad: Double = 0
}

extension ModelSpec {
    /// The mean time a visit to database `db` (station `st`) holds its node's worker for its own
    /// sake (not counting the calls it makes): a write its primary service, plus under sync
    /// replication the wait for its acks, counted as one mean lag (a rough estimate: the wait is
    /// the acks-th smallest apply time of several replicas); a read the mean service of the nodes
    /// its read policy spreads it over evenly (the replicas', the primary's, or both). A call
    /// with a demand of its own (`own`, `CallNode.service`) takes it at whichever node serves it.
    func databaseVisitService(
        _ db: DatabaseSpec, station st: StationSpec, access: DataAccess, own: Distribution? = nil
    ) -> Double {
        if let own {
            if access == .write, case .sync = db.replication { return own.mean + db.lag.mean }
            return own.mean
        }
        if access == .write {
            if case .sync = db.replication { return st.service.mean + db.lag.mean }
            return st.service.mean
        }
        let n = Double(db.replicas)
        switch db.readPolicy {
        case _ where db.replicas == 0, .primary: return st.service.mean
        case .replicas: return db.replicaService.mean
        case .any: return (st.service.mean + n * db.replicaService.mean) / (n + 1)
        }
    }

    /// Offered load on database station s (its `DatabaseSpec` is `db`), node by node: the
    /// primary takes the writes and the reads its read policy sends it, each replica its share of
    /// the reads (evenly, as round robin spreads them), each node at its own service time and
    /// over its own workers; the station's utilisation is its busiest node's. A visit that calls
    /// other components holds its worker for those calls too (reads' and writes' calls counted
    /// apart: a write's calls do not load the replicas).
    func databaseLoad(
        station s: Int, _ db: DatabaseSpec, rates: [Double], peaks: [Double]?,
        trees: [(visits: [Double], hold: [Double])]
    ) -> OfferedLoad {
        let st = stations[s]
        var reads = 0.0
        var writes = 0.0
        var peakReads = 0.0
        var peakWrites = 0.0
        var readCalls = 0.0  // Σ rate × time a read visit's calls hold its worker
        var writeCalls = 0.0
        // Calls with demands of their own (`CallNode.service`): Σ rate × a write's own time at
        // the primary (with a sync write's wait), × its demand alone, and × a read's demand at
        // the primary and at a replica; used only when some call here has one, so the figures of
        // a database without them are exactly the nodes' service means.
        var ownDemands = false
        var writeOwn = 0.0
        var writeDemand = 0.0
        var readOwnPrimary = 0.0
        var readOwnReplica = 0.0
        // Reads per second by the region they come from (with replicas in several regions).
        var readsFrom = Array(repeating: 0.0, count: st.regionsSpanned.count > 1 ? regions.list.count : 0)
        for (k, c) in classes.enumerated() {
            for (n, node) in c.calls.enumerated() where node.station == s {
                let rate = rates[k] * trees[k].visits[n]
                let peak = (peaks?[k] ?? 0) * trees[k].visits[n]
                // The calls a visit makes: its hold less its own time (which `utilization` adds per node).
                let calls =
                    rate
                    * (trees[k].hold[n]
                        - databaseVisitService(db, station: st, access: node.access, own: node.service))
                ownDemands = ownDemands || node.service != nil
                if node.access == .write {
                    writes += rate
                    peakWrites += peak
                    writeCalls += calls
                    writeOwn += rate * databaseVisitService(db, station: st, access: .write, own: node.service)
                    writeDemand += rate * (node.service ?? st.service).mean
                } else {
                    reads += rate
                    peakReads += peak
                    readCalls += calls
                    readOwnPrimary += rate * (node.service ?? st.service).mean
                    readOwnReplica += rate * (node.service ?? db.replicaService).mean
                    if !readsFrom.isEmpty { addReads(rate, of: c, node: n, to: &readsFrom, home: st.region ?? 0) }
                }
            }
        }
        // Nodes serving reads, and whether the primary is among them.
        let n = db.replicas
        let (readNodes, primaryReads): (Int, Bool)
        switch db.readPolicy {
        case _ where n == 0, .primary: (readNodes, primaryReads) = (1, true)
        case .replicas: (readNodes, primaryReads) = (n, false)
        case .any: (readNodes, primaryReads) = (n + 1, true)
        }
        let ownWrites = ownDemands && writes > 0
        let ownReads = ownDemands && reads > 0
        let writeHold = ownWrites ? writeOwn / writes : databaseVisitService(db, station: st, access: .write)
        // A read's mean demand at the primary and at a replica.
        let readPrimary = ownReads ? readOwnPrimary / reads : st.service.mean
        let readReplica = ownReads ? readOwnReplica / reads : db.replicaService.mean
        let readCallTime = reads > 0 ? readCalls / reads : 0
        let writeCallTime = writes > 0 ? writeCalls / writes : 0
        // Each node's share of the reads: evenly over the read nodes (a replica none when reads
        // are the primary's).
        var shares = (0...n).map { j in
            (j == 0 ? primaryReads : readNodes > 1 || !primaryReads) ? 1 / Double(readNodes) : 0
        }
        if !readsFrom.isEmpty && reads > 0 && db.readPolicy != .primary {
            shares = regionalReadShares(db, home: st.region ?? 0, readsFrom: readsFrom.map { $0 / reads })
        }
        // Node utilisations for read and write rates r and w (the primary's: its reads and all
        // writes; a replica's: its reads).
        func primaryUtilization(_ r: Double, _ w: Double) -> Double? {
            guard let workers = st.workers else { return nil }
            return (w * (writeHold + writeCallTime) + r * (readPrimary + readCallTime)) / Double(workers)
        }
        func replicaUtilization(_ r: Double) -> Double? {
            guard let workers = db.replicaWorkers else { return nil }
            return r * (readReplica + readCallTime) / Double(workers)
        }
        let primaryRate = writes + reads * shares[0]
        let primaryServiceLoad =
            ownDemands ? writeDemand + reads * shares[0] * readPrimary : primaryRate * st.service.mean
        var nodes = [
            DatabaseNodeLoad(
                name: DatabaseSpec.nodeName(0), arrivalRate: primaryRate,
                utilization: primaryUtilization(reads * shares[0], writes), serviceLoad: primaryServiceLoad)
        ]
        if n > 0 {
            for j in 1...n {
                nodes.append(
                    DatabaseNodeLoad(
                        name: DatabaseSpec.nodeName(j), arrivalRate: reads * shares[j],
                        utilization: replicaUtilization(reads * shares[j]),
                        serviceLoad: reads * shares[j] * readReplica))
            }
        }
        if peaks != nil {
            nodes[0].peakArrivalRate = peakWrites + peakReads * shares[0]
            nodes[0].peakUtilization = primaryUtilization(peakReads * shares[0], peakWrites)
            for j in nodes.indices.dropFirst() {
                nodes[j].peakArrivalRate = peakReads * shares[j]
                nodes[j].peakUtilization = replicaUtilization(peakReads * shares[j])
            }
        }
        let finite = nodes.compactMap(\.utilization)
        let total = reads + writes
        var load = OfferedLoad(
            name: st.name, arrivalRate: total, utilization: finite.max(),
            workers: st.workers, finiteQueue: st.queueCapacity != nil)
        // The busiest node's share of the station's requests (the first of equals: the primary).
        if n > 0, total > 0,
            let busiest = nodes.indices.max(by: { (nodes[$0].utilization ?? 0) < (nodes[$1].utilization ?? 0) })
        {
            load.unequalShare = nodes[busiest].arrivalRate / total
        }
        if peaks != nil {
            load.peakArrivalRate = peakReads + peakWrites
            load.peakUtilization = nodes.compactMap(\.peakUtilization).max() ?? 0
        }
        load.databaseNodes = nodes
        return load
    }
}

extension ModelSpec {
    /// Adds `rate` reads of call-tree node m of class c to `readsFrom`, by the region they come
    /// from: the nearest calling station's in a region (`callingRegions`); for calls from the
    /// users, the users' shares (the database's own region without `users:`).
    func addReads(_ rate: Double, of c: RequestClass, node m: Int, to readsFrom: inout [Double], home: Int) {
        let callers = callingRegions(c, node: m)
        if !callers.isEmpty {
            for caller in callers { readsFrom[caller.region] += rate * caller.share }
            return
        }
        let users = regions.list.reduce(0) { $0 + $1.users }
        guard users > 0 else {
            readsFrom[home] += rate
            return
        }
        for (g, r) in regions.list.enumerated() { readsFrom[g] += rate * r.users / users }
    }

    /// The regions of a database's read nodes (the replicas, and the primary too under
    /// `read_policy: any`), each once, in node order as the simulation's read ranges are.
    func readRegions(_ db: DatabaseSpec, home: Int) -> [Int] {
        let nodeRegion = db.nodeRegions(home: home)
        var regions: [Int] = []
        for j in nodeRegion.indices where (j > 0 || db.readPolicy == .any) && !regions.contains(nodeRegion[j]) {
            regions.append(nodeRegion[j])
        }
        return regions
    }

    /// Each node's share of the reads of a database with replicas in several regions, every
    /// node up: the reads from each region (`readsFrom`, shares adding up to 1) go to the
    /// nearest region with read nodes — its own first, then by mean round trip — evenly over
    /// them (the replicas there, and the primary too under `read_policy: any`).
    func regionalReadShares(_ db: DatabaseSpec, home: Int, readsFrom: [Double]) -> [Double] {
        let nodeRegion = db.nodeRegions(home: home)
        let readers = nodeRegion.indices.filter { $0 > 0 || db.readPolicy == .any }
        var shares = Array(repeating: 0.0, count: nodeRegion.count)
        let candidates = readRegions(db, home: home)
        for (c, share) in readsFrom.enumerated() where share > 0 {
            guard let nearest = regions.nearestFirst(candidates, from: c).first else { continue }
            let target = candidates[nearest]
            let there = readers.filter { nodeRegion[$0] == target }
            for j in there { shares[j] += share / Double(there.count) }
        }
        return shares
    }
}
