/// Where a replication is. `open → closed` at the horizon (the measurement window closes,
/// arrivals have stopped, requests in flight drain); `open → overloaded` when more than
/// `ModelSpec.maxInFlight` requests are in flight (the run stops: the design is unstable);
/// `open | closed → eventLimit` when the kernel has delivered `ModelSpec.maxEvents` events
/// (the run stops: it asked for more simulation than allowed); `open | closed → interrupted`
/// when its `StopRequest` is set (the run stops; its figures are not used).
enum RunStage {
    case open
    case closed
    case overloaded
    case eventLimit
    case interrupted

    /// True once the replication was stopped before its end.
    var stopped: Bool { self == .overloaded || self == .eventLimit || self == .interrupted }
}
