import SimKernel

/// A request in flight. Lives in `RequestSlab` and is addressed by its index there.
/// A trivial (bitwise-copyable) struct: the slab moves it with memcpy when it grows.
struct Request {
    /// Arrival at the system.
    var arrival: SimTime
    /// Arrival at the current station.
    var hopArrival: SimTime
    /// Start of service at the current station.
    var serviceStart: SimTime
    /// Serial number of the request in its replication (0, 1, 2, …): the `entity` of its random
    /// draws, so its demands do not depend on the design (common random numbers).
    var serial: UInt64
    var classIndex: Int32
    /// Position in the class's path.
    var hop: Int32
    /// Instance (global index over all stations) currently holding the request.
    var instance: Int32
    var live: Bool

    init(arrival: SimTime, serial: UInt64, classIndex: Int32) {
        self.arrival = arrival; self.hopArrival = arrival; self.serviceStart = arrival
        self.serial = serial; self.classIndex = classIndex; self.hop = 0; self.instance = -1; self.live = true
    }
}

/// Requests in flight, stored by value in one manually managed buffer and addressed by index;
/// freed slots are reused (LIFO free list), so memory grows with requests in flight, never with
/// requests simulated, and the hot path pays no copy-on-write checks.
///
/// Invariants: `liveCount + freeCount == used`; a slot is on the free list iff `!live`.
/// Its owner (`Simulation`) calls `deallocate()` exactly once.
struct RequestSlab {
    private(set) var slots: UnsafeMutablePointer<Request>
    private var free: UnsafeMutablePointer<Int32>
    private var capacity: Int
    private var freeCount = 0
    /// Slots handed out so far (live or free): indices `0 ..< used` are initialised.
    private(set) var used = 0
    private(set) var liveCount = 0

    init(capacity: Int = 1024) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        free = .allocate(capacity: capacity)
    }

    @inline(__always)
    mutating func insert(_ r: Request) -> Int32 {
        liveCount &+= 1
        if freeCount > 0 {
            freeCount &-= 1
            let i = free[freeCount]
            slots[Int(i)] = r
            return i
        }
        if used == capacity { grow() }
        (slots + used).initialize(to: r)
        used &+= 1
        return Int32(used &- 1)
    }

    @inline(__always)
    mutating func remove(_ i: Int32) {
        assert(slots[Int(i)].live, "request freed twice")
        slots[Int(i)].live = false
        free[freeCount] = i
        freeCount &+= 1
        liveCount &-= 1
    }

    @inline(__always)
    subscript(i: Int32) -> Request {
        get { slots[Int(i)] }
        nonmutating _modify { yield &slots[Int(i)] }
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newSlots = UnsafeMutablePointer<Request>.allocate(capacity: newCapacity)
        newSlots.moveInitialize(from: slots, count: used)
        slots.deallocate()
        slots = newSlots
        let newFree = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newFree.moveInitialize(from: free, count: freeCount)
        free.deallocate()
        free = newFree
        capacity = newCapacity
    }

    func deallocate() {
        slots.deinitialize(count: used)
        slots.deallocate()
        free.deallocate()
    }
}
