import Synchronization

/// Why replications were asked to stop before their end.
public enum StopReason: Equatable, Sendable {
    /// SIGINT or SIGTERM (the signal's number).
    case signal(Int32)
    /// The process's resident memory passed its budget (`--max-memory`).
    case memoryBudget
}

/// A request from outside a run — a signal handler on SIGINT or SIGTERM, or the memory-budget
/// watchdog — that replications stop: a running one stops within
/// `Simulation.stopCheckInterval` events and is reported as interrupted, none starts after it.
/// The first reason given wins. Setting it is one atomic compare-and-swap, safe in a signal
/// handler.
public final class StopRequest: Sendable {
    /// 0 while no stop is requested; the signal's number (> 0); or -1 for the memory budget.
    private let code = Atomic<Int32>(0)

    public init() {}

    /// Asks every run sharing this request to stop, naming the signal (> 0) that asked.
    public func request(signal: Int32) {
        assert(signal > 0, "a signal number is positive")
        _ = code.compareExchange(expected: 0, desired: signal, ordering: .relaxed)
    }

    /// Asks every run sharing this request to stop because memory passed its budget.
    public func requestForMemoryBudget() {
        _ = code.compareExchange(expected: 0, desired: -1, ordering: .relaxed)
    }

    /// True once a stop has been requested, for any reason.
    public var isRequested: Bool { code.load(ordering: .relaxed) != 0 }

    /// Why the stop was requested, or nil while it has not been.
    public var reason: StopReason? {
        switch code.load(ordering: .relaxed) {
        case 0: nil
        case -1: .memoryBudget
        case let s: .signal(s)
        }
    }

    /// The signal that asked for the stop, or nil while none has (or the memory budget did).
    public var signal: Int32? {
        if case .signal(let s) = reason { s } else { nil }
    }
}
