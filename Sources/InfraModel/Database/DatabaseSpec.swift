import SimKernel
import SimRandom

/// Whether a call-tree node reads or writes a database (`db.read` / `db.write` in a path);
/// `none` for every other component.
public enum DataAccess: UInt8, Sendable, Equatable {
    case none = 0
    case read, write
}

/// Which nodes of a database serve reads (`read_policy:`).
public enum ReadPolicy: String, Sendable, Equatable, CaseIterable {
    /// The replicas only (the default); with none believed healthy a read ends with
    /// `no_healthy_instance`.
    case replicas
    /// The primary only: never stale.
    case primary
    /// Every node, the primary among the replicas.
    case any
}

/// How writes reach the replicas (`replication:`).
public enum ReplicationMode: Sendable, Equatable {
    /// The write returns at its commit; each replica applies it later.
    case async
    /// The write returns when `acks` replicas have applied it (its primary worker is held until
    /// then): the write's time at the primary includes the wait for the acks-th apply.
    case sync(acks: Int)
}

/// A `kind: database` component: one station whose instance 0 is the primary and instances
/// 1…n the replicas. Writes go to the primary; reads by `readPolicy`. Each replica applies the
/// primary's commits in commit order, commit j at a(j) = max(c(j) + lag, a(j − 1)), the lag
/// drawn per write and replica from `lag`. A read at a replica is stale when the replica has
/// not yet applied the latest commit of the read's key.
///
/// The station's own `workers`, `queueCapacity` and `service` are the primary's; the replicas'
/// are here.
///
/// Nodes 1 … `localReplicas` live in the database's own region (the station's), the `remote`
/// replicas after them in theirs. A commit reaches a replica in another region than the primary
/// of the moment after its `lag` plus a one-way trip, half a round trip of the two regions'
/// `Regions.latency` (drawn per commit and replica); a read goes to the nearest region with a
/// read node up, the caller's own first.
public struct DatabaseSpec: Sendable, Equatable {
    /// Replicas in all regions (`localReplicas` + the `remote` counts).
    public var replicas: Int
    public var replicaWorkers: Int?
    public var replicaQueue: Int?
    public var replicaService: Distribution
    /// How reads pick a replica (round_robin, random or least_outstanding).
    public var replicaBalance: BalancePolicy
    /// Replication lag of one commit at one replica (seconds); with an `apply` queue, the time
    /// to ship the commit to the replica before it joins the queue.
    public var lag: Distribution
    public var replication: ReplicationMode
    public var readPolicy: ReadPolicy
    /// A replica's apply queue (`apply:`): each commit takes this long (seconds) to apply, on
    /// one of `applyThreads` apply threads, dispatched in commit order and made visible in
    /// commit order, so lag emerges from the write load. nil: the lag alone (drawn per write).
    public var apply: Distribution?
    public var applyThreads = 1
    /// Primary failover (`failover:`); nil: a failed primary fails writes until it is back.
    public var failover: DatabaseFailover?
    /// A backup schedule (`backups:`); nil: no backups (the recoverable state is the one at
    /// time 0).
    public var backups: DatabaseBackups?
    /// Recovery from a total loss (`restore:`); nil: no total loss is modelled.
    public var restore: DatabaseRestore?
    /// Replicas in other regions (`replicas: {remote: {eu-west: 1}}`), in declaration order;
    /// empty: every node is in the station's region (or in none).
    public var remote: [RemoteReplicas] = []

    /// Replicas in the database's own region.
    public var localReplicas: Int { replicas - remote.reduce(0) { $0 + $1.count } }

    /// The region of each node (primary first), for a database in region `home`.
    public func nodeRegions(home: Int) -> [Int] {
        Array(repeating: home, count: localReplicas + 1)
            + remote.flatMap { Array(repeating: $0.region, count: $0.count) }
    }

    public init(
        replicas: Int, replicaWorkers: Int?, replicaQueue: Int?, replicaService: Distribution,
        replicaBalance: BalancePolicy = .roundRobin, lag: Distribution, replication: ReplicationMode = .async,
        readPolicy: ReadPolicy = .replicas
    ) {
        self.replicas = replicas
        self.replicaWorkers = replicaWorkers
        self.replicaQueue = replicaQueue
        self.replicaService = replicaService
        self.replicaBalance = replicaBalance
        self.lag = lag
        self.replication = replication
        self.readPolicy = readPolicy
    }

    /// The name of node j in metric ids: `primary`, then `replica1`, `replica2`, …
    public static func nodeName(_ j: Int) -> String { j == 0 ? "primary" : "replica\(j)" }
}

/// `count` replicas of a database in `region` (an index into `ModelSpec.regions.list`), another
/// region than the database's own.
public struct RemoteReplicas: Sendable, Equatable {
    public var region: Int
    public var count: Int

    public init(region: Int, count: Int) {
        self.region = region
        self.count = count
    }
}

/// A database's counters (cumulative, like `ModelCounters`' others): requests served per node
/// (their service ended), each node's busy workers integrated over time, and the reads judged
/// for staleness (those with a key) and found stale.
public struct DatabaseCounters: Sendable, Equatable {
    /// Reads whose service ended, per node (primary first).
    public var reads: [UInt64]
    /// ∫ busy workers dt per node (primary first), in worker × nanoseconds; they add up to the
    /// station's `ModelCounters.busyIntegral`.
    public var busyIntegral: [Double]
    /// Writes committed (at the primary).
    public var writes: UInt64 = 0
    /// Reads with a key (judged), and those that found their replica behind the primary.
    public var judgedReads: UInt64 = 0
    public var staleReads: UInt64 = 0
    /// (With failover) the same during failovers and switchovers (while writes are refused).
    public var judgedReadsInFailover: UInt64 = 0
    public var staleReadsInFailover: UInt64 = 0
    /// ∫ [the database accepts writes: its primary, or a promoted replica, up and serving] dt, ns.
    public var writableIntegral: Double = 0
    /// (With failover) primaries lost and replaced; planned switchovers.
    public var failovers: UInt64 = 0
    public var switchovers: UInt64 = 0
    /// Acknowledged writes the promoted replica lacked (over all failovers), and the data they
    /// span: Σ over failovers of (failure − commit of the oldest lost write), ns.
    public var lostWrites: UInt64 = 0
    public var lostDataNanoseconds: Double = 0
    /// Σ over failovers of the write unavailability (failure → promotion), ns.
    public var unavailableNanoseconds: Double = 0
    /// (With `backups:`) backups completed.
    public var backups: UInt64 = 0
    /// (With `restore:`) total losses, each restored (counted at the loss, when the restore
    /// time is drawn); the acknowledged writes they lost; Σ over them of (loss − commit of the
    /// oldest lost write), ns; and Σ of their restore times, ns.
    public var restores: UInt64 = 0
    public var dataLostWrites: UInt64 = 0
    public var dataLostNanoseconds: Double = 0
    public var restoreNanoseconds: Double = 0

    public init(nodes: Int) {
        reads = Array(repeating: 0, count: nodes)
        busyIntegral = Array(repeating: 0, count: nodes)
    }
}
