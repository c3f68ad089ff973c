/// The pending-event list while it is short: a binary min-heap ordered by (time, sequence
/// number). `EventQueue` uses it while fewer than a few hundred events are pending.
///
/// The sequence number is assigned at scheduling time and strictly increases, so events at the
/// same instant come out in the order they were scheduled (FIFO tie-break, as in SimPy and
/// OMNeT++). Entries are stored by value in one manually managed buffer: once it has grown to
/// the run's peak size, pushing and popping allocate nothing and pay no copy-on-write checks.
/// Non-copyable, so the buffer has exactly one owner, which frees it.
///
/// An entry moves between slots by `initialize(to: move())`, not `moveInitialize(from:count:)`:
/// the latter checks for overlapping ranges on every move (≈ 10 % of the queue's instructions).
/// Binary, not 4-ary: a 4-ary heap with the same moves executed ≈ 3–10 % fewer instructions
/// for 64 to 10⁵ pending events, but ran 15–25 % slower in CPU time (the four-way comparisons
/// branch unpredictably); see Benchmarks/README.md. Its pop is the textbook sift-down, not the
/// bottom-up one (hole to a leaf, then the last entry up): that executed more instructions with
/// the few events a queueing model has pending, and ran slower on four of the five models of
/// `Benchmarks/ab.sh` (by up to 18 %; Benchmarks/README.md).
///
/// Siblings share a cache line: the buffer is 64-byte aligned and the root sits one entry before
/// a line boundary, so for an entry stride S that divides 32 the children 2i + 1 and 2i + 2
/// occupy one line, and a sift-down's comparison of two children costs at most one miss. (With
/// the root at the boundary every pair straddles two lines.)
///
/// Invariant (checked by `checkInvariants()` in tests and debug assertions): every entry's key
/// is ≥ its parent's.
public struct BinaryHeap<Event>: ~Copyable {
    @usableFromInline
    struct Entry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var event: Event

        @inlinable init(time: Int64, sequence: UInt64, event: Event) {
            self.time = time
            self.sequence = sequence
            self.event = event
        }

        @inlinable func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }

        /// The key as one unsigned 128-bit number in the same order as `precedes`: the time
        /// with its sign bit flipped (so unsigned order is signed order), then the sequence.
        /// Two keys compare with a subtract-with-borrow and no branch.
        @inlinable var key: UInt128 {
            UInt128(UInt64(bitPattern: time ^ .min)) &<< 64 | UInt128(sequence)
        }
    }

    @usableFromInline var heap: UnsafeMutablePointer<Entry>
    @usableFromInline var capacity: Int
    @usableFromInline var _count = 0
    /// The start of the allocation `heap` lies in (see `allocate(_:)`).
    @usableFromInline var storage: UnsafeMutableRawPointer

    @inlinable init(capacity: Int = 64) {
        self.capacity = Swift.max(capacity, 1)
        (storage, heap) = Self.allocate(self.capacity)
    }

    deinit {
        heap.deinitialize(count: _count)
        storage.deallocate()
    }

    /// Room for `n` entries, 64-byte aligned, with the root placed so that siblings share a
    /// cache line: `heap` + 1 starts a line whenever the stride is below 64.
    @usableFromInline
    static func allocate(_ n: Int) -> (storage: UnsafeMutableRawPointer, heap: UnsafeMutablePointer<Entry>) {
        let stride = MemoryLayout<Entry>.stride
        let shift = stride < 64 ? 64 - stride : 0
        let storage = UnsafeMutableRawPointer.allocate(
            byteCount: n * stride + shift, alignment: Swift.max(64, MemoryLayout<Entry>.alignment))
        return (storage, (storage + shift).bindMemory(to: Entry.self, capacity: n))
    }

    @inlinable var count: Int { _count }

    /// Time of the earliest entry, if any.
    @inlinable var nextTime: Int64? { _count > 0 ? heap[0].time : nil }

    @inlinable mutating func reserveCapacity(_ n: Int) { if n > capacity { grow(to: n) } }

    @usableFromInline mutating func grow(to n: Int) {
        let (biggerStorage, bigger) = Self.allocate(n)
        bigger.moveInitialize(from: heap, count: _count)
        storage.deallocate()
        (storage, heap) = (biggerStorage, bigger)
        capacity = n
    }

    @inlinable @inline(__always)
    mutating func push(time: Int64, sequence: UInt64, event: Event) {
        if _count == capacity { grow(to: capacity * 2) }
        let item = Entry(time: time, sequence: sequence, event: event)
        var child = _count
        _count &+= 1
        // Sift up: move parents down into the hole until the item's place is found.
        while child > 0 {
            let parent = (child &- 1) >> 1
            if !item.precedes(heap[parent]) { break }
            (heap + child).initialize(to: (heap + parent).move())
            child = parent
        }
        (heap + child).initialize(to: item)
    }

    /// Removes and returns the earliest entry. Precondition: not empty. Always inlined: its one
    /// hot caller is `EventQueue.pop`, itself inlined into `Kernel.next`.
    @inlinable @inline(__always)
    mutating func pop() -> (time: Int64, sequence: UInt64, event: Event) {
        precondition(_count > 0, "pop from an empty event queue")
        let top = heap.move()
        _count &-= 1
        if _count > 0 {
            // Sift the former last entry down from the root, moving the hole instead of swapping.
            let last = (heap + _count).move()
            let n = _count
            var hole = 0
            while true {
                var child = 2 &* hole &+ 1
                if child >= n { break }
                let right = child &+ 1
                // The earlier child, chosen without a branch: which one it is is a coin toss
                // the processor cannot predict (≈ 10–20 % of the heap's time at 10–300
                // pending events, Benchmarks/README.md).
                if right < n { child &+= heap[right].key < heap[child].key ? 1 : 0 }
                if !heap[child].precedes(last) { break }
                (heap + hole).initialize(to: (heap + child).move())
                hole = child
            }
            (heap + hole).initialize(to: last)
        }
        return (top.time, top.sequence, top.event)
    }

    /// Removes every entry, handing each to `body` in no particular order (when the queue
    /// changes its structure).
    @usableFromInline
    mutating func drain(_ body: (Int64, UInt64, consuming Event) -> Void) {
        for i in 0..<_count {
            let e = (heap + i).move()
            body(e.time, e.sequence, e.event)
        }
        _count = 0
    }

    /// Heap order holds everywhere. O(n): for tests and debug assertions only.
    func checkInvariants() -> Bool {
        for i in stride(from: 1, to: _count, by: 1) where heap[i].precedes(heap[(i - 1) / 2]) { return false }
        return true
    }
}
