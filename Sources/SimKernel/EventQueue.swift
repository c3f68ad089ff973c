/// The pending-event list: entries ordered by (time, sequence number), popped earliest first.
///
/// The sequence number is assigned at scheduling time and strictly increases, so events at the
/// same instant come out in the order they were scheduled (FIFO tie-break, as in SimPy and
/// OMNeT++). Keys are unique, so the order of pops is fixed by the entries alone: whichever
/// structure holds them cannot change a run's output.
///
/// Two structures, by the number of pending events (see Benchmarks/README.md, section 6):
/// - a `BinaryHeap` while few are pending (a queueing model's handful): cheapest there, but its
///   cost per operation grows with the logarithm of the count;
/// - a `CalendarQueue` from `calendarFrom` pending events (a fleet of thousands of instances,
///   each with a service end pending; thousands of client timers): a cost per operation that
///   does not grow with the count. Back to the heap below `heapBelow`; the gap between the two
///   keeps a count that hovers near one threshold from moving the entries back and forth.
///
/// Non-copyable, so each buffer has exactly one owner, which frees it.
public struct EventQueue<Event>: ~Copyable {
    /// Which structure holds the entries (the other one is empty).
    @usableFromInline
    enum Structure {
        case heap
        case calendar
    }

    /// Pending events from which the entries move to the calendar queue. Alone, the calendar
    /// queue is faster from about 30 pending events (`Benchmarks/hold.sh`); in capsim's event
    /// loop, with the model's own memory traffic, the heap still executes fewer instructions at
    /// 100 pending events (a pool of 100 instances at ρ = 0.98: 1,438 against 1,501 per event),
    /// and the calendar queue fewer at 300 (1,154 against 1,178).
    @usableFromInline static var calendarFrom: Int { 256 }
    /// Pending events below which they move back to the heap.
    @usableFromInline static var heapBelow: Int { 64 }

    @usableFromInline var structure = Structure.heap {
        didSet { heapRoom = structure == .heap ? Self.calendarFrom - 1 : 0 }
    }
    /// How many entries the heap may hold for a push to go to it directly: one below
    /// `calendarFrom` with the heap, 0 with the calendar queue (whose heap is empty). With it the
    /// hot paths test one count: a push `heap.count < heapRoom`, a pop `heap.count > 0`.
    @usableFromInline var heapRoom = Self.calendarFrom - 1
    @usableFromInline var heap = BinaryHeap<Event>()
    @usableFromInline var calendar = CalendarQueue<Event>()
    /// The calendar queue's earliest entry (its node), seen by the pop just made in the bucket
    /// it popped from, with no push since: `peek` then reads it without a search of its own.
    /// −1: not known.
    @usableFromInline var calendarNext: Int32 = -1
    /// The entries on their way from one structure to the other, kept between switches so that
    /// a count swinging across both thresholds allocates only the first time (empty between).
    @usableFromInline var moving: [(Int64, UInt64, Event)] = []

    @inlinable public init() {}

    @inlinable public var count: Int {
        switch structure {
        case .heap: heap.count
        case .calendar: calendar.count
        }
    }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// Time of the earliest entry, if any. Mutating: the calendar queue's scan moves on to it.
    @inlinable public var nextTime: Int64? {
        mutating get {
            heap.count > 0 ? heap.nextTime : calendar.count > 0 ? calendarNextTime() : nil
        }
    }

    /// The earliest entry's event, if any.
    @inlinable @inline(__always)
    public mutating func peek() -> Event? {
        heap.count > 0
            ? heap.heap[0].event
            : calendarNext >= 0 ? calendar.nodes[Int(calendarNext)].event : calendar.count > 0 ? calendarPeek() : nil
    }

    @usableFromInline @inline(never)
    mutating func calendarPeek() -> Event { calendar.nodes[Int(calendar.findMin())].event }

    /// The earliest entry's event when it is known without a search: the heap's top, or the
    /// calendar queue's entry the last pop saw next to it (`calendarNext`); nil otherwise. A
    /// hint for prefetching, called between a pop and the pushes its event makes: a search then
    /// would move the calendar's scan ahead to entries those pushes precede, and pull it back
    /// on each of them (with deterministic delays, re-sorting the same long buckets every event).
    @inlinable @inline(__always)
    public func peekIfKnown() -> Event? {
        heap.count > 0 ? heap.heap[0].event : calendarNext >= 0 ? calendar.nodes[Int(calendarNext)].event : nil
    }

    @inlinable public mutating func reserveCapacity(_ n: Int) { heap.reserveCapacity(Swift.min(n, Self.calendarFrom)) }

    /// The heap's operations are inlined into the kernel's; the calendar queue's are calls, so
    /// that the event loop of a model with few pending events stays as small as it was with the
    /// heap alone (with the calendar queue inlined too, M/M/1 ran ≈ 60 more instructions per
    /// event). A call costs little beside what the calendar queue saves from `calendarFrom` up.
    @inlinable @inline(__always)
    public mutating func push(time: Int64, sequence: UInt64, event: Event) {
        if heap.count < heapRoom {
            heap.push(time: time, sequence: sequence, event: event)
        } else {
            pushBeyondHeap(time: time, sequence: sequence, event: event)
        }
    }

    /// Removes and returns the earliest entry. Precondition: not empty. Always inlined: its one
    /// hot caller is `Kernel.next`.
    @inlinable @inline(__always)
    public mutating func pop() -> (time: Int64, sequence: UInt64, event: Event) {
        heap.count > 0 ? heap.pop() : calendarPop()
    }

    /// A push that fills the heap to `calendarFrom` (and moves the entries to the calendar
    /// queue), or a push to the calendar queue.
    @usableFromInline @inline(never)
    mutating func pushBeyondHeap(time: Int64, sequence: UInt64, event: Event) {
        switch structure {
        case .heap:
            heap.push(time: time, sequence: sequence, event: event)
            toCalendar()
        case .calendar:
            calendarNext = -1
            calendar.push(time: time, sequence: sequence, event: event)
        }
    }

    @usableFromInline @inline(never)
    mutating func calendarPop() -> (time: Int64, sequence: UInt64, event: Event) {
        assert(structure == .calendar, "pop from an empty event queue")
        calendarNext = -1
        let top = calendar.pop()
        if calendar.count < Self.heapBelow { toHeap() }
        return top
    }

    /// Removes and returns the earliest entry if there is one at or before `limit`; nil
    /// otherwise (the entries stay). One search of the calendar queue where `nextTime` then
    /// `pop()` would make two. Always inlined: its one hot caller is `Kernel.next`.
    @inlinable @inline(__always)
    public mutating func pop(notAfter limit: Int64) -> (time: Int64, sequence: UInt64, event: Event)? {
        if heap.count > 0 { return heap.heap[0].time <= limit ? heap.pop() : nil }
        return calendar.count > 0 ? calendarPop(notAfter: limit) : nil
    }

    @usableFromInline @inline(never)
    mutating func calendarPop(notAfter limit: Int64) -> (time: Int64, sequence: UInt64, event: Event)? {
        let h = calendarNext >= 0 ? calendarNext : calendar.findMin()
        guard calendar.nodes[Int(h)].time <= limit else {
            calendarNext = h
            return nil
        }
        let top = calendar.pop(head: h)
        if calendar.count < Self.heapBelow {
            calendarNext = -1
            toHeap()
        } else {
            // The next entry, for `peek` and the next pop, when it is in the bucket just popped
            // from. Not searched for further: the scan would move ahead of the entries the
            // popped event is about to schedule (see `peekIfKnown`).
            calendarNext = calendar.currentHead()
        }
        return top
    }

    @usableFromInline @inline(never)
    mutating func calendarNextTime() -> Int64? { calendar.nextTime }

    @usableFromInline
    mutating func toCalendar() {
        assert(structure == .heap && calendar.count == 0)
        var moved = takeMoving(capacity: heap.count)
        heap.drain { moved.append(($0, $1, $2)) }
        for (time, sequence, event) in moved { calendar.push(time: time, sequence: sequence, event: event) }
        giveBackMoving(&moved)
        // One bucket per entry, the smallest power of two that many.
        calendar.rebucket(buckets: Swift.max(2, 1 << (Int.bitWidth - (calendar.count - 1).leadingZeroBitCount)))
        structure = .calendar
    }

    @usableFromInline
    mutating func toHeap() {
        assert(structure == .calendar && heap.count == 0)
        var moved = takeMoving(capacity: calendar.count)
        calendar.drain { moved.append(($0, $1, $2)) }
        for (time, sequence, event) in moved { heap.push(time: time, sequence: sequence, event: event) }
        giveBackMoving(&moved)
        structure = .heap
    }

    /// `moving`, taken out of `self` (so a drain's closure may fill it while the structure it
    /// drains is mutated), empty, with room for `capacity` entries.
    @usableFromInline
    mutating func takeMoving(capacity: Int) -> [(Int64, UInt64, Event)] {
        var buffer: [(Int64, UInt64, Event)] = []
        swap(&buffer, &moving)
        buffer.reserveCapacity(capacity)
        return buffer
    }

    /// Empties `buffer` (keeping its room) and puts it back as `moving`.
    @usableFromInline
    mutating func giveBackMoving(_ buffer: inout [(Int64, UInt64, Event)]) {
        buffer.removeAll(keepingCapacity: true)
        swap(&buffer, &moving)
    }

    /// The structure in use keeps its invariants, and the other is empty. O(count): for tests
    /// and debug assertions only.
    public func checkInvariants() -> Bool {
        switch structure {
        case .heap: heap.checkInvariants() && calendar.count == 0
        case .calendar: calendar.checkInvariants() && heap.count == 0
        }
    }

    /// Whether the calendar queue holds the entries (for tests).
    public var usesCalendar: Bool { structure == .calendar }
}
