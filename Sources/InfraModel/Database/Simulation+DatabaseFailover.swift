import SimKernel
import SimRandom

/// Primary failover and switchover of databases with `failover:` (see `FailoverPhase` for the
/// states), and every database's write availability.
///
/// When the primary fails, each replica keeps exactly the commits it had applied by then (the
/// dead primary ships nothing more: the log freezes them). After `detect` and `promote`, the up
/// replica with the most commits becomes the primary; the commits it lacks are lost, and every
/// node forgets them (`ReplicationLog.truncate`). The old primary takes the promoted replica's
/// place in the log: frozen while down, it catches up with the commits made meanwhile when it is
/// back. A replica that goes down is frozen likewise and catches up when back.
///
/// A switchover refuses writes, waits until the primary has nothing in flight and a replica has
/// applied every commit, then promotes it after `promote`: nothing is lost.
extension Simulation {
    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: DatabaseEvent, into sink: inout Sink) {
        switch event {
        case .writeAcknowledged(let r): writeAcknowledged(r, into: &sink)
        case .failoverDetected(let d, let epoch): failoverDetected(Int(d), epoch: epoch)
        case .promoted(let d, let epoch): promotionDone(Int(d), epoch: epoch, into: &sink)
        case .caughtUp(let d, let epoch): switchoverCaughtUp(Int(d), epoch: epoch)
        case .backupDue(let d): backupDue(Int(d))
        case .backupDone(let d, let epoch): backupDone(Int(d), epoch: epoch, into: &sink)
        case .restored(let d, let epoch): restored(Int(d), epoch: epoch, into: &sink)
        }
    }

    /// The node offset's instance (global index) of database d.
    @inline(__always)
    func databaseInstance(_ d: Int, node: Int32) -> Int {
        Int(stations[Int(databases[d].station)].firstInstance + node)
    }

    /// At time 0: each database's write availability, and a failover for a primary already down.
    mutating func startDatabaseFailovers() {
        for d in databases.indices {
            databases[d].failover.writable = false
            noteWritable(d)
            guard databases[d].failover.plan != nil else { continue }
            for r in 0..<Int(databases[d].replicas)
            where !instances[databaseInstance(d, node: databases[d].failover.nodeOfSlot[r])].up {
                databases[d].log.freeze(r)
            }
            if !instances[databaseInstance(d, node: databases[d].failover.primary)].up { beginFailover(d) }
        }
    }

    mutating func setFailoverPhase(_ d: Int, _ next: FailoverPhase) {
        assert(databases[d].failover.phase.mayBecome(next), "failover \(databases[d].failover.phase) → \(next)")
        databases[d].failover.phase = next
        noteWritable(d)
    }

    /// Keeps `counters.writableIntegral` = time with a primary up and taking writes.
    mutating func noteWritable(_ d: Int) {
        let f = databases[d].failover
        let writable = f.phase == .serving && instances[databaseInstance(d, node: f.primary)].up
        guard writable != f.writable else { return }
        if outages.occupancy != nil { noteOccupancy() }
        let now = kernel.now.nanoseconds
        if f.writable { databases[d].counters.writableIntegral += Double(now &- f.writableSince) }
        databases[d].failover.writable = writable
        databases[d].failover.writableSince = now
    }

    /// Node i (global index) of database station s went down or came back.
    mutating func databaseNodeChanged<Sink: RecordSink & ~Copyable>(
        _ i: Int32, station s: Int, up: Bool, into sink: inout Sink
    ) {
        let d = Int(stations[s].database)
        defer { noteWritable(d) }
        let node = i &- stations[s].firstInstance
        if databases[d].backup.schedule != nil || databases[d].backup.restore != nil,
            backupNodeChanged(d, node: node, up: up, into: &sink)
        {
            return
        }
        guard databases[d].failover.plan != nil else { return }
        let phase = databases[d].failover.phase
        if node == databases[d].failover.primary {
            if !up && (phase == .serving || phase == .draining || phase == .catchingUp) {
                beginFailover(d)
            } else if up && phase == .detecting {
                // Back before anyone noticed: no promotion; the replicas follow it again.
                databases[d].failover.epoch &+= 1
                databases[d].failover.planned = false
                setFailoverPhase(d, .serving)
                followAgain(d)
            } else if up && phase == .leaderless {
                promote(d, node: node, into: &sink)
            }
            return
        }
        let slot = Int(databases[d].failover.slotOfNode[Int(node)])
        guard slot >= 0 else { preconditionFailure("a database node other than the primary has a log slot") }
        if !up {
            databases[d].log.advance(to: kernel.now.nanoseconds)
            databases[d].log.freeze(slot)
        } else if phase == .leaderless {
            promote(d, node: node, into: &sink)
        } else if phase == .serving || phase == .draining || phase == .catchingUp {
            databases[d].log.unfreeze(slot)
        }
        if up && instances[Int(i)].outReasons & OutReason.database != 0 && instances[Int(i)].downReasons == 0 {
            // A demoted primary rejoins the reads (`promote`).
            instances[Int(i)].outReasons &= ~OutReason.database
            refreshEligibility(Int(i))
        }
    }

    /// Every replica that is up follows the primary again (those down stay frozen).
    mutating func followAgain(_ d: Int) {
        for r in 0..<Int(databases[d].replicas)
        where instances[databaseInstance(d, node: databases[d].failover.nodeOfSlot[r])].up {
            databases[d].log.unfreeze(r)
        }
    }

    /// A detect or promote time of database d's current episode (block 0: detect, 1: promote),
    /// seated at the episode: an entity of its own on the replication stream, above the
    /// requests' serials.
    mutating func failoverDraw(_ d: Int, block: UInt64) -> SimDuration {
        guard let plan = databases[d].failover.plan else { preconditionFailure("a failover draw needs a plan") }
        let stream = databases[d].lagStream
        stream.seat(replication: replication, entity: 1 << 47 | databases[d].failover.episodes, block: block)
        return SimDuration(seconds: max(0, (block == 0 ? plan.detect : plan.promote).sample(stream)))
    }

    /// The primary of database d has failed: the replicas keep what they have, writes are
    /// refused, and detection begins.
    mutating func beginFailover(_ d: Int) {
        let now = kernel.now.nanoseconds
        databases[d].log.advance(to: now)
        for r in 0..<Int(databases[d].replicas) { databases[d].log.freeze(r) }
        let phase = databases[d].failover.phase
        // A switchover interrupted by the failure: its write unavailability began earlier.
        if phase == .serving { databases[d].failover.since = now }
        databases[d].failover.failedAt = now
        databases[d].failover.planned = false
        databases[d].failover.epoch &+= 1
        databases[d].failover.episodes &+= 1
        setFailoverPhase(d, .detecting)
        kernel.schedule(
            .database(.failoverDetected(database: Int32(d), epoch: databases[d].failover.epoch)),
            after: failoverDraw(d, block: 0))
    }

    mutating func failoverDetected(_ d: Int, epoch: UInt32) {
        guard epoch == databases[d].failover.epoch, databases[d].failover.phase == .detecting else { return }
        setFailoverPhase(d, .promoting)
        kernel.schedule(
            .database(.promoted(database: Int32(d), epoch: epoch)), after: failoverDraw(d, block: 1))
    }

    /// The promotion time is over: the switchover's replica, or the up replica with the most
    /// commits, becomes the primary; with none up, the database waits for a node to come back.
    mutating func promotionDone<Sink: RecordSink & ~Copyable>(_ d: Int, epoch: UInt32, into sink: inout Sink) {
        guard epoch == databases[d].failover.epoch, databases[d].failover.phase == .promoting else { return }
        databases[d].log.advance(to: kernel.now.nanoseconds)
        let target = databases[d].failover.target
        if databases[d].failover.planned, target >= 0, instances[databaseInstance(d, node: target)].up {
            promote(d, node: target, into: &sink)
            return
        }
        var best: Int32 = -1
        var most: UInt64 = 0
        for r in 0..<Int(databases[d].replicas) {
            let node = databases[d].failover.nodeOfSlot[r]
            guard instances[databaseInstance(d, node: node)].up else { continue }
            let a = databases[d].log.appliedCount(r)
            if best < 0 || a > most || (a == most && node < best) {
                best = node
                most = a
            }
        }
        if best < 0 {
            // No replica to promote: a primary still up (a switchover's) serves on; a dead one
            // waits for the first node back.
            let old = databases[d].failover.primary
            if instances[databaseInstance(d, node: old)].up {
                promote(d, node: old, into: &sink)
            } else {
                setFailoverPhase(d, .leaderless)
            }
            return
        }
        promote(d, node: best, into: &sink)
    }

    /// Node p of database d becomes the primary: the commits it lacks are lost; the old primary
    /// takes its place among the replicas.
    mutating func promote<Sink: RecordSink & ~Copyable>(_ d: Int, node p: Int32, into sink: inout Sink) {
        let now = kernel.now.nanoseconds
        databases[d].log.advance(to: now)
        let old = databases[d].failover.primary
        let slot = Int(databases[d].failover.slotOfNode[Int(p)])
        let last = databases[d].log.lastCommit
        let kept = slot < 0 ? last : databases[d].log.appliedCount(slot)
        let acknowledged = acknowledgedCommits(d)
        let lost = acknowledged > kept ? acknowledged - kept : 0
        // A switchover's replica has every commit (lost is 0), unless it went down meanwhile
        // and another one was promoted: what that one lacks is lost all the same.
        let planned = databases[d].failover.planned
        if lost > 0 {
            databases[d].counters.lostWrites &+= lost
            databases[d].counters.lostDataNanoseconds +=
                Double(databases[d].failover.failedAt &- databases[d].log.commitTime(of: kept &+ 1))
        }
        if kept < last {
            databases[d].log.truncate(after: kept)
            // Backups and shipped log hold the surviving history only.
            databases[d].backup.truncate(after: kept)
        }
        if p != old {
            databases[d].failover.slotOfNode[Int(p)] = -1
            databases[d].failover.slotOfNode[Int(old)] = Int32(slot)
            databases[d].failover.nodeOfSlot[slot] = old
            databases[d].log.reset(slot, applied: kept, at: now)
            databases[d].failover.primary = p
            // A demoted primary still down serves no reads until it is back (and has rejoined).
            let i = databaseInstance(d, node: old)
            if !instances[i].up {
                instances[i].outReasons |= OutReason.database
                refreshEligibility(i)
            }
        }
        followAgain(d)
        let rto = SimDuration(nanoseconds: now &- databases[d].failover.since)
        if planned {
            databases[d].counters.switchovers &+= 1
        } else {
            databases[d].counters.failovers &+= 1
            databases[d].counters.unavailableNanoseconds += Double(rto.nanoseconds)
            sink.failedOver(
                database: Int32(d), rto: rto, measured: kernel.now >= spec.window.warmup && stage == .open)
        }
        databases[d].failover.planned = false
        databases[d].failover.target = -1
        databases[d].failover.epoch &+= 1
        setFailoverPhase(d, .serving)
    }

    /// The commits of database d acknowledged to their writers (after `advance`): async, every
    /// commit, at its commit; sync with k acks, commit j iff k replicas have applied it, i.e.
    /// iff j ≤ the k-th largest prefix the replicas hold.
    func acknowledgedCommits(_ d: Int) -> UInt64 {
        let k = databases[d].acks
        guard k > 0 else { return databases[d].log.lastCommit }
        var prefixes = (0..<Int(databases[d].replicas)).map { databases[d].log.appliedCount($0) }
        prefixes.sort(by: >)
        return k <= prefixes.count ? prefixes[k - 1] : 0
    }

    /// A scheduled switchover of database station s: writes are refused from now; the primary
    /// drains what it has (`databaseReleased`), then a replica catches up and is promoted.
    mutating func switchoverBegins(station s: Int) {
        let d = Int(stations[s].database)
        guard databases[d].failover.plan != nil, databases[d].replicas > 0,
            databases[d].failover.phase == .serving
        else { return }
        databases[d].failover.since = kernel.now.nanoseconds
        databases[d].failover.failedAt = kernel.now.nanoseconds
        databases[d].failover.planned = true
        databases[d].failover.epoch &+= 1
        databases[d].failover.episodes &+= 1
        setFailoverPhase(d, .draining)
        switchoverDrained(d)
    }

    /// A worker of database node i was freed: a draining primary may now be idle.
    @inline(__always)
    mutating func databaseReleased(_ i: Int32, station s: Int) {
        let d = Int(stations[s].database)
        guard databases[d].failover.phase == .draining,
            i == stations[s].firstInstance + databases[d].failover.primary
        else { return }
        switchoverDrained(d)
    }

    /// When the draining primary has nothing in flight: the up replica that will have every
    /// commit first is chosen, and promoted once it has.
    mutating func switchoverDrained(_ d: Int) {
        let i = databaseInstance(d, node: databases[d].failover.primary)
        guard instances[i].busy == 0, instances[i].waiting.isEmpty else { return }
        var best: Int32 = -1
        var soonest = Int64.max
        for r in 0..<Int(databases[d].replicas) where !databases[d].log.isFrozen(r) {
            let node = databases[d].failover.nodeOfSlot[r]
            guard instances[databaseInstance(d, node: node)].up else { continue }
            let a = databases[d].log.latestApply(r)
            if best < 0 || a < soonest {
                best = node
                soonest = a
            }
        }
        setFailoverPhase(d, .catchingUp)
        databases[d].failover.target = best
        // With no replica following, the switchover waits for nothing more than the promotion
        // (and promotes whichever node is up then).
        let at = max(kernel.now.nanoseconds, best < 0 ? 0 : soonest)
        kernel.schedule(
            .database(.caughtUp(database: Int32(d), epoch: databases[d].failover.epoch)),
            at: SimTime(nanoseconds: at))
    }

    mutating func switchoverCaughtUp(_ d: Int, epoch: UInt32) {
        guard epoch == databases[d].failover.epoch, databases[d].failover.phase == .catchingUp else { return }
        setFailoverPhase(d, .promoting)
        kernel.schedule(
            .database(.promoted(database: Int32(d), epoch: epoch)), after: failoverDraw(d, block: 1))
    }
}
