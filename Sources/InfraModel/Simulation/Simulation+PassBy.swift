/// Passing a station by: a request that no instance of a cache (`on_failure: bypass`) or of an
/// inspection stage (`on_failure: open`) can take goes on as if the station had served it, in
/// no time and holding nothing there.
extension Simulation {
    /// Whether request r can pass its current station by: always when `leafPasses` (a leaf of a
    /// call tree returns to its caller, a pipeline's last station completes the request), else
    /// only when the station has something below it (calls) or after it (pipeline hops).
    func canPassBy(_ r: Int32, leafPasses: Bool) -> Bool {
        if leafPasses { return true }
        let q = requests[r]
        let c = Int(q.classIndex)
        if routes.synchronous[c] { return calls.node(q.classIndex, q.hop).pointee.stepCount > 0 }
        return q.hop &+ 1 < routes.pathStart[c &+ 1] &- routes.pathStart[c]
    }

    /// Sends request r on past its current station. In a call tree the station's calls are made
    /// from a frame with no instance (`bypassReturns` pops it); in a pipeline the request moves
    /// to the next station, or completes after the last.
    mutating func passBy<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) {
        let q = requests[r]
        let c = Int(q.classIndex)
        let now = kernel.now
        if routes.synchronous[c] {
            requests[r].instance = -1
            requests.frame(r, q.depth).pointee = CallFrame(
                instance: -1, hopArrival: now, serviceStart: now,
                serviceEnd: now, node: q.hop, rep: q.rep, key: q.key, step: 0)
            requests[r].depth = q.depth &+ 1
            runSteps(r, from: 0, into: &sink)
            return
        }
        if requests.pathLength > 0 { requests.hopTimes(r)[Int(q.hop)] = 0 }
        if q.hop &+ 1 >= routes.pathStart[c &+ 1] &- routes.pathStart[c] {
            finish(r, .success, into: &sink)
            return
        }
        requests[r].hop &+= 1
        enterStation(r, into: &sink)
    }

    /// A passed-by station's frame on top of strand r has made its calls: it holds nothing, so
    /// it just returns.
    mutating func bypassReturns<Sink: RecordSink & ~Copyable>(_ r: Int32, _ f: CallFrame, into sink: inout Sink) {
        requests[r].depth &-= 1
        requests[r].hop = f.node
        requests[r].rep = f.rep
        requests[r].key = f.key
        requests[r].instance = -1
        visitReturned(r, into: &sink)
    }
}
