import SimKernel

/// A request in flight. Lives in `RequestSlab` and is addressed by its index there.
@usableFromInline
struct Request {
    /// Arrival at the system.
    @usableFromInline var arrival: SimTime
    /// Arrival at the current station.
    @usableFromInline var hopArrival: SimTime
    /// Start of service at the current station.
    @usableFromInline var serviceStart: SimTime
    /// Serial number of the request in its replication (0, 1, 2, …): the `entity` of its random
    /// draws, so its demands do not depend on the design (common random numbers).
    @usableFromInline var serial: UInt64
    @usableFromInline var classIndex: Int32
    /// Position in the class's path.
    @usableFromInline var hop: Int32
    /// Instance (global index over all stations) currently holding the request.
    @usableFromInline var instance: Int32
    @usableFromInline var live: Bool

    @inlinable init(arrival: SimTime, serial: UInt64, classIndex: Int32) {
        self.arrival = arrival; self.hopArrival = arrival; self.serviceStart = arrival
        self.serial = serial; self.classIndex = classIndex; self.hop = 0; self.instance = -1; self.live = true
    }
}

/// Requests in flight, stored by value in one array and addressed by index; freed slots are
/// reused (LIFO free list), so memory grows with requests in flight, never with requests simulated.
@usableFromInline
struct RequestSlab {
    @usableFromInline var slots: ContiguousArray<Request> = []
    @usableFromInline var free: ContiguousArray<Int32> = []
    @usableFromInline var liveCount = 0

    @inlinable init() {}

    @inlinable mutating func insert(_ r: Request) -> Int32 {
        liveCount &+= 1
        if let i = free.popLast() {
            slots[Int(i)] = r
            return i
        }
        slots.append(r)
        return Int32(slots.count - 1)
    }

    @inlinable mutating func remove(_ i: Int32) {
        assert(slots[Int(i)].live, "request freed twice")
        slots[Int(i)].live = false
        free.append(i)
        liveCount &-= 1
    }

    @inlinable subscript(i: Int32) -> Request {
        get { slots[Int(i)] }
        _modify { yield &slots[Int(i)] }
    }
}
