import SimKernel
import SimRandom

/// The run-time state of one station (all its instances together), kept beside the per-instance
/// arrays of `Simulation`.
struct StationState {
    let firstInstance: Int32
    let instanceCount: Int32
    /// Workers per instance; `Int32.max` for unlimited.
    let workers: Int32
    /// Waiting slots per instance; `Int.max` for unlimited.
    let queueCapacity: Int
    let service: Distribution
    let balance: InstanceChoice
    let serviceStream: RandomStream
    let routingStream: RandomStream
    /// Next instance for round robin (offset from `firstInstance`).
    var nextInstance: Int32 = 0

    /// Levels summed over instances, and their integrals since time 0 (level × ns).
    var busyLevel = 0
    var queueLevel = 0
    var busyIntegral = 0.0
    var queueIntegral = 0.0
    var levelsSince = SimTime.zero

    init(spec: StationSpec, firstInstance: Int32, service: RandomStream, routing: RandomStream) {
        self.firstInstance = firstInstance
        self.instanceCount = Int32(spec.instances)
        self.workers = spec.workers.map { Int32(clamping: $0) } ?? .max
        self.queueCapacity = spec.queueCapacity ?? .max
        self.service = spec.service
        self.balance = spec.balance
        self.serviceStream = service
        self.routingStream = routing
    }

    /// Brings the integrals up to `now`; call before any level changes.
    @inline(__always)
    mutating func accumulate(to now: SimTime) {
        let dt = Double(now.nanoseconds &- levelsSince.nanoseconds)
        busyIntegral += Double(busyLevel) * dt
        queueIntegral += Double(queueLevel) * dt
        levelsSince = now
    }
}

/// The run-time state of one instance of a station.
struct InstanceState {
    /// The station it belongs to.
    let station: Int32
    /// Workers serving a request now.
    var busy: Int32 = 0
    /// Requests waiting for a worker, FIFO.
    var waiting = IndexQueue()

    init(station: Int32) { self.station = station }
}
