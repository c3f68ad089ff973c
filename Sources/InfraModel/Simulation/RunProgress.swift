import Synchronization

/// How far the replications sharing it have got, for a progress display: events delivered and
/// simulated time covered, summed over replications. Each replication adds to it every
/// `Simulation.stopCheckInterval` events and once at its end, so a reader sees a run move
/// within long replications, not only between them. Reading it never affects a run.
///
/// Invariant: once every replication has ended, `simulatedNanoseconds` is the sum over them of
/// horizon + drain, and `events` the sum of the events their kernels delivered.
public final class RunProgress: Sendable {
    private let eventCount = Atomic<UInt64>(0)
    private let simulated = Atomic<Int64>(0)

    public init() {}

    /// Records `events` more events and `nanoseconds` more simulated time.
    public func advance(events: UInt64, nanoseconds: Int64) {
        eventCount.add(events, ordering: .relaxed)
        simulated.add(nanoseconds, ordering: .relaxed)
    }

    /// Events delivered so far, over every replication.
    public var events: UInt64 { eventCount.load(ordering: .relaxed) }
    /// Simulated time covered so far, over every replication, in nanoseconds.
    public var simulatedNanoseconds: Int64 { simulated.load(ordering: .relaxed) }
}
