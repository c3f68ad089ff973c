/// The pending-event list: a binary min-heap ordered by (time, sequence number).
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
/// branch unpredictably); see Benchmarks/README.md.
///
/// Invariant (checked by `checkInvariants()` in tests and debug assertions): every entry's key
/// is ≥ its parent's.
public struct EventQueue<Event>: ~Copyable {
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
    }

    @usableFromInline var heap: UnsafeMutablePointer<Entry>
    @usableFromInline var capacity: Int
    @usableFromInline var _count = 0

    @inlinable public init(capacity: Int = 64) {
        self.capacity = Swift.max(capacity, 1)
        heap = .allocate(capacity: self.capacity)
    }

    deinit {
        heap.deinitialize(count: _count)
        heap.deallocate()
    }

    @inlinable public var count: Int { _count }
    @inlinable public var isEmpty: Bool { _count == 0 }

    /// Time of the earliest entry, if any.
    @inlinable public var nextTime: Int64? { _count > 0 ? heap[0].time : nil }

    @inlinable public mutating func reserveCapacity(_ n: Int) { if n > capacity { grow(to: n) } }

    @usableFromInline mutating func grow(to n: Int) {
        let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: n)
        bigger.moveInitialize(from: heap, count: _count)
        heap.deallocate()
        heap = bigger
        capacity = n
    }

    @inlinable
    public mutating func push(time: Int64, sequence: UInt64, event: Event) {
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
    /// hot caller is `Kernel.next`.
    @inlinable @inline(__always)
    public mutating func pop() -> (time: Int64, sequence: UInt64, event: Event) {
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
                if right < n && heap[right].precedes(heap[child]) { child = right }
                if !heap[child].precedes(last) { break }
                (heap + hole).initialize(to: (heap + child).move())
                hole = child
            }
            (heap + hole).initialize(to: last)
        }
        return (top.time, top.sequence, top.event)
    }

    /// Heap order holds everywhere. O(n): for tests and debug assertions only.
    public func checkInvariants() -> Bool {
        for i in stride(from: 1, to: _count, by: 1) where heap[i].precedes(heap[(i - 1) / 2]) { return false }
        return true
    }
}
