import SimKernel

/// Timers of one fixed duration (a class's attempt timeout, or its deadline), kept out of the
/// event heap: since every timer in the queue lasts the same time and is started at the current
/// time, they expire in the order they were started, so a FIFO holds them and only its head
/// needs a kernel event. Most timers never fire (the attempt answers first): they are not
/// removed when their attempt ends — cancellation costs nothing — but recognised as stale by
/// their stamp, and dropped without an event when the queue re-arms (`Simulation.timersExpired`).
///
/// The FIFO is a ring in a buffer of its own (a power of two of entries), doubled when full and
/// never shrunk: once it has reached the run's peak of pending timers, starting and expiring
/// timers allocate nothing and pay no copy-on-write checks (a timer starts and expires for
/// nearly every request of a class with a timeout). The buffer belongs to the `TimerQueues`
/// holding the queue, which frees it (`deallocate()`); a copy of a queue must not be changed.
///
/// Invariant: expiries are non-decreasing from head to tail; at most one kernel event is
/// outstanding per queue (`armed`); 0 ≤ `count` ≤ `mask` + 1.
struct TimerQueue {
    struct Entry {
        var expiry: Int64
        /// A slab index (an attempt, or a client) and the stamp it had when the timer started.
        var index: Int32
        var stamp: UInt32
    }

    let duration: SimDuration
    /// Room for `mask + 1` entries; the pending ones are at `head`, `head + 1`, … (mod `mask + 1`).
    private var ring: UnsafeMutablePointer<Entry>
    private var mask: Int
    private var head = 0
    private var count = 0
    private(set) var armed = false

    init(duration: SimDuration) {
        self.duration = duration
        mask = 15
        ring = .allocate(capacity: mask + 1)
    }

    /// Frees the ring (entries are plain values: nothing to deinitialise).
    func deallocate() { ring.deallocate() }

    var isEmpty: Bool { count == 0 }
    var nextExpiry: Int64? { isEmpty ? nil : ring[head].expiry }

    /// Adds a timer expiring `duration` after `now`; returns true when the queue needs a kernel
    /// event for it (it was idle).
    mutating func start(now: SimTime, index: Int32, stamp: UInt32) -> Bool {
        if count > mask { grow() }
        let entry = Entry(expiry: now.nanoseconds.saturatingAdd(duration.nanoseconds), index: index, stamp: stamp)
        (ring + ((head &+ count) & mask)).initialize(to: entry)
        count &+= 1
        if armed { return false }
        armed = true
        return true
    }

    /// Removes and returns the head if it has expired by `now`.
    mutating func popExpired(now: SimTime) -> Entry? {
        guard let entry = first, entry.expiry <= now.nanoseconds else { return nil }
        removeFirst()
        return entry
    }

    /// The head, expired or not.
    var first: Entry? { count > 0 ? ring[head] : nil }

    /// Removes the head (expired, or a stale timer dropped before its expiry). Precondition: not
    /// empty.
    mutating func removeFirst() {
        precondition(count > 0, "removeFirst from an empty timer queue")
        head = (head &+ 1) & mask
        count &-= 1
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

    /// Twice the room, the pending entries moved to its start in order.
    private mutating func grow() {
        let room = 2 * (mask + 1)
        let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: room)
        for i in 0..<count { (bigger + i).initialize(to: ring[(head &+ i) & mask]) }
        ring.deallocate()
        (ring, mask, head) = (bigger, room - 1, 0)
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
