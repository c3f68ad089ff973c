/// Call trees' events.
enum CallEvent {
    /// The backoff before another try of a watched call is over: this parked strand (stamped
    /// `stamp`) goes out, if its caller still waits for it.
    case retry(strand: Int32, stamp: UInt32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .retry(let r, _): (10, r)
        }
    }
}
