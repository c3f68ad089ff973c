import InfraModel
import SimKernel

/// A sample of one replication's requests, each with the visits it made: what `run --trace`
/// writes as spans. Plain values; `Reporting` formats them.
public struct RequestTrace: Sendable {
    /// The replication traced (0-based).
    public var replication: Int
    /// The share of successful requests sampled (failed ones are all kept, up to `limit`).
    public var sample: Double
    /// At most this many sampled requests are kept, and separately at most this many failed ones.
    public var limit: Int
    /// The requests kept, in the order they ended.
    public var requests: [TracedRequest] = []
    /// Requests sampled (or failed) but left out because their kind had reached `limit`.
    public var leftOutSampled = 0
    public var leftOutFailed = 0
    /// Visits reported after their request had ended (work done for nobody), not in the trace.
    public var visitsAfterEnd = 0
    /// How the traced replication ended (cut short by `--max-events`, say).
    public var outcome: RunOutcome?

    public init(replication: Int, sample: Double, limit: Int) {
        self.replication = replication
        self.sample = sample
        self.limit = limit
    }
}

/// One traced request: its end as `RequestRecord` gives it, and the visits reported for it
/// before it ended, in the order their workers were released.
///
/// Invariant: every visit lies inside the request, `arrival ≤ visit.arrived` and
/// `visit.arrived + visit.inclusive ≤ end` (a visit is reported when its worker is released,
/// which for a visit of this request is at or before its end).
public struct TracedRequest: Sendable {
    public var serial: UInt64
    public var classIndex: Int32
    public var arrival: SimTime
    public var end: SimTime
    public var outcome: Outcome
    public var attempts: Int32
    /// The station blamed for an error (`RequestRecord.blame`), −1 for none.
    public var blame: Int32
    /// The zone whose outage caused the error, −1 for none.
    public var blameZone: Int32
    public var visits: [HopRecord]
}
