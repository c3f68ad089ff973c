/// Standby pools' events.
enum StandbyEvent {
    /// DNS's health checks find the primary region down (`activate`) or back (`release`): the
    /// standby pool at this index of `StandbyState.pools` raises its minimum or lowers it again.
    case activate(standby: Int32)
    case release(standby: Int32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .activate(let k): (70, k)
        case .release(let k): (71, k)
        }
    }
}
