import SimKernel
import SimRandom

/// Databases with nodes in several regions (`DatabaseRegions`): a read goes to the nearest
/// region with a read node in the rotation, a request crosses to its node's region when that is
/// not its caller's (paying the pair's round trip, as a call to any component in another region
/// does), and a commit ships to a replica in another region than the primary after its lag plus
/// a one-way trip.
extension Simulation {
    /// The node a read from region `from` (−1: none) goes to: by the balancer of the first range
    /// in the caller's order with a node in the rotation; −1 when no range has one.
    mutating func chooseRegionalRead(for r: Int32, database d: Int, from: Int32) -> Int32 {
        guard let order = databases[d].regional?.order[Int(from) + 1], let ranges = databases[d].regional?.ranges
        else { preconditionFailure("a regional read needs the database's regions") }
        let first = stations[Int(databases[d].station)].firstInstance
        // As `chooseDatabaseNode`: never the primary when reads are the replicas', nor a primary
        // being replaced.
        let skipPrimary =
            databases[d].readsSkipPrimary
            || (databases[d].readPolicy == .any && databases[d].failover.phase != .serving)
        let p = databases[d].failover.primary
        for k in order {
            let range = ranges[Int(k)]
            let start = first + range.from
            var eligible: Int32 = 0
            for j in 0..<range.count where instances[Int(start + j)].healthy { eligible += 1 }
            var excluded: Int32 = -1
            if skipPrimary && p >= range.from && p < range.from + range.count {
                excluded = p - range.from
                if instances[Int(first + p)].healthy { eligible -= 1 }
            }
            guard eligible > 0 else { continue }
            let candidates = self.candidates(from: start, count: range.count, eligible: eligible, excluded: excluded)
            let j =
                databases[d].regional?.balancers[Int(k)]
                .choose(among: candidates, for: requests.slots + Int(r), replication: replication) ?? -1
            if j >= 0 { return start + j }
        }
        return -1
    }

    /// Request r, called from region `from`, goes to node i of database d: when the node is in
    /// another region the request starts the crossing (arriving with `.crossedToNode`) and this
    /// returns true.
    mutating func crossesToNode(_ r: Int32, node i: Int32, database d: Int, from: Int32) -> Bool {
        let first = stations[Int(databases[d].station)].firstInstance
        guard let to = databases[d].regional?.nodeRegion[Int(i &- first)] else { return false }
        return startsCrossing(r, from: from, to: to, arrivingWith: .regions(.crossedToNode(request: r, instance: i)))
    }

    /// Request r has crossed to database node i. A request its caller gave up on meanwhile
    /// vanishes (as after any crossing). A write — or a read of `read_policy: primary` — that
    /// finds the primary moved or being replaced is refused with `failover`: the node it was
    /// sent to no longer takes writes.
    mutating func enterDatabaseNode<Sink: RecordSink & ~Copyable>(
        afterCrossing r: Int32, node i: Int32, into sink: inout Sink
    ) {
        if requests[r].phase == .ended {
            requests.remove(r)
            return
        }
        requests[r].hopArrival = kernel.now
        let s = Int(instances[Int(i)].station)
        let d = Int(stations[s].database)
        let write = calls.node(requests[r].classIndex, requests[r].hop).pointee.access == .write
        let onPrimary = write || (databases[d].readCount == 1 && databases[d].readPolicy == .primary)
        if onPrimary
            && (databases[d].failover.phase != .serving
                || i != stations[s].firstInstance + databases[d].failover.primary)
        {
            fail(r, databaseRefusal(d, .failover), into: &sink)
            return
        }
        enterDatabaseNode(r, node: i, station: s, into: &sink)
    }

    /// Adds to the shipping delay of the commit being made (`ReplicationLog.lags`) a one-way
    /// trip — half a round trip drawn from the pair's `Regions.latency` — at each replica in
    /// another region than the primary of the moment. Drawn after the lags and apply times, from
    /// the same seated stream.
    mutating func addCrossRegionShipping(database d: Int, stream: RandomStream) {
        guard let nodeRegion = databases[d].regional?.nodeRegion else { return }
        let home = Int(nodeRegion[Int(databases[d].failover.primary)])
        for j in 0..<Int(databases[d].replicas) {
            let g = Int(nodeRegion[Int(databases[d].failover.nodeOfSlot[j])])
            guard g != home, let latency = spec.regions.latency[home][g] else { continue }
            let oneWay = max(0, SimDuration(seconds: latency.sample(stream) / 2).nanoseconds)
            databases[d].log.lags[j] = databases[d].log.lags[j].saturatingAdd(oneWay)
        }
    }
}
