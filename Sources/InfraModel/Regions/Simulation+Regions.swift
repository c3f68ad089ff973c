import SimKernel
import SimRandom

/// Requests crossing between regions, and regions failing as a whole.
///
/// A call to a station in region b from region a ≠ b (the caller's region, or for the first
/// call the user's) pays a round trip drawn from `Regions.latency[a][b]` before it reaches the
/// station, holding nothing at the callee (its caller keeps its worker, as for any call). The
/// draw is the request's own, seated at its visit like its service draw, so adding a region
/// leaves every other draw of the run as it was (common random numbers).
extension Simulation {
    /// The region of request r's users: drawn once per request from its serial (its retries and
    /// branches share it); −1 when no region has users.
    @inline(__always)
    func userRegion(of r: Int32) -> Int32 {
        guard !regions.userCumulative.isEmpty else { return -1 }
        regions.userStream.seat(replication: replication, entity: requests[r].serial)
        let u = regions.userStream.uniform()
        var g = 0
        while g < regions.userCumulative.count - 1 && u >= regions.userCumulative[g] { g += 1 }
        return Int32(g)
    }

    /// The region request r calls its current station from: its nearest calling station's (for
    /// a database with nodes in several regions, the region of the node that served r there),
    /// the region DNS sent it to for a call from the root, else its users' (−1: none).
    func callerRegion(of r: Int32) -> Int32 {
        let node = Int(routes.pathStart[Int(requests[r].classIndex)] &+ requests[r].hop)
        var from = regions.fromNode[node]
        if from == RegionState.fromDatabaseNode {
            from = databaseNodeRegion(callingUp: regions.fromLevels[node], from: r) ?? regions.fromDatabaseHome[node]
        }
        // Called from the root, which DNS may have moved to another region's entry.
        if regions.fromRoot[node] && requests[r].servingRegion >= 0 { from = requests[r].servingRegion }
        if from < 0 { from = userRegion(of: r) }
        return from
    }

    /// The region of the database node that serves strand r's caller `levels` calls up (1: its
    /// own caller). In a call tree that node is in a call frame: the strand's own, then its
    /// parent strand's (a branch or a watched call waits in its parent's frame). A pipeline
    /// holds no frames: the strand keeps the region of the last such node it left
    /// (`Request.databaseNodeRegion`), and the nearest calling station with a region being that
    /// database, no other such node came after it. Nil for a strand whose callers have ended.
    func databaseNodeRegion(callingUp levels: Int32, from r: Int32) -> Int32? {
        guard routes.synchronous[Int(requests[r].classIndex)] else {
            let g = requests[r].databaseNodeRegion
            return g < 0 ? nil : g
        }
        var strand = r
        var up = levels
        while up > requests[strand].depth {
            up -= requests[strand].depth
            let parent = requests[strand].parent
            // A strand whose caller has ended has no frames to read (the caller's slot may
            // serve another request by now); it works for nobody.
            guard parent >= 0, requests[parent].isLive, requests[parent].stamp == requests[strand].parentStamp else {
                return nil
            }
            strand = parent
        }
        let i = requests.frame(strand, requests[strand].depth &- up).pointee.instance
        return i < 0 ? nil : regionOfDatabaseNode(i)
    }

    /// The region of database node i (a global instance index) of a database with nodes in
    /// several regions.
    func regionOfDatabaseNode(_ i: Int32) -> Int32 {
        let s = Int(instances[Int(i)].station)
        let d = Int(stations[s].database)
        guard d >= 0, let nodeRegion = databases[d].regional?.nodeRegion else { return -1 }
        return nodeRegion[Int(i &- stations[s].firstInstance)]
    }

    /// Request r is about to reach station s: when it comes from another region it starts the
    /// crossing (arriving with `.regions(.crossed)`) and this returns true; false for a request
    /// that goes straight in. (A database with nodes in several regions is in none here: it
    /// decides the crossing per node, `enterDatabase`.)
    mutating func startsCrossing(_ r: Int32, station s: Int) -> Bool {
        let to = regions.ofStation[s]
        guard to >= 0 else { return false }
        return startsCrossing(r, from: callerRegion(of: r), to: to, arrivingWith: .regions(.crossed(request: r)))
    }

    /// Request r goes from region `from` to region `to` (−1: none): when they differ it starts
    /// the pair's round trip, arriving with `event`, and this returns true.
    mutating func startsCrossing(_ r: Int32, from: Int32, to: Int32, arrivingWith event: ModelEvent) -> Bool {
        guard from >= 0, to >= 0, from != to, let latency = spec.regions.latency[Int(from)][Int(to)] else {
            return false
        }
        seatDraws(regions.latencyStream, for: r)
        let delay = SimDuration(seconds: latency.sample(regions.latencyStream))
        regions.crossings[Int(to)] &+= 1
        delayEntry(r, by: delay, arrivingWith: event)
        return true
    }

    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: RegionEvent, into sink: inout Sink) {
        switch event {
        case .crossed(let r): endDelay(r, crossed: true, connected: false, into: &sink)
        case .crossedToNode(let r, let i): enterDatabaseNode(afterCrossing: r, node: i, into: &sink)
        case .failure(let g):
            regionGoesDown(Int(g), mode: spec.regions.list[Int(g)].failures?.mode ?? .crash, into: &sink)
            kernel.schedule(.regions(.repair(region: g)), after: nextRegionPeriod(Int(g), failure: false))
        case .repair(let g):
            regionComesBack(Int(g), into: &sink)
            kernel.schedule(.regions(.failure(region: g)), after: nextRegionPeriod(Int(g), failure: true))
        }
    }

    /// Region g gets one more reason to be down; on the first, every instance in it goes down.
    mutating func regionGoesDown<Sink: RecordSink & ~Copyable>(
        _ g: Int, mode: FailureSpec.Mode, into sink: inout Sink
    ) {
        regions.accumulate(to: kernel.now)
        regions.downCount[g] += 1
        guard regions.downCount[g] == 1 else { return }
        regions.outages[g] &+= 1
        dnsNotes(region: g, down: true)
        standbyNotes(region: g, down: true)
        for i in regions.members[g] { setDown(i, DownReason.region, mode: mode, into: &sink) }
    }

    /// One reason for region g to be down is over; when none is left its instances come back.
    mutating func regionComesBack<Sink: RecordSink & ~Copyable>(_ g: Int, into sink: inout Sink) {
        assert(regions.downCount[g] > 0, "a region comes back only from an outage")
        regions.accumulate(to: kernel.now)
        regions.downCount[g] -= 1
        guard regions.downCount[g] == 0 else { return }
        dnsNotes(region: g, down: false)
        standbyNotes(region: g, down: false)
        for i in regions.members[g] { setUp(i, DownReason.region, into: &sink) }
    }

    /// Puts every region with random outages in its stationary state at time 0 (down with
    /// probability MTTR/(MTBF + MTTR), the time left in its period from the equilibrium
    /// distribution, as zones do) and schedules its next change.
    mutating func startRegions() {
        for (g, region) in spec.regions.list.enumerated() {
            guard let f = region.failures else { continue }
            let stream = regions.failureStreams[g]
            stream.seat(replication: replication, entity: 0, block: 0)
            let pDown = f.timeToRepair.mean / (f.timeToFailure.mean + f.timeToRepair.mean)
            let down = stream.uniform() < pDown
            let residual = (down ? f.timeToRepair : f.timeToFailure).lengthBiasedSample(stream) * stream.uniform()
            regions.cycle[g] = 1
            if down {
                regions.downCount[g] += 1
                regions.outages[g] &+= 1
                dnsNotes(region: g, down: true, longAgo: true)
                standbyNotes(region: g, down: true, longAgo: true)
                for i in regions.members[g] { startDown(i, DownReason.region, hang: f.mode == .hang) }
                kernel.schedule(.regions(.repair(region: Int32(g))), after: SimDuration(seconds: residual))
            } else {
                kernel.schedule(.regions(.failure(region: Int32(g))), after: SimDuration(seconds: residual))
            }
        }
    }

    /// The length of region g's next up (`failure`) or down period.
    mutating func nextRegionPeriod(_ g: Int, failure: Bool) -> SimDuration {
        guard let f = spec.regions.list[g].failures else {
            preconditionFailure("only a region with failures draws failure periods")
        }
        let stream = regions.failureStreams[g]
        stream.seat(replication: replication, entity: 0, block: regions.cycle[g] << 8 | (failure ? 0 : 0x80))
        if !failure { regions.cycle[g] += 1 }
        return SimDuration(seconds: (failure ? f.timeToFailure : f.timeToRepair).sample(stream))
    }

    /// Fills the regions' counters of a snapshot (from `snapshot()`).
    mutating func regionSnapshot(_ now: SimTime) {
        regions.accumulate(to: now)
        counters.regionUpIntegral = regions.upIntegral
        counters.regionOutages = regions.outages
        counters.regionCrossings = regions.crossings
    }
}
