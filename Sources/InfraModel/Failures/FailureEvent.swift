/// Instances and zones failing and coming back, health checks, and scheduled events.
enum FailureEvent {
    /// This instance fails (crash or hang, by its station's failure mode).
    case failure(instance: Int32)
    /// This instance is repaired (restarted) and serves again.
    case repair(instance: Int32)
    /// The balancer's health checks reach a verdict on this instance, decided when it was in
    /// the state numbered `epoch` (stale if it has changed since).
    case healthVerdict(instance: Int32, epoch: UInt32)
    /// A step of a scheduled event (an index into `Outages.actions`).
    case scheduled(action: Int32)
    /// A zone fails as a whole, or comes back.
    case zoneFailure(zone: Int32)
    case zoneRepair(zone: Int32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .failure(let i): (7, i)
        case .repair(let i): (8, i)
        case .healthVerdict(let i, _): (9, i)
        case .scheduled(let k): (11, k)
        case .zoneFailure(let z): (12, z)
        case .zoneRepair(let z): (13, z)
        }
    }
}

extension Simulation {
    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: FailureEvent, into sink: inout Sink) {
        switch event {
        case .failure(let i): instanceFails(i, into: &sink)
        case .repair(let i): instanceRepaired(i, into: &sink)
        case .healthVerdict(let i, let epoch): healthVerdict(i, epoch: epoch)
        case .scheduled(let k): scheduledAction(k, into: &sink)
        case .zoneFailure(let z): zoneFails(z, into: &sink)
        case .zoneRepair(let z): zoneRepaired(z, into: &sink)
        }
    }
}
