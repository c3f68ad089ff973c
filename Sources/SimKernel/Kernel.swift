/// Identifies a scheduled event so it can be cancelled. Equal to the event's sequence number.
public struct EventID: Hashable, Sendable {
    public let sequence: UInt64
    @inlinable init(sequence: UInt64) { self.sequence = sequence }
}

/// The simulation kernel: a clock and a pending-event list — schedule, cancel, step.
///
/// Like SimPy's `Environment`, the kernel knows nothing of models. It is generic over the
/// model's event type (an enum dispatched by the model's own `switch`), and the model drives it:
///
/// ```swift
/// while let event = kernel.next(until: horizon) { handle(event) }
/// ```
///
/// Invariants (checked in debug builds):
/// - time never goes backwards: every popped event has `time ≥ now`, and nothing may be scheduled
///   in the past;
/// - events at the same instant are delivered in the order they were scheduled;
/// - a cancelled event is never delivered (cancellation is lazy: the entry stays in the heap and is
///   skipped when it reaches the top).
///
/// A non-copyable value type on purpose: the hot loop mutates it in place without reference
/// counting or exclusivity checks on class properties, and its event buffer has one owner.
public struct Kernel<Event>: ~Copyable {
    /// The current simulated time: the time of the event being handled.
    @inlinable public var now: SimTime { SimTime(nanoseconds: clock) }
    @usableFromInline var clock: Int64 = 0
    @usableFromInline var queue = EventQueue<Event>()
    @usableFromInline var nextSequence: UInt64 = 0
    /// Sequence numbers of cancelled events still in the heap. Looked up only, never iterated.
    @usableFromInline var cancelled: Set<UInt64> = []
    /// Events delivered so far (for trajectory fingerprints and events/s measurements).
    @inlinable public var delivered: UInt64 { deliveredCount }
    @usableFromInline var deliveredCount: UInt64 = 0

    @inlinable public init() {}

    /// Number of events scheduled and neither delivered nor cancelled.
    @inlinable public var pendingCount: Int { queue.count - cancelled.count }

    @inlinable public mutating func reserveCapacity(_ n: Int) { queue.reserveCapacity(n) }

    /// Schedules `event` at instant `time` (≥ `now`). Always inlined (with the queue's `push`):
    /// most events schedule the next, and as a call it cost M/M/1 ≈ 5 instructions per event
    /// and 1–4 % of the queueing models' CPU time (Benchmarks/README.md, section 6).
    @inlinable @inline(__always) @discardableResult
    public mutating func schedule(_ event: Event, at time: SimTime) -> EventID {
        assert(time >= now, "scheduling in the past: \(time) < \(now)")
        let sequence = nextSequence
        nextSequence &+= 1
        queue.push(time: time.nanoseconds, sequence: sequence, event: event)
        return EventID(sequence: sequence)
    }

    /// Schedules `event` after `delay` (≥ 0) from now.
    @inlinable @discardableResult
    public mutating func schedule(_ event: Event, after delay: SimDuration) -> EventID {
        schedule(event, at: now + delay)
    }

    /// Cancels a pending event. Cancelling an event already delivered or cancelled is a bug
    /// (the model must track what it scheduled); it is caught in debug builds.
    @inlinable public mutating func cancel(_ id: EventID) {
        assert(id.sequence < nextSequence, "cancelling an event never scheduled")
        let inserted = cancelled.insert(id.sequence).inserted
        assert(inserted, "event cancelled twice")
    }

    /// Advances the clock to the next event at or before `limit` and returns it, or returns nil
    /// (leaving the clock where it is) when no event remains at or before `limit`.
    /// Always inlined (with the queue's `pop`) into the model's event loop, its one caller there:
    /// as calls they cost ≈ 35 instructions per event in prologues, epilogues and the optional's
    /// round trip through memory.
    @inlinable @inline(__always)
    public mutating func next(until limit: SimTime = .distantFuture) -> Event? {
        while let entry = queue.pop(notAfter: limit.nanoseconds) {
            if !cancelled.isEmpty, cancelled.remove(entry.sequence) != nil { continue }
            assert(entry.time >= now.nanoseconds, "time went backwards")
            clock = entry.time
            deliveredCount &+= 1
            return entry.event
        }
        return nil
    }

    /// The event `next` would deliver now, cancelled or not, without delivering it: for a model
    /// that prefetches the state the next event will read.
    @inlinable @inline(__always) public var upcoming: Event? { mutating get { queue.peek() } }

    /// `upcoming` when the queue knows it without a search (`EventQueue.peekIfKnown`), else
    /// nil: for prefetching between delivering an event and handling it.
    @inlinable @inline(__always) public var upcomingIfKnown: Event? { queue.peekIfKnown() }

    /// Moves the clock forward to `time` without delivering anything (used to end a run at
    /// exactly the horizon). Precondition: no pending event precedes `time`.
    @inlinable public mutating func advance(to time: SimTime) {
        assert(time >= now, "time went backwards")
        clock = time.nanoseconds
    }
}
