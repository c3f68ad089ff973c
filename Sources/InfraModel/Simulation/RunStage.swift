/// Where a replication is. `open → closed` at the horizon (the measurement window closes,
/// arrivals have stopped, requests in flight drain); `open → overloaded` when more than
/// `ModelSpec.maxInFlight` requests are in flight (the run stops: the design is unstable).
enum RunStage {
    case open
    case closed
    case overloaded
}
