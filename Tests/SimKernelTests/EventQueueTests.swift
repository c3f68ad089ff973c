import Testing

@testable import SimKernel

/// The pending-event list pops exactly in (time, sequence) order whichever structure holds the
/// entries, and `peek` and `pop(notAfter:)` agree with it: checked against a plain sorted
/// reference over many seeds, through the switches between the binary heap and the calendar
/// queue, and on the inputs a calendar queue handles worst (ties at one instant, far-future
/// outliers, times at the end of the representable range).
@Suite("Event queue")
struct EventQueueTests {
    /// A reference with the same contract, the earliest (time, sequence) first: an array kept
    /// sorted latest first, so a pop takes its last element.
    struct Reference {
        var entries: [(time: Int64, sequence: UInt64)] = []
        mutating func push(_ time: Int64, _ sequence: UInt64) {
            var low = 0
            var high = entries.count
            while low < high {
                let mid = (low + high) / 2
                if (entries[mid].time, entries[mid].sequence) > (time, sequence) { low = mid + 1 } else { high = mid }
            }
            entries.insert((time, sequence), at: low)
        }
        mutating func pop() -> (time: Int64, sequence: UInt64) { entries.removeLast() }
    }

    /// How the property test draws the delay of a new entry.
    enum Spacing: CaseIterable {
        /// Exponential-like gaps over a wide range (a fleet's service ends).
        case spread
        /// A handful of distinct delays: many ties.
        case ties
        /// Mostly short delays with rare ones a million times longer (timers far ahead).
        case outliers
        /// Delays that reach `Int64.max` (`SimTime.distantFuture`), where windows overflow.
        case extreme
    }

    static func delay(_ spacing: Spacing, now: Int64, _ rng: inout SplitMix) -> Int64 {
        switch spacing {
        case .spread:
            return Int64(rng.next() % 1_000_000) * Int64(rng.next() % 4 + 1)
        case .ties:
            return Int64(rng.next() % 4) * 1_000
        case .outliers:
            return rng.next() % 100 == 0 ? Int64(rng.next() % 1_000_000_000_000) : Int64(rng.next() % 1_000)
        case .extreme:
            let room = Int64.max - now
            switch rng.next() % 4 {
            case 0: return room
            case 1: return room - Int64(rng.next() % 1_000)
            default: return Int64(rng.next() % 1_000_000)
            }
        }
    }

    /// Pending counts that rise through the heap-to-calendar threshold to a few thousand and
    /// fall back below the calendar-to-heap one, twice per run.
    @Test(
        "random pushes and pops match a sorted reference, through both structures",
        arguments: Spacing.allCases, 0..<12)
    func property(spacing: Spacing, seed: Int) {
        var rng = SplitMix(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 7)
        var queue = EventQueue<UInt64>()
        var reference = Reference()
        var now: Int64 = 0
        var sequence: UInt64 = 0
        var usedCalendar = false
        var usedHeapAgain = false
        var operations = 0
        for phase in 0..<4 {
            let growing = phase % 2 == 0
            let target = growing ? 2_000 + Int(rng.next() % 2_000) : Int(rng.next() % 8)
            while growing ? queue.count < target : queue.count > target {
                operations += 1
                // Growing: 3 pushes in 4 operations; shrinking: 1 in 4.
                let push = queue.isEmpty || (rng.next() % 4 < (growing ? 3 : 1))
                if push {
                    let time = now + Swift.min(Self.delay(spacing, now: now, &rng), Int64.max - now)
                    queue.push(time: time, sequence: sequence, event: sequence)
                    reference.push(time, sequence)
                    sequence += 1
                } else {
                    let expected = reference.pop()
                    // (The queue is non-copyable: its answers are taken out before `#expect`.)
                    let nextTime = queue.nextTime
                    let peeked = queue.peek()
                    #expect(nextTime == expected.time)
                    #expect(peeked == expected.sequence)
                    // Half the pops as the kernel makes them, `pop(notAfter:)`: first with a
                    // limit just before the earliest entry (nothing comes out), then at it.
                    let popped: (time: Int64, sequence: UInt64, event: UInt64)
                    if rng.next() % 2 == 0 {
                        if expected.time > 0 {
                            let early = queue.pop(notAfter: expected.time - 1)
                            #expect(early == nil)
                        }
                        guard let p = queue.pop(notAfter: expected.time) else {
                            Issue.record("pop(notAfter:) found nothing at the earliest entry's time")
                            return
                        }
                        popped = p
                    } else {
                        popped = queue.pop()
                    }
                    #expect(popped.time == expected.time && popped.sequence == expected.sequence)
                    #expect(popped.event == expected.sequence)
                    if popped.time != expected.time || popped.sequence != expected.sequence { return }
                    now = popped.time
                }
                usedCalendar = usedCalendar || queue.usesCalendar
                usedHeapAgain = usedHeapAgain || (usedCalendar && !queue.usesCalendar)
                if operations % 101 == 0 {
                    let intact = queue.checkInvariants()
                    #expect(intact)
                }
            }
            let intact = queue.checkInvariants()
            #expect(intact)
        }
        #expect(usedCalendar && usedHeapAgain)
        while !queue.isEmpty {
            let expected = reference.pop()
            let popped = queue.pop()
            #expect(popped.time == expected.time && popped.sequence == expected.sequence)
        }
        let nextTime = queue.nextTime
        let peeked = queue.peek()
        #expect(nextTime == nil && peeked == nil)
    }

    @Test("the calendar queue takes over from 256 pending events and hands back below 64")
    func switches() {
        var queue = EventQueue<Int>()
        for i in 0..<255 { queue.push(time: Int64(i) * 10, sequence: UInt64(i), event: i) }
        var states = [(queue.usesCalendar, queue.count)]
        queue.push(time: 2_550, sequence: 255, event: 255)
        states.append((queue.usesCalendar, queue.count))
        var popped = (0..<192).map { _ in queue.pop().event }
        states.append((queue.usesCalendar, queue.count))
        popped.append(queue.pop().event)
        states.append((queue.usesCalendar, queue.count))
        let intact = queue.checkInvariants()
        while !queue.isEmpty { popped.append(queue.pop().event) }
        #expect(states.map(\.0) == [false, true, true, false])
        #expect(states.map(\.1) == [255, 256, 64, 63])
        #expect(intact)
        #expect(popped == Array(0..<256))
    }

    /// 20,000 entries at one instant come out in the order they were pushed, interleaved with
    /// later pushes at the same instant (a fleet's health checks all due at once). The bucket
    /// that holds them is sorted once, by a merge sort, not by insertion.
    @Test("a count swinging across both thresholds moves its entries through one buffer, allocated once")
    func switchesReuseTheBuffer() {
        var queue = EventQueue<UInt64>()
        var sequence: UInt64 = 0
        var buffers: [UnsafeRawPointer?] = []
        for _ in 0..<3 {
            while !queue.usesCalendar {
                queue.push(time: Int64(sequence), sequence: sequence, event: sequence)
                sequence += 1
            }
            while queue.usesCalendar { _ = queue.pop() }
            let moving = queue.moving
            #expect(moving.isEmpty && moving.capacity >= EventQueue<UInt64>.calendarFrom)
            buffers.append(moving.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) })
        }
        #expect(buffers[0] != nil && buffers.allSatisfy { $0 == buffers[0] })
    }

    @Test("ties at one instant come out in push order")
    func ties() {
        var queue = EventQueue<Int>()
        var sequence: UInt64 = 0
        for i in 0..<20_000 {
            queue.push(time: 5_000_000_000, sequence: sequence, event: i)
            sequence += 1
        }
        let usesCalendar = queue.usesCalendar
        #expect(usesCalendar)
        var next = 0
        var late = 20_000
        while !queue.isEmpty {
            let e = queue.pop()
            #expect(e.time == 5_000_000_000)
            #expect(e.event == next)
            next += 1
            if next % 1_000 == 0 && late < 21_000 {
                // Pushed now at the same instant: after everything pending.
                queue.push(time: 5_000_000_000, sequence: sequence, event: late)
                sequence += 1
                late += 1
            }
        }
        #expect(next == late)
    }

    @Test("a push before the scan's window is found first")
    func pushBehindTheScan() {
        var queue = EventQueue<Int>()
        for i in 0..<400 { queue.push(time: 1_000_000 + Int64(i) * 1_000, sequence: UInt64(i), event: i) }
        // Peeking moves the calendar's scan forward to the earliest entry, 1 ms ahead.
        let peekedTime = queue.nextTime
        let usesCalendar = queue.usesCalendar
        queue.push(time: 10, sequence: 400, event: 400)
        let intact = queue.checkInvariants()
        let first = queue.pop().event
        let second = queue.pop().event
        #expect(peekedTime == 1_000_000 && usesCalendar)
        #expect(intact)
        #expect(first == 400 && second == 0)
    }

    @Test("peekIfKnown, between a pop and the pushes its event makes, is nil or the earliest entry")
    func peekIfKnown() {
        var queue = EventQueue<Int>()
        var rng = SplitMix(state: 11)
        var known = 0
        var next = 0
        // Arrivals a few ns apart, each with an event 0.5 ms later (a deterministic delay): the
        // pattern whose eager search, before the arrival's pushes, pulled the scan back and forth.
        queue.push(time: 0, sequence: 0, event: 0)
        var sequence: UInt64 = 1
        for _ in 0..<20_000 {
            let (now, _, event) = queue.pop(notAfter: .max)!
            // As the model's prefetch asks it: after the pop, before the event is handled.
            if let hint = queue.peekIfKnown() {
                known += 1
                #expect(hint == queue.peek())
            }
            if event % 2 == 0 {
                next += 2
                queue.push(time: now + Int64(rng.next() % 4), sequence: sequence, event: next)
                queue.push(time: now + 500_000, sequence: sequence + 1, event: next + 1)
                sequence += 2
            }
        }
        #expect(queue.usesCalendar && queue.checkInvariants())
        // A fleet's pattern: 2,000 pending, each pop pushing one entry a random time ahead. The
        // next entry is then mostly in the bucket just popped from, and known.
        var fleet = EventQueue<Int>()
        for i in 0..<2_000 { fleet.push(time: Int64(rng.next() % 1_000_000), sequence: UInt64(i), event: i) }
        known = 0
        for i in 2_000..<22_000 {
            let (now, _, _) = fleet.pop(notAfter: .max)!
            if let hint = fleet.peekIfKnown() {
                known += 1
                #expect(hint == fleet.peek())
            }
            fleet.push(time: now + Int64(rng.next() % 1_000_000), sequence: UInt64(i), event: i)
        }
        #expect(known > 10_000, "\(known) of 20,000 hints")
    }

    @Test("entries at the end of time come out last, in push order")
    func endOfTime() {
        var queue = EventQueue<Int>()
        var sequence: UInt64 = 0
        for i in 0..<200 {
            queue.push(time: i % 2 == 0 ? .max : .max - Int64(i), sequence: sequence, event: i)
            sequence += 1
        }
        for i in 0..<200 {
            queue.push(time: Int64(i), sequence: sequence, event: 200 + i)
            sequence += 1
        }
        let usesCalendar = queue.usesCalendar
        var popped: [(Int64, Int)] = []
        while !queue.isEmpty {
            let e = queue.pop()
            popped.append((e.time, e.event))
        }
        var expected: [(Int64, Int)] = (0..<200).map { (Int64($0), 200 + $0) }
        for i in stride(from: 199, to: 0, by: -2) { expected.append((Int64.max - Int64(i), i)) }
        for i in stride(from: 0, to: 200, by: 2) { expected.append((Int64.max, i)) }
        #expect(usesCalendar)
        #expect(popped.map { $0.0 } == expected.map { $0.0 })
        #expect(popped.map { $0.1 } == expected.map { $0.1 })
    }

    @Test("upcoming is the event next delivers")
    func upcoming() {
        var k = Kernel<Int>()
        let none = k.upcoming
        #expect(none == nil)
        var rng = SplitMix(state: 3)
        for i in 0..<500 { k.schedule(i, at: SimTime(nanoseconds: Int64(rng.next() % 1_000_000))) }
        var peeked: [Int] = []
        var delivered: [Int] = []
        while let upcoming = k.upcoming, let event = k.next() {
            peeked.append(upcoming)
            delivered.append(event)
        }
        let after = k.next()
        #expect(delivered.count == 500 && peeked == delivered && after == nil)
    }
}
