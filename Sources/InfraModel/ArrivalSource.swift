import SimRandom

/// One arrival process of a replication: the workload's shared one, or a class's own.
struct ArrivalSource {
    let process: ArrivalProcess
    /// Its own stream (`workload` or `workload.classes.<name>`, purpose arrivals), drawn in sequence.
    let stream: RandomStream
    /// The class its arrivals belong to; −1 for the shared process (class chosen by weight).
    let classIndex: Int32
    /// Arrivals scheduled so far (constant arrivals come at count/rate).
    var count: UInt64 = 0

    init(process: ArrivalProcess, stream: RandomStream, classIndex: Int32) {
        self.process = process; self.stream = stream; self.classIndex = classIndex
    }
}
