/// How a replication ended.
public struct RunOutcome: Sendable, Equatable {
    public init(
        events: UInt64, arrivals: UInt64, successes: UInt64, errors: [UInt64], fingerprint: UInt64, unstable: Bool,
        eventLimitReached: Bool = false, interrupted: Bool = false
    ) {
        self.eventLimitReached = eventLimitReached
        self.interrupted = interrupted
        self.events = events
        self.arrivals = arrivals
        self.successes = successes
        self.errors = errors
        self.fingerprint = fingerprint
        self.unstable = unstable
    }

    /// Events the kernel delivered.
    public var events: UInt64
    /// Requests that arrived (all, warm-up included).
    public var arrivals: UInt64
    /// How every arrived request ended: successes, and errors indexed by `ErrorCause.rawValue`
    /// (`in_flight_at_end` included). Conservation: arrivals = successes + Σ errors, unless unstable.
    public var successes: UInt64
    public var errors: [UInt64]
    /// A hash of the event trajectory (time, kind, request of every event), for cheap
    /// regression checks: any change in behaviour changes it.
    public var fingerprint: UInt64
    /// True when the run stopped early because more than `maxInFlight` requests were in flight:
    /// the design is overloaded (offered load, retries included, at or above some capacity).
    public var unstable: Bool
    /// True when the run stopped early because its kernel delivered `ModelSpec.maxEvents`
    /// events (`--max-events`): its figures cover less than the horizon.
    public var eventLimitReached: Bool
    /// True when the run stopped because its `StopRequest` was set (an interrupt): its
    /// figures are partial and are not reported.
    public var interrupted: Bool
}
