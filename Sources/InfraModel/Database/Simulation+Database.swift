import SimKernel
import SimRandom

/// The run-time state of one database station (see `DatabaseSpec`).
struct DatabaseState {
    let station: Int32
    let replicas: Int32
    let replicaWorkers: Int32
    let replicaQueue: Int
    let replicaService: Distribution
    let replicaBalance: BalancePolicy
    let lag: Distribution
    /// Acknowledgements a write waits for (0: async).
    let acks: Int
    let readPolicy: ReadPolicy
    let lagStream: RandomStream
    var log: ReplicationLog
    var counters: DatabaseCounters
    /// Round robin over the read nodes: the next offset among them.
    var nextRead: Int32 = 0
    /// Scratch for the acks-th smallest apply time (one entry per replica).
    var applyScratch: [Int64]

    init(station: Int, spec: StationSpec, db: DatabaseSpec, lagStream: RandomStream) {
        self.station = Int32(station)
        replicas = Int32(db.replicas)
        replicaWorkers = db.replicaWorkers.map { Int32(clamping: $0) } ?? .max
        replicaQueue = db.replicaQueue ?? .max
        replicaService = db.replicaService
        replicaBalance = db.replicaBalance
        lag = db.lag
        if case .sync(let k) = db.replication { acks = k } else { acks = 0 }
        readPolicy = db.readPolicy
        self.lagStream = lagStream
        log = ReplicationLog(replicas: db.replicas)
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
            out.append(DatabaseState(station: s, spec: st, db: db,
                                     lagStream: streams.stream(path: "components." + st.name, purpose: .replication)))
        }
        return out
    }

    /// The database's counters, for a snapshot.
    var databaseCounters: [DatabaseCounters] { databases.map(\.counters) }

    /// Request r arrives at database station s (its `hopArrival` already set).
    mutating func enterDatabase<Sink: RecordSink & ~Copyable>(_ r: Int32, station s: Int, into sink: inout Sink) {
        let d = Int(stations[s].database)
        let access = calls.node(requests[r].classIndex, requests[r].hop).pointee.access
        let i = chooseDatabaseNode(for: r, database: d, write: access == .write)
        guard i >= 0 else { fail(r, .noHealthyInstance, into: &sink); return }
        let primary = i == stations[s].firstInstance
        let workers = primary ? stations[s].workers : databases[d].replicaWorkers
        let queue = primary ? stations[s].queueCapacity : databases[d].replicaQueue
        if !instances[Int(i)].up && !instances[Int(i)].hung { fail(r, .instanceFailed, into: &sink); return }
        admit(r, at: i, station: s, workers: workers, queueCapacity: queue, into: &sink)
    }

    /// The node a request goes to: the primary for a write; for a read, by the read policy
    /// among the nodes believed healthy. −1 when none is.
    mutating func chooseDatabaseNode(for r: Int32, database d: Int, write: Bool) -> Int32 {
        let s = Int(databases[d].station)
        let first = stations[s].firstInstance
        let n = databases[d].replicas
        var lo: Int32 = 0, hi: Int32 = 1
        if !write && n > 0 {
            switch databases[d].readPolicy {
            case .primary: break
            case .replicas: lo = 1; hi = n + 1
            case .any: hi = n + 1
            }
        }
        let count = hi - lo
        if count == 1 { return instances[Int(first + lo)].healthy ? first + lo : -1 }
        var healthyCount: Int32 = 0
        for k in lo..<hi where instances[Int(first + k)].healthy { healthyCount += 1 }
        guard healthyCount > 0 else { return -1 }
        switch databases[d].replicaBalance {
        case .random:
            let stream = stations[s].routingStream
            seatDraws(stream, for: r)
            var m = Int32(truncatingIfNeeded: stream.index(below: Int(healthyCount)))
            for k in lo..<hi where instances[Int(first + k)].healthy {
                if m == 0 { return first + k }
                m -= 1
            }
            return -1
        case .leastOutstanding:
            var k = databases[d].nextRead % count, best: Int32 = -1, fewest = Int.max
            for _ in 0..<count {
                let i = first + lo + k
                if instances[Int(i)].healthy {
                    let load = inFlight(i)
                    if load < fewest { fewest = load; best = k; if load == 0 { break } }
                }
                k = k + 1 == count ? 0 : k + 1
            }
            databases[d].nextRead = best + 1 == count ? 0 : best + 1
            return first + lo + best
        default:
            var k = databases[d].nextRead % count
            while !instances[Int(first + lo + k)].healthy { k = k + 1 == count ? 0 : k + 1 }
            databases[d].nextRead = k + 1 == count ? 0 : k + 1
            return first + lo + k
        }
    }

    /// Request r's service demand at database node i: the primary's or the replicas' service,
    /// from the same seated draw (so a read's demand is the same quantile whichever node serves it).
    @inline(__always)
    func databaseDemand(of r: Int32, at i: Int32, station s: Int) -> SimDuration {
        guard i != stations[s].firstInstance else { return demand(of: r, at: s) }
        let stream = stations[s].serviceStream
        seatDraws(stream, for: r)
        return SimDuration(seconds: databases[Int(stations[s].database)].replicaService.sample(stream))
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
            guard n > 0 else { return false }
            let stream = databases[d].lagStream
            seatDraws(stream, for: r)
            for j in 0..<n {
                databases[d].log.lags[j] = max(0, SimDuration(seconds: databases[d].lag.sample(stream)).nanoseconds)
            }
            databases[d].log.commit(key: q.dataKey, now: now)
            let measured = kernel.now >= spec.window.warmup && !closed
            for j in 0..<n {
                let a = databases[d].log.latestApply(j)
                databases[d].applyScratch[j] = a
                sink.replicationLagged(database: Int32(d), lag: SimDuration(nanoseconds: a &- now), measured: measured)
            }
            let k = databases[d].acks
            guard k > 0 else { return false }
            databases[d].applyScratch.sort()
            let ack = databases[d].applyScratch[k - 1]
            guard ack > now else { return false }
            kernel.schedule(.writeAcknowledged(request: r), at: SimTime(nanoseconds: ack))
            return true
        }
        databases[d].counters.reads[node] &+= 1
        if q.dataKey != 0 {
            databases[d].counters.judgedReads &+= 1
            if node > 0 && databases[d].log.isStale(key: q.dataKey, replica: node - 1) { databases[d].counters.staleReads &+= 1 }
        }
        return false
    }
}
