/// The pending-event list: a binary min-heap ordered by (time, sequence number).
///
/// The sequence number is assigned at scheduling time and strictly increases, so events at the
/// same instant come out in the order they were scheduled (FIFO tie-break, as in SimPy and
/// OMNeT++). The heap stores events by value in one contiguous buffer: once it has grown to the
/// run's peak size, pushing and popping allocate nothing.
///
/// Invariant (checked in debug builds by `checkInvariants()`): every entry's key is ≥ its parent's.
public struct EventQueue<Event> {
    @usableFromInline
    struct Entry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var event: Event

        @inlinable init(time: Int64, sequence: UInt64, event: Event) {
            self.time = time; self.sequence = sequence; self.event = event
        }

        @inlinable func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    @usableFromInline var entries: ContiguousArray<Entry> = []

    @inlinable public init() {}

    @inlinable public var count: Int { entries.count }
    @inlinable public var isEmpty: Bool { entries.isEmpty }

    /// Time of the earliest entry, if any.
    @inlinable public var nextTime: Int64? { entries.first?.time }

    @inlinable public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    @inlinable
    public mutating func push(time: Int64, sequence: UInt64, event: Event) {
        entries.append(Entry(time: time, sequence: sequence, event: event))
        entries.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            let item = heap[child]
            while child > 0 {
                let parent = (child - 1) >> 1
                if !item.precedes(heap[parent]) { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = item
        }
    }

    /// Removes and returns the earliest entry. Precondition: not empty.
    @inlinable
    public mutating func pop() -> (time: Int64, sequence: UInt64, event: Event) {
        let last = entries.removeLast()
        if entries.isEmpty { return (last.time, last.sequence, last.event) }
        return entries.withUnsafeMutableBufferPointer { heap in
            let top = heap[0]
            // Sift the former last entry down from the root, moving the hole instead of swapping.
            let n = heap.count
            var hole = 0
            while true {
                var child = 2 &* hole &+ 1
                if child >= n { break }
                let right = child &+ 1
                if right < n && heap[right].precedes(heap[child]) { child = right }
                if !heap[child].precedes(last) { break }
                heap[hole] = heap[child]
                hole = child
            }
            heap[hole] = last
            return (top.time, top.sequence, top.event)
        }
    }

    /// Heap order holds everywhere. O(n): for tests and debug assertions only.
    public func checkInvariants() -> Bool {
        for i in 1..<max(entries.count, 1) where entries[i].precedes(entries[(i - 1) / 2]) { return false }
        return true
    }
}
