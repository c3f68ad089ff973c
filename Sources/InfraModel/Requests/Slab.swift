/// An element of a `Slab`: it knows whether its slot is in use.
protocol SlabElement {
    /// The slot is in use.
    var isLive: Bool { get }
    /// Called once when the slot is freed.
    mutating func markFree()
}

/// Values stored in one manually managed buffer and addressed by index; freed slots are reused
/// (LIFO free list), so memory grows with the values alive at once, never with the values ever
/// stored, and the hot path pays no copy-on-write checks. Grows by doubling.
///
/// Invariants: `liveCount + freeCount == used`; a slot is on the free list iff `!isLive`.
/// Its owner calls `deallocate()` exactly once.
struct Slab<Element: SlabElement> {
    private(set) var slots: UnsafeMutablePointer<Element>
    private var free: UnsafeMutablePointer<Int32>
    /// Slots allocated; changes only by doubling in `insert`.
    private(set) var capacity: Int
    private var freeCount = 0
    /// Slots handed out so far (live or free): indices `0 ..< used` are initialised.
    private(set) var used = 0

    init(capacity: Int) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        free = .allocate(capacity: capacity)
    }

    /// Values in use.
    @inline(__always) var liveCount: Int { used &- freeCount }

    @inline(__always)
    mutating func insert(_ e: Element) -> Int32 {
        if freeCount > 0 {
            freeCount &-= 1
            let i = free[freeCount]
            slots[Int(i)] = e
            return i
        }
        if used == capacity { grow() }
        (slots + used).initialize(to: e)
        used &+= 1
        return Int32(used &- 1)
    }

    @inline(__always)
    mutating func remove(_ i: Int32) {
        assert(slots[Int(i)].isLive, "slab slot freed twice")
        slots[Int(i)].markFree()
        free[freeCount] = i
        freeCount &+= 1
    }

    @inline(__always)
    subscript(i: Int32) -> Element {
        get { slots[Int(i)] }
        nonmutating _modify { yield &slots[Int(i)] }
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newSlots = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
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
