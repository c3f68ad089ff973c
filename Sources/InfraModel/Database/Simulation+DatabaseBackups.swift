import SimKernel
import SimRandom

/// Scheduled backups of databases with `backups:` (see `DatabaseBackups`, `BackupPhase`).
///
/// A backup is due at `at` + k · `every` (before the horizon). It starts on its node — the
/// primary of the moment, or the last replica up that is not the primary — if that node is up
/// and no backup or restore is running (otherwise that backup is skipped). It snapshots the
/// commits the node has, then loads the node for its duration: service times × `serviceFactor`,
/// and `workers` of its workers held (those busy are taken as their requests release them). When
/// its duration is over it is the last completed backup, the state a restore recovers. Its
/// node going down aborts it (nothing completes); so does a total loss.
extension Simulation {
    /// At time 0: each schedule's first backup; and a total loss for a database with every node
    /// already down.
    mutating func startBackups<Sink: RecordSink & ~Copyable>(into sink: inout Sink) {
        for d in databases.indices {
            if let schedule = databases[d].backup.schedule, SimTime.zero + schedule.at < spec.window.horizon {
                kernel.schedule(.database(.backupDue(database: Int32(d))), at: .zero + schedule.at)
            }
            if databases[d].backup.restore?.allDown == .restore, allNodesLost(d) {
                beginRestore(d, into: &sink)
            }
        }
    }

    mutating func setBackupPhase(_ d: Int, _ next: BackupPhase) {
        assert(databases[d].backup.phase.mayBecome(next), "backup \(databases[d].backup.phase) → \(next)")
        databases[d].backup.phase = next
    }

    /// A backup of database d is due: it starts on its node if it can, and the next is scheduled.
    mutating func backupDue(_ d: Int) {
        guard let schedule = databases[d].backup.schedule else {
            preconditionFailure("only a database with backups has backups due")
        }
        let next = kernel.now + schedule.every
        if next < spec.window.horizon { kernel.schedule(.database(.backupDue(database: Int32(d))), at: next) }
        guard databases[d].backup.phase == .idle, databases[d].failover.phase != .restoring else { return }
        let node = backupNode(d, source: schedule.source)
        guard node >= 0 else { return }
        let now = kernel.now.nanoseconds
        databases[d].log.advance(to: now)
        // The snapshot: what the node has now. The primary has every commit; a replica its
        // applied prefix, whose next commit (made, not yet applied there) is still in the log.
        let slot = Int(databases[d].failover.slotOfNode[Int(node)])
        let last = databases[d].log.lastCommit
        let commit = slot < 0 ? last : databases[d].log.appliedCount(slot)
        databases[d].backup.snapshot = RecoveryPoint(
            commit: commit, nextCommitTime: commit < last ? databases[d].log.commitTime(of: commit &+ 1) : -1)
        databases[d].backup.node = node
        databases[d].backup.epoch &+= 1
        databases[d].backup.begun &+= 1
        setBackupPhase(d, .running)
        applyBackupLoad(d, node: node, workers: Int32(schedule.workers), factor: schedule.serviceFactor)
        guard let stream = databases[d].backup.stream else {
            preconditionFailure("a database with backups has a backup stream")
        }
        stream.seat(replication: replication, entity: databases[d].backup.begun, block: 0)
        let duration = SimDuration(seconds: max(0, schedule.duration.sample(stream)))
        kernel.schedule(
            .database(.backupDone(database: Int32(d), epoch: databases[d].backup.epoch)), after: duration)
    }

    /// The node a backup of database d reads from now (offset from its first instance), or −1
    /// when that node is down: the primary of the moment, or the last replica that is up.
    func backupNode(_ d: Int, source: DatabaseBackups.Source) -> Int32 {
        let primary = databases[d].failover.primary
        switch source {
        case .primary:
            return instances[databaseInstance(d, node: primary)].up ? primary : -1
        case .replica:
            var node = databases[d].replicas
            while node >= 0 {
                if node != primary && instances[databaseInstance(d, node: node)].up { return node }
                node -= 1
            }
            return -1
        }
    }

    /// The backup of database d numbered `epoch` has run its duration: it is the last completed
    /// backup now, and its node is relieved.
    mutating func backupDone<Sink: RecordSink & ~Copyable>(_ d: Int, epoch: UInt32, into sink: inout Sink) {
        guard epoch == databases[d].backup.epoch, databases[d].backup.phase == .running else { return }
        databases[d].backup.backedUp = databases[d].backup.snapshot
        databases[d].counters.backups &+= 1
        endBackup(d, into: &sink)
    }

    /// The running backup of database d stops (completed or aborted): its load comes off its node.
    mutating func endBackup<Sink: RecordSink & ~Copyable>(_ d: Int, into sink: inout Sink) {
        guard let schedule = databases[d].backup.schedule else { preconditionFailure("a backup needs a schedule") }
        let node = databases[d].backup.node
        let i = databaseInstance(d, node: node)
        let held = databases[d].backup.held
        databases[d].backup.held = 0
        databases[d].backup.owed = 0
        databases[d].backup.node = -1
        databases[d].backup.epoch &+= 1
        setBackupPhase(d, .idle)
        if schedule.serviceFactor != 1 { instances[i].slowdown /= schedule.serviceFactor }
        // Each worker given back takes the next waiting request, as a request's release does. A
        // node that is down gave its workers back when its requests were evicted (or will at its
        // restart): `release` does nothing then.
        for _ in 0..<held { release(Int32(i), station: Int(databases[d].station), into: &sink) }
    }

    /// The backup's load on node `node` of database d: its service factor, and `workers` of its
    /// workers — those free now, the others owed (taken by `backupTakesWorker` as released).
    mutating func applyBackupLoad(_ d: Int, node: Int32, workers: Int32, factor: Double) {
        let i = databaseInstance(d, node: node)
        if factor != 1 { instances[i].slowdown *= factor }
        guard workers > 0 else { return }
        let s = Int(databases[d].station)
        let capacity = node == databases[d].failover.primary ? stations[s].workers : databases[d].replicaWorkers
        let take = min(workers, max(0, capacity - instances[i].busy))
        if take > 0 {
            stations[s].accumulate(to: kernel.now)
            accumulateNodeBusy(Int32(i), station: s)
            stations[s].busyLevel += Int(take)
            instances[i].busy &+= take
            loads[i] &+= take
        }
        databases[d].backup.held = take
        databases[d].backup.owed = workers - take
    }

    /// A worker of database node i (station s) is being released while database d's backup is
    /// owed workers: if the backup runs on that node, it keeps the worker (busy) and true is
    /// returned; the request's release then starts nobody.
    mutating func backupTakesWorker(_ i: Int32, station s: Int) -> Bool {
        let d = Int(stations[s].database)
        guard i == stations[s].firstInstance + databases[d].backup.node else { return false }
        databases[d].backup.owed -= 1
        databases[d].backup.held += 1
        return true
    }
}
