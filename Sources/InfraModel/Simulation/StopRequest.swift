import Synchronization

/// A request from outside a run — a signal handler on SIGINT or SIGTERM — that replications
/// stop: a running one stops within `Simulation.stopCheckInterval` events and is reported as
/// interrupted, none starts after it. Setting it is one atomic store, safe in a signal handler.
public final class StopRequest: Sendable {
    private let signalNumber = Atomic<Int32>(0)

    public init() {}

    /// Asks every run sharing this request to stop, naming the signal (> 0) that asked.
    public func request(signal: Int32) { signalNumber.store(signal, ordering: .relaxed) }

    /// The signal that asked for the stop, or nil while none has.
    public var signal: Int32? {
        let s = signalNumber.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
