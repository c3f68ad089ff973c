/// The model's events: each component's own events, nested. Dispatched by `switch`, never by
/// dynamic dispatch; each kind of component handles its own (`Simulation.handle(_:into:)` in its
/// folder), and the run loop only routes them.
enum ModelEvent {
    /// The next arrival from this source (0 = the workload's shared process, if any).
    case arrival(source: Int32)
    case window(WindowEvent)
    case pool(ServerPoolEvent)
    case database(DatabaseEvent)
    case client(ClientEvent)
    case call(CallEvent)
    case failures(FailureEvent)
    case pair(PairEvent)
    case autoscale(AutoscaleEvent)
    case tls(TLSEvent)
    case deploy(DeployEvent)
    case cluster(ClusterEvent)
    case regions(RegionEvent)
    case standby(StandbyEvent)
    /// A closed workload's user sends its next request (mixed into the trajectory with the
    /// request's serial when it is handled, as an arrival is).
    case user(UserEvent)

    /// The event's code and index in the trajectory fingerprint (`Simulation.note`), or nil for
    /// an event that is not mixed in: an arrival (mixed in with the request's serial when it is
    /// handled) and a statistics tick (which only observes). The codes are part of the pinned
    /// trajectories: a new kind of event takes a new code and never changes an existing one.
    var trajectoryCode: (kind: UInt64, index: Int32)? {
        // The event loop asks for it only for events other than a request's arrival and service
        // end (whose codes it knows from their case).
        switch self {
        case .arrival, .user: nil
        case .window(let e): e.trajectoryCode
        case .pool(let e): e.trajectoryCode
        case .database(let e): e.trajectoryCode
        case .client(let e): e.trajectoryCode
        case .call(let e): e.trajectoryCode
        case .failures(let e): e.trajectoryCode
        case .pair(let e): e.trajectoryCode
        case .autoscale(let e): e.trajectoryCode
        case .tls(let e): e.trajectoryCode
        case .deploy(let e): e.trajectoryCode
        case .cluster(let e): e.trajectoryCode
        case .regions(let e): e.trajectoryCode
        case .standby(let e): e.trajectoryCode
        }
    }
}

/// The measurement window's events.
enum WindowEvent {
    /// Start of the measurement window (the end of warm-up).
    case open
    /// End of the measurement window (the horizon): arrivals stop, in-flight requests drain.
    case close
    /// A boundary between statistics windows of clock `clock` (an index into
    /// `ModelSpec.windowLengths`); scheduled only when the statistics ask for windows.
    case tick(clock: Int32)

    var trajectoryCode: (kind: UInt64, index: Int32)? {
        switch self {
        case .open: (2, 0)
        case .close: (3, 0)
        case .tick: nil
        }
    }
}

extension Simulation {
    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: WindowEvent, into sink: inout Sink) {
        switch event {
        case .open: sink.windowOpened(snapshot())
        case .close:
            stage = .closed
            sink.windowClosed(snapshot())
        case .tick(let clock): windowTick(clock, into: &sink)
        }
    }
}
