import SimKernel
import SimRandom

/// Where requests come from: the arrival sources (the workload's shared process, then each
/// class with arrivals of its own), the draw that picks a shared arrival's class, the request
/// keys, and the serial number of the next request. Its owner calls `deallocate()` exactly once.
struct Arrivals {
    let sources: UnsafeMutablePointer<ArrivalSource>
    let sourceCount: Int
    /// Picks a shared arrival's class by weight, seated at the request's serial.
    let classStream: RandomStream
    let keys: RequestKeys
    /// Serial of the next request (0, 1, 2, …): the entity of its random draws.
    var nextSerial: UInt64 = 0

    init(spec: ModelSpec, streams: StreamStore, replication: UInt32) {
        var list: [ArrivalSource] = []
        // Closed workloads' users are `Users`, not sources.
        if let process = spec.arrivals, !process.isClosed {
            list.append(
                ArrivalSource(
                    process: process, stream: streams.stream(path: "workload", purpose: .arrivals),
                    classIndex: -1, profiled: spec.profile != nil))
        }
        for (c, cls) in spec.classes.enumerated() {
            guard let process = cls.arrivals, !process.isClosed else { continue }
            list.append(
                ArrivalSource(
                    process: process, stream: streams.stream(path: "workload.classes." + cls.name, purpose: .arrivals),
                    classIndex: Int32(c), profiled: spec.profile != nil))
        }
        sourceCount = list.count
        sources = .allocate(capacity: max(1, list.count))
        sources.initialize(from: list, count: list.count)
        classStream = streams.stream(path: "workload", purpose: .classes)
        keys = RequestKeys(spec: spec, streams: streams)
        for k in 0..<sourceCount { sources[k].stream.seat(replication: replication, entity: 0) }
    }

    func deallocate() {
        sources.deinitialize(count: sourceCount)
        sources.deallocate()
    }
}
