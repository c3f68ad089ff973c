/// Regions' own events.
enum RegionEvent {
    /// The request strand at this slab index has crossed from another region and reaches its
    /// current station.
    case crossed(request: Int32)
    /// The request strand has crossed to database node `instance` (a global instance index),
    /// chosen before the crossing because the database's nodes are in several regions.
    case crossedToNode(request: Int32, instance: Int32)
    /// A region fails as a whole at random, or is repaired.
    case failure(region: Int32)
    case repair(region: Int32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .crossed(let r): (24, r)
        case .crossedToNode(let r, _): (27, r)
        case .failure(let g): (25, g)
        case .repair(let g): (26, g)
        }
    }
}
