/// A database's events.
enum DatabaseEvent {
    /// The sync write at this slab index has its acknowledgements: its service at the primary,
    /// held since its commit, is over.
    case writeAcknowledged(request: Int32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`). The
    /// acknowledgement ends the write's service at the primary, so it has the service end's code.
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .writeAcknowledged(let r): (1, r)
        }
    }
}
