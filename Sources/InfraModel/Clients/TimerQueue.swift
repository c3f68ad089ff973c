import SimKernel

/// Timers of one fixed duration (a class's attempt timeout, or its deadline), kept out of the
/// event heap: since every timer in the queue lasts the same time and is started at the current
/// time, they expire in the order they were started, so a FIFO holds them and only its head
/// needs a kernel event. Most timers never fire (the attempt answers first): they are not
/// removed, but recognised as stale by their stamp when they reach the head — cancellation costs
/// nothing.
///
/// Invariant: expiries are non-decreasing from head to tail; at most one kernel event is
/// outstanding per queue (`armed`).
struct TimerQueue {
    struct Entry {
        var expiry: Int64
        /// A slab index (an attempt, or a client) and the stamp it had when the timer started.
        var index: Int32
        var stamp: UInt32
    }

    let duration: SimDuration
    private var entries: ContiguousArray<Entry> = []
    private var head = 0
    private(set) var armed = false

    init(duration: SimDuration) { self.duration = duration }

    var isEmpty: Bool { head == entries.count }
    var nextExpiry: Int64? { isEmpty ? nil : entries[head].expiry }

    /// Adds a timer expiring `duration` after `now`; returns true when the queue needs a kernel
    /// event for it (it was idle).
    mutating func start(now: SimTime, index: Int32, stamp: UInt32) -> Bool {
        // Compact when the consumed prefix dominates, so memory follows timers pending, not started.
        if head > 1024 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        entries.append(Entry(expiry: now.nanoseconds.saturatingAdd(duration.nanoseconds), index: index, stamp: stamp))
        if armed { return false }
        armed = true
        return true
    }

    /// Removes and returns the head if it has expired by `now`.
    mutating func popExpired(now: SimTime) -> Entry? {
        guard !isEmpty, entries[head].expiry <= now.nanoseconds else { return nil }
        head += 1
        return entries[head - 1]
    }

    /// After the queue's event fired and expired entries were popped: whether a new event is
    /// needed (for the new head), and when.
    mutating func rearm() -> Int64? {
        guard let t = nextExpiry else {
            armed = false
            return nil
        }
        armed = true
        return t
    }
}

/// What the timers of one queue are for.
enum TimerKind {
    /// A client's per-attempt timeout (index: the attempt).
    case attempt
    /// A client's deadline (index: the client).
    case deadline
    /// A caller's timeout on a watched call (index: the call's strand).
    case call
}
