/// An autoscaler's events.
enum AutoscaleEvent {
    /// The autoscaler of this pool (an index into `Autoscaling.scalers`) evaluates its metric.
    case evaluate(pool: Int32)
    /// This instance (global index) finishes provisioning and serves, or finishes draining and
    /// is released.
    case provisioned(instance: Int32)
    case drained(instance: Int32)
    /// A scheduled minimum of this pool takes effect.
    case enforceMinimum(pool: Int32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .evaluate(let p): (17, p)
        case .provisioned(let i): (18, i)
        case .drained(let i): (19, i)
        case .enforceMinimum(let p): (20, p)
        }
    }
}
