import SimKernel

/// What the model reports when a request ends. Models emit records; the statistics layer
/// aggregates them (the model never computes a percentile).
public struct RequestRecord {
    /// The request's serial number in its replication (0, 1, 2, … in order of arrival; a
    /// client's retries keep it): what its hops' records carry too.
    public var serial: UInt64
    /// Index of the request's class in `ModelSpec.classes`.
    public var classIndex: Int32
    /// When the request arrived at the system.
    public var arrival: SimTime
    /// When it ended (success or error).
    public var end: SimTime
    public var outcome: Outcome
    /// True when the request arrived inside the measurement window (at or after the warm-up).
    public var measured: Bool
    /// Attempts the client made (1 without retries).
    public var attempts: Int32 = 1
    /// For a success, when the model tracks hops: the time (ns) the request (its successful
    /// attempt) spent at each position of its class's path, wait + own service. Valid only
    /// during the `requestEnded` call.
    public var hopTimes: UnsafePointer<Int64>? = nil
    /// For an error raised by a component (`queue_full`, `instance_failed`,
    /// `no_healthy_instance`, `failover`, or `retry_budget_exhausted` after such errors): the
    /// station whose failure or refusal caused it — the dead instance's station when a caller
    /// held a worker on it. −1 for a success or an error of the client's own (timeout, deadline,
    /// in flight at the end).
    public var blame: Int32 = -1
    /// The zone (index into `ModelSpec.zones`) whose outage caused the error, when the dead
    /// instance behind it was down because its zone was; −1 otherwise.
    public var blameZone: Int32 = -1

    @inlinable public var latency: SimDuration { end - arrival }
}

/// What the model reports when a request releases a station's worker (after its service, and in
/// a synchronous chain after the calls it made downstream returned). Records come in release order.
public struct HopRecord: Sendable {
    /// Index of the station in `ModelSpec.stations`.
    public var station: Int32
    public var classIndex: Int32
    /// Time spent waiting for a worker.
    public var wait: SimDuration
    /// Time in service at this station (its own demand).
    public var service: SimDuration
    /// From arrival at the station to the release of its worker: wait + service + the
    /// synchronous calls it made downstream (= wait + service in pipeline mode).
    public var inclusive: SimDuration
    /// True when the request arrived at the system inside the measurement window.
    public var measured: Bool
    /// False for a visit that left the line unserved (a pool's queue timeout, `drop_expired`):
    /// then only `wait` is meaningful (service 0, inclusive = wait).
    public var served: Bool = true
    /// The serial of the request the visit belongs to (`RequestRecord.serial`). A visit made for
    /// nobody after its request ended (wasted work of an abandoned attempt) carries it too, and
    /// its record comes after the request's.
    public var serial: UInt64 = 0
    /// When the visit reached the station: its worker was released at `arrived + inclusive`.
    public var arrived: SimTime = .zero
    /// The instance that served it, counted within its station (0-based).
    public var instance: Int32 = 0
    /// The client's attempt it belongs to (0 = the first; always 0 without a client policy).
    public var attempt: Int32 = 0
}

/// Receives the model's records as a replication runs. Implemented by the statistics layer.
///
/// The model calls `windowOpened` once at the warm-up instant and `windowClosed` once at the
/// horizon, each with a snapshot of its counters; level statistics (utilisation, queue length,
/// requests in system) are the differences of the two snapshots.
///
/// When the spec asks for statistics windows (`ModelSpec.windowLengths`), the model also calls
/// `windowTicked` at every boundary strictly inside the measurement window (see
/// `Simulation+Windows`).
public protocol RecordSink: ~Copyable {
    mutating func requestEnded(_ record: RequestRecord)
    mutating func hopEnded(_ record: HopRecord)
    mutating func windowOpened(_ counters: ModelCounters)
    mutating func windowClosed(_ counters: ModelCounters)
    /// A boundary of clock `clock`'s windows, at `counters.time` = warm-up + k × its length
    /// (k ≥ 1, before the horizon). `settled`: every request that arrived before this instant
    /// has ended (its record was delivered), so windows ending at or before it are complete.
    mutating func windowTicked(clock: Int, counters: ModelCounters, settled: SimTime)
    /// A write committed at database `database` (index among the databases, in station order)
    /// will be applied by one of its replicas `lag` after its commit (apply − commit).
    /// `measured`: committed inside the measurement window.
    mutating func replicationLagged(database: Int32, lag: SimDuration, measured: Bool)
    /// Database `database` (index among the databases) promoted a replica after losing its
    /// primary: writes were refused for `rto` (failure → promotion). `measured`: promoted inside
    /// the measurement window.
    mutating func failedOver(database: Int32, rto: SimDuration, measured: Bool)
    /// An outage episode ended: station `station` (−1: the service as a whole) was below its
    /// required instances from `began` to now (`OutageRecord`).
    mutating func outageEnded(_ record: OutageRecord)
}

/// One outage episode of a component or of the service: a stretch of time with fewer instances
/// up than `failures.required` (default 1) at the component, or, for the service (`station`
/// −1), at some component. Episodes still going on when the run ends are not reported.
public struct OutageRecord: Sendable {
    public var station: Int32
    public var began: SimTime
    public var ended: SimTime
    /// True when the episode began inside the measurement window (at or after the warm-up).
    public var measured: Bool

    public var duration: SimDuration { ended - began }
}

extension RecordSink where Self: ~Copyable {
    /// Sinks that keep no outage statistics ignore outage episodes.
    public mutating func outageEnded(_ record: OutageRecord) {}

    /// Sinks without windowed statistics ignore ticks (which are scheduled only on request).
    public mutating func windowTicked(clock: Int, counters: ModelCounters, settled: SimTime) {}
    /// Sinks without database statistics ignore replication lags.
    public mutating func replicationLagged(database: Int32, lag: SimDuration, measured: Bool) {}
    /// Sinks without database statistics ignore failovers.
    public mutating func failedOver(database: Int32, rto: SimDuration, measured: Bool) {}
}
