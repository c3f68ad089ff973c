/// An active/passive pair's events (unit = 2 × instance + 0 or 1).
enum PairEvent {
    /// A unit fails, or is repaired.
    case unitFailure(unit: Int32)
    case unitRepair(unit: Int32)
    /// A pair's switch to its passive unit completes (stale if its switch stamp has moved on).
    case failoverDone(instance: Int32, stamp: UInt32)
    /// A pair notices that its active unit has failed, after the detection delay (stale if its
    /// stamp has moved on: the unit was repaired first).
    case failureDetected(instance: Int32, stamp: UInt32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .unitFailure(let u): (14, u)
        case .unitRepair(let u): (15, u)
        case .failoverDone(let i, _): (16, i)
        case .failureDetected(let i, _): (22, i)
        }
    }
}

extension Simulation {
    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: PairEvent, into sink: inout Sink) {
        switch event {
        case .unitFailure(let u): unitFails(u, into: &sink)
        case .unitRepair(let u): unitRepaired(u, into: &sink)
        case .failoverDone(let i, let stamp): failoverDone(i, stamp: stamp, into: &sink)
        case .failureDetected(let i, let stamp): failureDetected(i, stamp: stamp, into: &sink)
        }
    }
}
