import SimKernel
import SimRandom

/// The run-time state of one database station (see `DatabaseSpec`).
struct DatabaseState {
    let station: Int32
    let replicas: Int32
    let replicaWorkers: Int32
    let replicaQueue: Int
    let replicaService: Sampler
    let lag: Sampler
    /// Apply time per commit of the replicas' apply queues (nil: none).
    let apply: Distribution?
    /// Acknowledgements a write waits for (0: async).
    let acks: Int
    let readPolicy: ReadPolicy
    let lagStream: RandomStream
    var log: ReplicationLog
    var counters: DatabaseCounters
    /// Reads go to nodes `readFrom ..< readFrom + readCount` (offsets from node 0), by
    /// `read_policy`: the primary alone, the replicas, or all nodes; spread by `reads`. With
    /// failover the primary moves, so the replicas are every node but the primary of the moment
    /// (`readsSkipPrimary`), and `read_policy: primary` reads at the primary of the moment.
    let readFrom: Int32
    let readCount: Int32
    let readsSkipPrimary: Bool
    /// Which node is the primary, and failovers and switchovers (`DatabaseFailover.swift`).
    var failover: FailoverState
    /// Backups and restores (`BackupState.swift`).
    var backup: BackupState
    var reads: Balancer
    /// Nodes in several regions (`DatabaseSpec.remote`): their regions and the reads' regional
    /// balancers, used instead of `reads`; nil when every node is in the station's region.
    var regional: DatabaseRegions?
    /// Scratch for the acks-th smallest apply time (one entry per replica).
    var applyScratch: [Int64]

    init(
        station: Int, spec: StationSpec, db: DatabaseSpec, lagStream: RandomStream, routing: RandomStream,
        backupStream: RandomStream?, regions: Regions
    ) {
        self.station = Int32(station)
        replicas = Int32(db.replicas)
        replicaWorkers = db.replicaWorkers.map { Int32(clamping: $0) } ?? .max
        replicaQueue = db.replicaQueue ?? .max
        replicaService = Sampler(db.replicaService)
        lag = Sampler(db.lag)
        apply = db.apply
        if case .sync(let k) = db.replication { acks = k } else { acks = 0 }
        readPolicy = db.readPolicy
        var from = 0
        var count = 1
        if db.replicas > 0 {
            switch db.readPolicy {
            case .primary: break
            case .replicas:
                from = 1
                count = db.replicas
            case .any: count = db.replicas + 1
            }
        }
        readsSkipPrimary = db.failover != nil && db.replicas > 0 && db.readPolicy == .replicas
        if readsSkipPrimary {
            from = 0
            count = db.replicas + 1
        }
        readFrom = Int32(from)
        readCount = Int32(count)
        failover = FailoverState(plan: db.failover, replicas: db.replicas)
        backup = BackupState(spec: db, stream: backupStream)
        precondition(
            [.roundRobin, .random, .leastOutstanding].contains(db.replicaBalance),
            "a database's reads are balanced by round_robin, random or least_outstanding")
        reads = Balancer(policy: db.replicaBalance, routing: routing, count: count)
        if let home = spec.region, !db.remote.isEmpty {
            regional = DatabaseRegions(
                db: db, home: home, readFrom: from, regions: regions, policy: db.replicaBalance, routing: routing)
        }
        self.lagStream = lagStream
        log = ReplicationLog(replicas: db.replicas, threads: db.apply == nil ? 0 : db.applyThreads)
        counters = DatabaseCounters(nodes: db.replicas + 1)
        applyScratch = Array(repeating: 0, count: db.replicas)
    }
}

/// Databases: writes go to the primary (instance 0 of the station), reads to the replicas (or
/// the primary, by `read_policy`); each write commits at the end of its service at the primary
/// and is applied by every replica after its lag, in commit order (`ReplicationLog`). With
/// `replication: sync` the write keeps its primary worker until `acks` replicas have applied it
/// (a `writeAcknowledged` event at that instant ends its service there). Reads are judged at the end of
/// their service: stale when their replica lacks the latest commit of their key.
extension Simulation {
    static func databaseStates(_ spec: ModelSpec, streams: StreamStore) -> ContiguousArray<DatabaseState> {
        var out = ContiguousArray<DatabaseState>()
        for (s, st) in spec.stations.enumerated() {
            guard let db = st.database else { continue }
            out.append(
                DatabaseState(
                    station: s, spec: st, db: db,
                    lagStream: streams.stream(path: "components." + st.name, purpose: .replication),
                    routing: streams.stream(path: "components." + st.name, purpose: .routing),
                    backupStream: db.backups == nil && db.restore == nil
                        ? nil : streams.stream(path: "components." + st.name, purpose: .backup),
                    regions: spec.regions))
        }
        return out
    }

    /// The databases' counters, for a snapshot: each node's busy integral brought up to now
    /// on the copy (the model's own integrals are left as they are).
    var databaseCounters: [DatabaseCounters] {
        let now = kernel.now.nanoseconds
        return databases.map { db in
            var c = db.counters
            let first = Int(stations[Int(db.station)].firstInstance)
            for j in c.busyIntegral.indices {
                let node = instances[first + j]
                c.busyIntegral[j] = node.nodeBusyIntegral + Double(node.busy) * Double(now &- node.nodeBusySince)
            }
            if db.failover.writable { c.writableIntegral += Double(now &- db.failover.writableSince) }
            return c
        }
    }

    /// Brings the busy integral of database node i (of station s) up to now; call before the
    /// node's busy count changes. Kept in the instance's state, not in the database's
    /// `counters` (an array in an array element: two copy-on-write checks per call).
    @inline(__always)
    mutating func accumulateNodeBusy(_ i: Int32, station s: Int) {
        let now = kernel.now.nanoseconds
        let node = instances + Int(i)
        node.pointee.nodeBusyIntegral += Double(node.pointee.busy) * Double(now &- node.pointee.nodeBusySince)
        node.pointee.nodeBusySince = now
    }

    /// Request r arrives at database station s (its `hopArrival` already set). With nodes in
    /// several regions, the request then crosses to the chosen node's region when that is not
    /// the caller's (`Simulation+DatabaseRegions.swift`).
    mutating func enterDatabase<Sink: RecordSink & ~Copyable>(_ r: Int32, station s: Int, into sink: inout Sink) {
        let d = Int(stations[s].database)
        let access = calls.node(requests[r].classIndex, requests[r].hop).pointee.access
        let from = databases[d].regional == nil ? -1 : callerRegion(of: r)
        let i = chooseDatabaseNode(for: r, database: d, write: access == .write, from: from)
        guard i >= 0 else {
            fail(r, databaseRefusal(d, i == Self.failingOver ? .failover : .noHealthyInstance), into: &sink)
            return
        }
        if databases[d].regional != nil && crossesToNode(r, node: i, database: d, from: from) { return }
        enterDatabaseNode(r, node: i, station: s, into: &sink)
    }

    /// Request r goes into database node i of station s, chosen for it.
    mutating func enterDatabaseNode<Sink: RecordSink & ~Copyable>(
        _ r: Int32, node i: Int32, station s: Int, into sink: inout Sink
    ) {
        let d = Int(stations[s].database)
        let primary = i == stations[s].firstInstance + databases[d].failover.primary
        let workers = primary ? stations[s].workers : databases[d].replicaWorkers
        let queue = primary ? stations[s].queueCapacity : databases[d].replicaQueue
        if !instances[Int(i)].up && !instances[Int(i)].hung {
            fail(r, databaseRefusal(d, .instanceFailed), into: &sink)
            return
        }
        admit(r, at: i, station: s, workers: workers, queueCapacity: queue, into: &sink)
    }

    /// Why database d refuses a request: `cause`, or `restoring` while it is being restored
    /// (its nodes are all down then). Asked only on the way to an error.
    func databaseRefusal(_ d: Int, _ cause: ErrorCause) -> ErrorCause {
        databases[d].failover.phase == .restoring ? .restoring : cause
    }

    /// `chooseDatabaseNode`'s answer while the database has no primary taking requests (a
    /// failover or switchover in progress): the request ends with `failover`.
    static var failingOver: Int32 { -2 }

    /// The node a request goes to: the primary for a write; for a read, the database's read
    /// balancer among its read nodes in the rotation (with nodes in several regions, the
    /// nearest region's to `from`, the caller's region). −1 when none is; `failingOver` for a
    /// write (or a read of `read_policy: primary`) during a failover.
    mutating func chooseDatabaseNode(for r: Int32, database d: Int, write: Bool, from: Int32) -> Int32 {
        let first = stations[Int(databases[d].station)].firstInstance
        let primary = first + databases[d].failover.primary
        let onPrimary = write || (databases[d].readCount == 1 && databases[d].readPolicy == .primary)
        if onPrimary {
            guard databases[d].failover.phase == .serving else { return Self.failingOver }
            return instances[Int(primary)].healthy ? primary : -1
        }
        if databases[d].regional != nil { return chooseRegionalRead(for: r, database: d, from: from) }
        let start = first + databases[d].readFrom
        let count = databases[d].readCount
        var eligible: Int32 = 0
        for k in 0..<count where instances[Int(start + k)].healthy { eligible += 1 }
        var candidates = self.candidates(from: start, count: count, eligible: eligible)
        // A read never goes to the primary when reads are the replicas', nor to a primary being
        // replaced (`read_policy: any` during a failover or switchover).
        if databases[d].readsSkipPrimary || (databases[d].readPolicy == .any && databases[d].failover.phase != .serving)
        {
            let p = databases[d].failover.primary
            candidates = self.candidates(
                from: start, count: count, eligible: eligible - (instances[Int(primary)].healthy ? 1 : 0), excluded: p)
        }
        let k = databases[d].reads.choose(among: candidates, for: requests.slots + Int(r), replication: replication)
        return k < 0 ? -1 : start + k
    }

    /// Request r's service demand at database node i: the primary's or the replicas' service,
    /// from the same seated draw (so a read's demand is the same quantile whichever node serves it);
    /// a call with a demand of its own (`CallNode.service`) takes it at either.
    @inline(__always)
    mutating func databaseDemand(of r: Int32, at i: Int32, station s: Int) -> SimDuration {
        guard i != stations[s].firstInstance + databases[Int(stations[s].database)].failover.primary else {
            return demand(of: r, at: s)
        }
        let stream = stations[s].serviceStream
        seatDraws(stream, for: r)
        if case let k = visitService(of: r, at: s), k >= 0 { return Self.visitDemand(calls.services, k, stream) }
        let d = Int(stations[s].database)
        // The form first (see `Sampler.sample(_:_:)`): no copy of the distribution per draw.
        let form = databases[d].replicaService.form
        return SimDuration(seconds: Sampler.sample(form, stream) ?? databases[d].replicaService.sample(stream))
    }

    /// Request r's service at a database node is over. A write commits (and under sync
    /// replication keeps its worker until its acks: returns true, and `writeAcknowledged` comes
    /// then); a read is counted and judged. Returns false when the request goes on as usual.
    mutating func databaseServiceEnded<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) -> Bool {
        let q = requests[r]
        let s = Int(instances[Int(q.instance)].station)
        let d = Int(stations[s].database)
        let now = kernel.now.nanoseconds
        databases[d].log.advance(to: now)
        let node = Int(q.instance &- stations[s].firstInstance)
        let access = calls.node(q.classIndex, q.hop).pointee.access
        if access == .write {
            databases[d].counters.writes &+= 1
            let n = Int(databases[d].replicas)
            guard n > 0 else {
                // Without replicas the log only numbers the commits, which a restore needs.
                if databases[d].backup.tracksCommits {
                    databases[d].log.commit(key: q.dataKey, now: now)
                    databases[d].backup.noteCommit(databases[d].log.lastCommit, at: now)
                }
                return false
            }
            let stream = databases[d].lagStream
            seatDraws(stream, for: r)
            for j in 0..<n {
                databases[d].log.lags[j] = max(0, SimDuration(seconds: databases[d].lag.sample(stream)).nanoseconds)
            }
            if let apply = databases[d].apply {
                // Drawn after the shipping delays, from the same seated stream.
                for j in 0..<n {
                    databases[d].log.applyTimes[j] = max(0, SimDuration(seconds: apply.sample(stream)).nanoseconds)
                }
            }
            if databases[d].regional != nil { addCrossRegionShipping(database: d, stream: stream) }
            databases[d].log.commit(key: q.dataKey, now: now)
            if databases[d].backup.tracksCommits {
                databases[d].backup.noteCommit(databases[d].log.lastCommit, at: now)
            }
            let measured = kernel.now >= spec.window.warmup && stage == .open
            var live = 0
            for j in 0..<n {
                let a = databases[d].log.latestApply(j)
                // A frozen replica (a former primary not yet back) acknowledges nothing.
                let frozen = databases[d].log.isFrozen(j)
                databases[d].applyScratch[j] = frozen ? .max : a
                if !frozen { live += 1 }
                sink.replicationLagged(database: Int32(d), lag: SimDuration(nanoseconds: a &- now), measured: measured)
            }
            let k = databases[d].acks
            guard k > 0, live > 0 else { return false }
            databases[d].applyScratch.sort()
            // With fewer replicas following than `acks`, the write waits for those that follow.
            let ack = databases[d].applyScratch[min(k, live) - 1]
            guard ack > now else { return false }
            kernel.schedule(.database(.writeAcknowledged(request: r)), at: SimTime(nanoseconds: ack))
            return true
        }
        databases[d].counters.reads[node] &+= 1
        if q.dataKey != 0 {
            databases[d].counters.judgedReads &+= 1
            let slot = Int(databases[d].failover.slotOfNode[node])
            let stale = slot >= 0 && databases[d].log.isStale(key: q.dataKey, replica: slot)
            if stale { databases[d].counters.staleReads &+= 1 }
            if databases[d].failover.phase != .serving {
                databases[d].counters.judgedReadsInFailover &+= 1
                if stale { databases[d].counters.staleReadsInFailover &+= 1 }
            }
        }
        return false
    }
}
