import SimKernel
import SimRandom

/// Inspection stages on the request path (see `InspectionSpec`): blocking what they detect when
/// a request's inspection ends, and passing traffic uninspected when they fail open.
extension Simulation {
    /// Whether request r, which no instance of station s can take, passes the stage
    /// uninspected (a stage with `on_failure: open`), and if so sends it on (`passBy`).
    mutating func inspectionFailsOpen<Sink: RecordSink & ~Copyable>(
        _ r: Int32, station s: Int, into sink: inout Sink
    ) -> Bool {
        let k = Int(inspections.index[s])
        guard k >= 0, inspections.entries[k].onFailure == .open else { return false }
        counters.uninspected[s] &+= 1
        passBy(r, into: &sink)
        return true
    }

    /// Request r's inspection (its service at a stage) has just ended: when the stage has
    /// detected its class, it is blocked with the detection's probability — its visit ends (the
    /// hop is reported, the worker released) and the request fails with `blocked`, blamed on the
    /// stage. Returns false, doing nothing, for a request that goes on.
    mutating func blockedAtInspection<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) -> Bool {
        let q = requests[r]
        let s = Int(instances[Int(q.instance)].station)
        let k = Int(inspections.index[s])
        guard k >= 0 else { return false }
        let c = Int(q.classIndex)
        let p = inspections.entries[k].probability[c]
        guard p > 0 else { return false }
        let now = kernel.now
        var seen = inspections.entries[k].firstSeen[c]
        if seen < 0 {
            seen = now.nanoseconds
            inspections.entries[k].firstSeen[c] = seen
        }
        guard now.nanoseconds &- seen >= inspections.entries[k].delay[c] else { return false }
        if p < 1 {
            let stream = inspections.entries[k].stream
            seatDraws(stream, for: r)
            guard stream.uniform() < p else { return false }
        }
        counters.blocked[s] &+= 1
        if stations[s].sharing { completeSharing(r, at: q.instance, station: s) }
        reportHop(
            at: s, of: q, on: q.instance, arrived: q.hopArrival, started: q.serviceStart, served: now, into: &sink)
        release(q.instance, station: s, into: &sink)
        fail(r, .blocked, into: &sink)
        return true
    }

    /// Per-station counters of the stages, when there are any.
    mutating func setUpInspections() {
        guard Shape.hasFeatures && inspections.any else { return }
        counters.blocked = Array(repeating: 0, count: stationCount)
        counters.uninspected = Array(repeating: 0, count: stationCount)
    }
}
