import SimKernel
import SimRandom

/// A database's primary failover (`failover: {detect, promote}`): when the primary fails, the
/// failure is noticed after `detect` and the most caught-up replica is then promoted, taking
/// `promote`; both in seconds, drawn per failover.
public struct DatabaseFailover: Sendable, Equatable {
    public var detect: Distribution
    public var promote: Distribution

    public init(detect: Distribution, promote: Distribution) {
        self.detect = detect
        self.promote = promote
    }
}

/// Where a database with failover (or a restore) stands. Writes are accepted only while `serving`.
///
/// Transitions (asserted in `Simulation.setFailoverPhase`):
/// serving → detecting (the primary fails) → promoting (detected) → serving (a replica
/// promoted); detecting → serving (the primary came back before anyone noticed); promoting →
/// leaderless (no replica up to promote) → serving (the first node back is promoted);
/// serving → draining (a switchover) → catchingUp (the primary is idle) → promoting (the
/// chosen replica has every commit); draining or catchingUp → detecting (the primary fails
/// during the switchover). Any phase but restoring → restoring (a total loss, with `restore:`;
/// for a database without failover too) → serving (restored: a failover follows at once if
/// the primary is still down).
enum FailoverPhase: UInt8, Equatable {
    case serving
    case detecting
    case promoting
    case leaderless
    case draining
    case catchingUp
    case restoring

    func mayBecome(_ next: FailoverPhase) -> Bool {
        switch (self, next) {
        case (.restoring, .serving): true
        case (.restoring, _): false
        case (_, .restoring): true
        case (.serving, .detecting), (.serving, .draining): true
        case (.detecting, .promoting), (.detecting, .serving): true
        case (.promoting, .serving), (.promoting, .leaderless): true
        case (.leaderless, .serving): true
        case (.draining, .catchingUp), (.draining, .detecting): true
        case (.catchingUp, .promoting), (.catchingUp, .detecting): true
        default: false
        }
    }
}

/// The run-time failover state of one database (inside `DatabaseState`).
struct FailoverState {
    let plan: DatabaseFailover?
    var phase = FailoverPhase.serving
    /// The node (offset from the station's first instance) that is the primary now.
    var primary: Int32 = 0
    /// Per node: its slot in the `ReplicationLog` (−1 for the primary), and per slot its node.
    var slotOfNode: [Int32]
    var nodeOfSlot: [Int32]
    /// When the write unavailability of the episode in progress began (ns): the primary's
    /// failure, or the switchover.
    var since: Int64 = 0
    /// When the primary failed (ns), for the age of the oldest lost write.
    var failedAt: Int64 = 0
    /// Whether the episode in progress is a planned switchover (it loses nothing).
    var planned = false
    /// The replica a switchover promotes.
    var target: Int32 = -1
    /// Numbers the episodes, so a stale event of an aborted one finds nothing to do.
    var epoch: UInt32 = 0
    /// Episodes begun (seats the detect and promote draws: one entity each).
    var episodes: UInt64 = 0
    /// Whether the database accepts writes now, and since when (for `writableIntegral`).
    var writable = true
    var writableSince: Int64 = 0

    init(plan: DatabaseFailover?, replicas: Int) {
        self.plan = plan
        slotOfNode = [-1] + (0..<replicas).map { Int32($0) }
        nodeOfSlot = (0..<replicas).map { Int32($0 + 1) }
    }
}
