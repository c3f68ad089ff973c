/// A server pool's events.
enum ServerPoolEvent {
    /// The request at this slab index finishes service at its current station, on this
    /// instance (global index) (for processor sharing: the instance's next completion). The
    /// instance rides along so the event loop can prefetch its state (`Simulation.run`).
    case serviceEnd(request: Int32, instance: Int32)
    /// The request at this slab index has waited its queue timeout (stale unless it still
    /// waits in the same visit: `Request.lineStamp` equals the stamp).
    case queueTimeout(request: Int32, stamp: UInt32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .serviceEnd(let r, _): (1, r)
        case .queueTimeout(let r, _): (21, r)
        }
    }
}
