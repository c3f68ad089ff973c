import SimKernel

/// A request that spends time on the way into a station holding nothing — a cross-region round
/// trip (`Regions/`), a TLS handshake's round trips (`TLS/`) — and then goes in. The component
/// decides whether and how long; these two steps are shared.
extension Simulation {
    /// Request r leaves for its next station and arrives after `delay` with `event`. It is at
    /// no instance meanwhile, so a crash elsewhere does not take it for in service.
    mutating func delayEntry(_ r: Int32, by delay: SimDuration, arrivingWith event: ModelEvent) {
        requests[r].instance = -1
        kernel.schedule(event, after: delay)
    }

    /// Request r is back from its delay and enters its station — unless its request ended
    /// meanwhile (a crash took a worker its caller held): then nothing refers to the strand any
    /// more, it holds nothing, and it vanishes.
    mutating func endDelay<Sink: RecordSink & ~Copyable>(
        _ r: Int32, crossed: Bool, connected: Bool, into sink: inout Sink
    ) {
        if requests[r].phase == .ended {
            requests.remove(r)
            return
        }
        enterStation(r, crossed: crossed, connected: connected, into: &sink)
    }
}
