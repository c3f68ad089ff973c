import SimKernel
import SimRandom

/// Total losses of databases with `restore:` and their restores (see `DatabaseRestore`).
///
/// A total loss is a `data_loss` event, or (with `all_down: restore`, the default) every node
/// down at once for some reason other than planned maintenance. At the loss the database
/// recovers the latest recoverable state (`BackupState.recoveryPoint`): the acknowledged writes
/// after it are lost. Its failover phase becomes `restoring` and every node goes down for the
/// restore time (`DownReason.restore`): what they held fails with `restoring`, and so does every
/// request that reaches the database until the restore is over. Then every node holds exactly
/// the recovered commits and comes back (a node down for another reason too stays down); a
/// primary still down is failed over as at time 0.
extension Simulation {
    /// Node `node` of database d (with backups or a restore) went down or came back. Returns
    /// true when that is all there is to do: the database is being (or has just begun being)
    /// restored, which rebuilds every node at its end.
    mutating func backupNodeChanged<Sink: RecordSink & ~Copyable>(
        _ d: Int, node: Int32, up: Bool, into sink: inout Sink
    ) -> Bool {
        if !up && databases[d].backup.phase == .running && node == databases[d].backup.node {
            endBackup(d, into: &sink)  // aborted: it never completes
        }
        if databases[d].failover.phase == .restoring { return true }
        if !up, databases[d].backup.restore?.allDown == .restore, allNodesLost(d) {
            beginRestore(d, into: &sink)
            return true
        }
        return false
    }

    /// Every node of database d is down, each for some reason other than planned maintenance
    /// (a node down for maintenance alone keeps its data).
    func allNodesLost(_ d: Int) -> Bool {
        guard stations[Int(databases[d].station)].upLevel == 0 else { return false }
        for j in 0...databases[d].replicas
        where instances[databaseInstance(d, node: j)].downReasons & ~DownReason.maintenance == 0 {
            return false
        }
        return true
    }

    /// A `data_loss` event at database station s.
    mutating func dataLost<Sink: RecordSink & ~Copyable>(station s: Int, into sink: inout Sink) {
        beginRestore(Int(stations[s].database), into: &sink)
    }

    /// Database d has lost its data: the writes after the recoverable state are lost, and a
    /// restore begins. A loss during a restore loses nothing more.
    mutating func beginRestore<Sink: RecordSink & ~Copyable>(_ d: Int, into sink: inout Sink) {
        guard let plan = databases[d].backup.restore else { preconditionFailure("a restore needs restore:") }
        guard databases[d].failover.phase != .restoring else { return }
        let now = kernel.now.nanoseconds
        databases[d].log.advance(to: now)
        let point = databases[d].backup.recoveryPoint(now: now, last: databases[d].log.lastCommit)
        let acknowledged = acknowledgedCommits(d)
        if acknowledged > point.commit {
            assert(point.nextCommitTime >= 0, "the oldest lost write's commit time is known")
            databases[d].counters.dataLostWrites &+= acknowledged - point.commit
            databases[d].counters.dataLostNanoseconds += Double(now &- point.nextCommitTime)
        }
        databases[d].backup.restoresBegun &+= 1
        guard let stream = databases[d].backup.stream else { preconditionFailure("a restore has a backup stream") }
        stream.seat(replication: replication, entity: databases[d].backup.restoresBegun, block: 1)
        let time = SimDuration(seconds: max(0, plan.time.sample(stream)))
        databases[d].counters.restores &+= 1
        databases[d].counters.restoreNanoseconds += Double(time.nanoseconds)
        databases[d].backup.restoringTo = point.commit
        databases[d].backup.restoreEpoch &+= 1
        if databases[d].backup.phase == .running { endBackup(d, into: &sink) }
        // A failover or switchover in progress is abandoned: its events find another epoch.
        databases[d].failover.epoch &+= 1
        databases[d].failover.planned = false
        databases[d].failover.target = -1
        setFailoverPhase(d, .restoring)
        for j in 0...databases[d].replicas {
            setDown(Int32(databaseInstance(d, node: j)), DownReason.restore, mode: .crash, into: &sink)
        }
        kernel.schedule(
            .database(.restored(database: Int32(d), epoch: databases[d].backup.restoreEpoch)), after: time)
    }

    /// The restore of database d numbered `epoch` is over: every node holds the recovered
    /// commits, and those with no other reason to be down serve again at once.
    mutating func restored<Sink: RecordSink & ~Copyable>(_ d: Int, epoch: UInt32, into sink: inout Sink) {
        guard epoch == databases[d].backup.restoreEpoch, databases[d].failover.phase == .restoring else { return }
        let point = databases[d].backup.restoringTo
        databases[d].log.restore(to: point, at: kernel.now.nanoseconds)
        databases[d].backup.truncate(after: point)
        setFailoverPhase(d, .serving)
        for j in 0...databases[d].replicas {
            let i = databaseInstance(d, node: j)
            setUp(Int32(i), DownReason.restore, into: &sink)
            // Brought back by the restore's orchestrator: in the rotation at once.
            if instances[i].up { markHealthy(i, true) }
        }
        guard databases[d].failover.plan != nil else { return }
        // As at time 0: a node still down applies nothing until it is back, and a primary still
        // down is failed over.
        for r in 0..<Int(databases[d].replicas)
        where !instances[databaseInstance(d, node: databases[d].failover.nodeOfSlot[r])].up {
            databases[d].log.freeze(r)
        }
        if !instances[databaseInstance(d, node: databases[d].failover.primary)].up { beginFailover(d) }
    }
}
