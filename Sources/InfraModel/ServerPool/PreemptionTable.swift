import SimKernel

/// What preemptive priority (`Preemption.resume`) needs beyond the waiting lines: which
/// requests each instance has in their own service, and the work left of the requests displaced
/// from a worker.
///
/// Invariants: `inService[i]` lists exactly the requests whose service-end event at instance
/// `i` is pending and not cancelled, for the instances of preempting stations (empty for the
/// others); a request is in `displaced` exactly while it waits in a line after losing its
/// worker. Both stay empty when no station preempts (`any` false), and the hot path then
/// tests `any` alone.
struct PreemptionTable {
    /// A request in its own service at an instance.
    struct InService {
        var request: Int32
        /// Its class's priority level there (0 the most urgent).
        var level: Int32
        /// When its service ends, and the event that says so (cancelled if it is displaced).
        var end: SimTime
        var event: EventID
    }

    /// A displaced request's service so far and still to come.
    struct Displaced {
        /// Checked when it resumes: the slab slot still holds the same request's same visit.
        var serial: UInt64
        var hop: Int32
        var served: SimDuration
        var remaining: SimDuration
    }

    /// By global instance index.
    var inService: [[InService]]
    /// By request slab index.
    var displaced: [Int32: Displaced] = [:]
    /// Some station preempts.
    let any: Bool

    init(spec: ModelSpec) {
        any = spec.stations.contains { $0.discipline == .priority && $0.preemption == .resume }
        inService = Array(repeating: [], count: any ? spec.stations.reduce(0) { $0 + $1.instances } : 0)
    }
}
