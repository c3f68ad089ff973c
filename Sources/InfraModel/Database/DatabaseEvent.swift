/// A database's events.
enum DatabaseEvent {
    /// The sync write at this slab index has its acknowledgements: its service at the primary,
    /// held since its commit, is over.
    case writeAcknowledged(request: Int32)
    /// The primary's failure is noticed (`failover.detect` after it): promotion begins.
    case failoverDetected(database: Int32, epoch: UInt32)
    /// A replica has been promoted (`failover.promote` after the promotion began).
    case promoted(database: Int32, epoch: UInt32)
    /// A switchover's chosen replica has applied every commit: promotion begins.
    case caughtUp(database: Int32, epoch: UInt32)
    /// A scheduled backup is due (`backups.at` + k · `backups.every`).
    case backupDue(database: Int32)
    /// The backup numbered `epoch` has run its duration: it completes (unless aborted).
    case backupDone(database: Int32, epoch: UInt32)
    /// The restore numbered `epoch` has run its restore time: the database serves again.
    case restored(database: Int32, epoch: UInt32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`). The
    /// acknowledgement ends the write's service at the primary, so it has the service end's code.
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .writeAcknowledged(let r): (1, r)
        case .failoverDetected(let d, _): (40, d)
        case .promoted(let d, _): (41, d)
        case .caughtUp(let d, _): (42, d)
        case .backupDue(let d): (43, d)
        case .backupDone(let d, _): (44, d)
        case .restored(let d, _): (45, d)
        }
    }
}
