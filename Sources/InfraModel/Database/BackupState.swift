import SimKernel
import SimRandom

/// Where a database's backup schedule stands.
///
/// Transitions (asserted in `Simulation.setBackupPhase`): idle → running (a backup starts on an
/// up node) → idle (it completes, or is aborted: its node goes down, or the database is lost).
enum BackupPhase: UInt8, Equatable {
    case idle
    case running

    func mayBecome(_ next: BackupPhase) -> Bool { self != next }
}

/// A recoverable state of a database: its commits 1…`commit`, and the commit time (ns) of
/// commit `commit` + 1, the oldest write a restore to it would lose (−1: not committed yet).
struct RecoveryPoint: Equatable {
    var commit: UInt64 = 0
    var nextCommitTime: Int64 = -1

    /// Commit `j` was just made at `now`: it may be the first one beyond this point.
    @inline(__always)
    mutating func noteCommit(_ j: UInt64, at now: Int64) {
        if j == commit &+ 1 { nextCommitTime = now }
    }

    /// The history after commit `last` is gone (a failover's lost writes, or a restore): the
    /// point keeps only what survives.
    mutating func truncate(after last: UInt64) {
        guard commit >= last else { return }
        commit = last
        nextCommitTime = -1
    }
}

/// The backups and restores of one database (inside `DatabaseState`); empty (`active` false)
/// for a database with neither `backups:` nor `restore:`, which then pays nothing for them.
struct BackupState {
    let schedule: DatabaseBackups?
    let restore: DatabaseRestore?
    /// Draws of backup durations and restore times (seated per backup or restore).
    let stream: RandomStream?
    /// Whether commits are tracked for recovery (the database has `restore:`).
    let tracksCommits: Bool

    var phase = BackupPhase.idle
    /// The running backup's node (offset from the station's first instance), its snapshot, the
    /// workers it holds and those it has still to take as they are released.
    var node: Int32 = -1
    var snapshot = RecoveryPoint()
    var held: Int32 = 0
    var owed: Int32 = 0
    /// Numbers backups, so the end of an aborted one finds nothing to do.
    var epoch: UInt32 = 0
    /// Backups begun, and restores begun (each seats its draw).
    var begun: UInt64 = 0
    var restoresBegun: UInt64 = 0
    /// The last completed backup (the state at time 0 before the first).
    var backedUp = RecoveryPoint()
    /// Log shipping: the commits shipped (those before `segmentStart`, the start of the
    /// interval of the latest commit), and that interval's start (ns).
    var shipped = RecoveryPoint()
    var segmentStart: Int64 = 0
    /// The recoverable point of the restore in progress.
    var restoringTo: UInt64 = 0
    var restoreEpoch: UInt32 = 0

    init(spec: DatabaseSpec, stream: RandomStream?) {
        schedule = spec.backups
        restore = spec.restore
        self.stream = stream
        tracksCommits = spec.restore != nil
    }

    /// The state a restore at `now` recovers, after commit `last` (the latest): the last
    /// completed backup, or, later, the last commit shipped before `now`.
    func recoveryPoint(now: Int64, last: UInt64) -> RecoveryPoint {
        guard let interval = restore?.logShipping?.nanoseconds else { return backedUp }
        // The interval of the latest commit has been shipped when a boundary has passed since.
        var log = shipped
        if now >= segmentStart &+ interval { log = RecoveryPoint(commit: last, nextCommitTime: -1) }
        return log.commit >= backedUp.commit ? log : backedUp
    }

    /// Commit j was made at `now` (a database with `restore:`): the recovery points note their
    /// next commit, and log shipping closes the intervals that ended before it.
    mutating func noteCommit(_ j: UInt64, at now: Int64) {
        if let interval = restore?.logShipping?.nanoseconds, now >= segmentStart &+ interval {
            // Every commit before this one was in an interval that has ended: shipped.
            shipped = RecoveryPoint(commit: j &- 1, nextCommitTime: now)
            segmentStart = now - now % interval
        } else {
            shipped.noteCommit(j, at: now)
        }
        backedUp.noteCommit(j, at: now)
        if phase == .running { snapshot.noteCommit(j, at: now) }
    }

    /// Every recovery point forgets the commits after `last`.
    mutating func truncate(after last: UInt64) {
        backedUp.truncate(after: last)
        snapshot.truncate(after: last)
        shipped.truncate(after: last)
    }
}
