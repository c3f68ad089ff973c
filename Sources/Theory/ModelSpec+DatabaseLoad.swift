import InfraModel

extension ModelSpec {
    /// Offered load on database station s (its `DatabaseSpec` is `db`), node by node: writes at
    /// the primary, reads over the nodes of the read policy (evenly, as round robin spreads
    /// them); the station's utilisation is its busiest node's. A write under sync replication
    /// holds its primary worker for its service plus the wait for its acks, counted here as one
    /// mean lag (a rough estimate: the wait is the acks-th smallest apply time of several
    /// replicas).
    func databaseLoad(
        station s: Int, _ db: DatabaseSpec, rates: [Double], peaks: [Double]?,
        trees: [(visits: [Double], hold: [Double])]
    ) -> OfferedLoad {
        let st = stations[s]
        var reads = 0.0
        var writes = 0.0
        var peakReads = 0.0
        var peakWrites = 0.0
        var holding = 0.0
        for (k, c) in classes.enumerated() {
            for (n, node) in c.calls.enumerated() where node.station == s {
                let rate = rates[k] * trees[k].visits[n]
                let peak = (peaks?[k] ?? 0) * trees[k].visits[n]
                // The calls a visit makes: its hold less its own service (which `utilization` adds per node).
                holding += rate * (trees[k].hold[n] - st.service.mean)
                if node.access == .write {
                    writes += rate
                    peakWrites += peak
                } else {
                    reads += rate
                    peakReads += peak
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
        var writeHold = st.service.mean
        if case .sync = db.replication { writeHold += db.lag.mean }
        // Time the calls a database visit makes (rare) add to its holding, spread over its visits.
        let callTime = reads + writes > 0 ? holding / (reads + writes) : 0
        func utilization(_ r: Double, _ w: Double, primary: Bool) -> Double? {
            let workers = primary ? st.workers : db.replicaWorkers
            guard let workers else { return nil }
            let service = primary ? st.service.mean : db.replicaService.mean
            return (w * (writeHold + callTime) + r * (service + callTime)) / Double(workers)
        }
        let share = 1 / Double(readNodes)
        let primaryU = utilization(primaryReads ? reads * share : 0, writes, primary: true)
        let replicaU = n > 0 ? utilization(reads * share, 0, primary: false) : nil
        let u: Double? = primaryU == nil && replicaU == nil ? nil : max(primaryU ?? 0, replicaU ?? 0)
        var load = OfferedLoad(
            name: st.name, arrivalRate: reads + writes, utilization: u,
            workers: st.workers, finiteQueue: st.queueCapacity != nil)
        let total = reads + writes
        if n > 0, total > 0 {
            let primaryShare = (writes + (primaryReads ? reads * share : 0)) / total
            load.unequalShare = (primaryU ?? 0) >= (replicaU ?? 0) ? primaryShare : reads * share / total
        }
        if peaks != nil {
            load.peakArrivalRate = peakReads + peakWrites
            let pp = utilization(primaryReads ? peakReads * share : 0, peakWrites, primary: true)
            let pr = n > 0 ? utilization(peakReads * share, 0, primary: false) : nil
            load.peakUtilization = max(pp ?? 0, pr ?? 0)
        }
        return load
    }
}
