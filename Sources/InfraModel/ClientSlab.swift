import SimKernel

/// A logical request as its client sees it, across the attempts it makes (classes with a
/// `ClientPolicy` only). Lives in `ClientSlab`, addressed by index.
struct Client {
    var arrival: SimTime
    var serial: UInt64
    var classIndex: Int32
    /// Attempts started so far.
    var attempts: Int32
    /// Slab index of the attempt the client is waiting for; −1 while it backs off.
    var current: Int32
    /// Distinguishes this client from later ones in the same slot (for stale timers and retries).
    var stamp: UInt32
    /// The previous backoff wait in ns (for decorrelated jitter).
    var previousWait: Int64
    var live: Bool
}

/// Clients in flight: one manually managed buffer plus a LIFO free list, like `RequestSlab`.
/// Its owner (`Simulation`) calls `deallocate()` exactly once.
struct ClientSlab {
    private(set) var slots: UnsafeMutablePointer<Client>
    private var free: UnsafeMutablePointer<Int32>
    private var capacity: Int
    private var freeCount = 0
    private(set) var used = 0
    /// Clients in flight.
    var liveCount: Int { used - freeCount }

    init(capacity: Int = 256) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        free = .allocate(capacity: capacity)
    }

    mutating func insert(_ c: Client) -> Int32 {
        if freeCount > 0 {
            freeCount -= 1
            let i = free[freeCount]
            slots[Int(i)] = c
            return i
        }
        if used == capacity {
            let bigger = UnsafeMutablePointer<Client>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: slots, count: used)
            slots.deallocate()
            slots = bigger
            let biggerFree = UnsafeMutablePointer<Int32>.allocate(capacity: capacity * 2)
            biggerFree.moveInitialize(from: free, count: freeCount)
            free.deallocate()
            free = biggerFree
            capacity *= 2
        }
        (slots + used).initialize(to: c)
        used += 1
        return Int32(used - 1)
    }

    mutating func remove(_ i: Int32) {
        assert(slots[Int(i)].live, "client ended twice")
        slots[Int(i)].live = false
        free[freeCount] = i
        freeCount += 1
    }

    subscript(i: Int32) -> Client {
        get { slots[Int(i)] }
        nonmutating _modify { yield &slots[Int(i)] }
    }

    func deallocate() {
        slots.deinitialize(count: used)
        slots.deallocate()
        free.deallocate()
    }
}
