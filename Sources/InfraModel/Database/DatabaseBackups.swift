import SimKernel
import SimRandom

/// A database's backup schedule (`backups: {every, at, duration, from, load}`): a backup starts
/// at `at`, `at + every`, `at + 2·every`, … (before the horizon), reads from one node for its
/// duration and loads that node meanwhile. It holds the commits the node had at its start (a
/// consistent snapshot), and counts as the last completed backup once its duration is over.
public struct DatabaseBackups: Sendable, Equatable {
    /// Which node a backup reads from, chosen at each backup's start.
    public enum Source: String, Sendable, Equatable, CaseIterable {
        /// The last replica that is up and not the primary of the moment (the snapshot is what it
        /// has applied: it lags the primary by its replication lag).
        case replica
        /// The primary of the moment (the snapshot has every commit).
        case primary
    }

    /// Time between two backups' starts (> 0).
    public var every: SimDuration
    /// The first backup's start, from time 0.
    public var at: SimDuration
    /// How long a backup takes (seconds), drawn per backup.
    public var duration: Distribution
    public var source: Source
    /// The node's service times are multiplied by this during the backup (applied when a
    /// request's service starts, as a `degrade`'s factor): 1 for none.
    public var serviceFactor: Double
    /// Workers of the node the backup occupies for its duration (0: none): taken at its start
    /// as they are free, the rest as requests in service release theirs.
    public var workers: Int

    public init(
        every: SimDuration, at: SimDuration, duration: Distribution, source: Source, serviceFactor: Double,
        workers: Int
    ) {
        self.every = every
        self.at = at
        self.duration = duration
        self.source = source
        self.serviceFactor = serviceFactor
        self.workers = workers
    }

    /// A backup's load when `load:` is not given: 1.5 times slower service on the node read.
    public static let defaultServiceFactor = 1.5
}

/// How a database recovers from a total loss (`restore: {time, log_shipping, all_down}`): every
/// read and write fails with `restoring` for the restore time, and the database then serves the
/// latest recoverable commit: the last completed backup's, or with log shipping the last commit
/// shipped before the loss (point-in-time recovery). The writes after it are lost.
public struct DatabaseRestore: Sendable, Equatable {
    /// Whether every node down at once is a total loss.
    public enum AllDown: String, Sendable, Equatable, CaseIterable {
        /// The nodes' storage is lost with them: a restore begins when the last node goes down.
        case restore
        /// The nodes keep their data: the database waits for them (as without `restore:`).
        case wait
    }

    /// The restore's duration (seconds), drawn per restore: given, or size / rate.
    public var time: Distribution
    /// Log shipping for point-in-time recovery: the log of the commits made in each interval
    /// [k·I, (k+1)·I) is shipped off the nodes at (k+1)·I. nil: no log shipping.
    public var logShipping: SimDuration?
    public var allDown: AllDown

    public init(time: Distribution, logShipping: SimDuration? = nil, allDown: AllDown = .restore) {
        self.time = time
        self.logShipping = logShipping
        self.allDown = allDown
    }
}
