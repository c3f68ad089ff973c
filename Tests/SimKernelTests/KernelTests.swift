import Testing

@testable import SimKernel

@Suite("Kernel")
struct KernelTests {
    @Test("events come out in time order, ties in scheduling order")
    func ordering() {
        var k = Kernel<Int>()
        k.schedule(1, at: SimTime(nanoseconds: 30))
        k.schedule(2, at: SimTime(nanoseconds: 10))
        k.schedule(3, at: SimTime(nanoseconds: 30))
        k.schedule(4, at: SimTime(nanoseconds: 10))
        k.schedule(5, at: SimTime(nanoseconds: 20))
        var seen: [(Int, Int64)] = []
        while let e = k.next() { seen.append((e, k.now.nanoseconds)) }
        #expect(seen.map(\.0) == [2, 4, 5, 1, 3])
        #expect(seen.map(\.1) == [10, 10, 20, 30, 30])
        #expect(k.delivered == 5)
    }

    @Test("next(until:) stops at the limit and leaves later events pending")
    func until() {
        var k = Kernel<String>()
        k.schedule("a", at: SimTime(nanoseconds: 5))
        k.schedule("b", at: SimTime(nanoseconds: 10))
        k.schedule("c", at: SimTime(nanoseconds: 11))
        var seen: [String] = []
        while let e = k.next(until: SimTime(nanoseconds: 10)) { seen.append(e) }
        #expect(seen == ["a", "b"])
        #expect(k.pendingCount == 1)
        #expect(k.now == SimTime(nanoseconds: 10))
        #expect(k.next() == "c")
        #expect(k.next() == nil)
    }

    @Test("cancelled events are never delivered")
    func cancel() {
        var k = Kernel<Int>()
        let a = k.schedule(1, at: SimTime(nanoseconds: 1))
        k.schedule(2, at: SimTime(nanoseconds: 2))
        let c = k.schedule(3, at: SimTime(nanoseconds: 3))
        k.cancel(a)
        k.cancel(c)
        #expect(k.pendingCount == 1)
        #expect(k.next() == 2)
        #expect(k.next() == nil)
        #expect(k.pendingCount == 0)
    }

    @Test("schedule(after:) is relative to now")
    func relative() {
        var k = Kernel<Int>()
        k.schedule(1, after: .milliseconds(2))
        _ = k.next()
        k.schedule(2, after: .microseconds(5))
        _ = k.next()
        #expect(k.now.nanoseconds == 2_005_000)
    }

    /// Property test over many seeds: random interleavings of schedule, cancel and pop deliver
    /// exactly the non-cancelled events, sorted by (time, scheduling order), and the heap order
    /// holds after every operation.
    @Test("random operation sequences match a sorted reference", arguments: 0..<40)
    func property(seed: Int) {
        var rng = SplitMix(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        var k = Kernel<Int>()
        var reference: [(time: Int64, order: Int, id: EventID)] = []
        var delivered: [Int] = []
        var expected: [Int] = []
        var order = 0
        for _ in 0..<2_000 {
            let op = rng.next() % 10
            if op < 6 {
                let t = k.now.nanoseconds + Int64(rng.next() % 50)
                let id = k.schedule(order, at: SimTime(nanoseconds: t))
                reference.append((t, order, id))
                order += 1
            } else if op < 7, !reference.isEmpty {
                let i = Int(rng.next() % UInt64(reference.count))
                k.cancel(reference[i].id)
                reference.remove(at: i)
            } else if let e = k.next() {
                let first = reference.indices.min {
                    (reference[$0].time, reference[$0].order) < (reference[$1].time, reference[$1].order)
                }!
                expected.append(reference[first].order)
                reference.remove(at: first)
                delivered.append(e)
            }
            let heapOrdered = k.queue.checkInvariants()
            #expect(heapOrdered)
        }
        while let e = k.next() { delivered.append(e) }
        expected += reference.sorted { ($0.time, $0.order) < ($1.time, $1.order) }.map(\.order)
        #expect(delivered == expected)
    }
}

@Suite("Time")
struct TimeTests {
    @Test("durations round to the nearest nanosecond and never go negative")
    func rounding() {
        #expect(SimDuration(seconds: 1.5e-9).nanoseconds == 2)
        #expect(SimDuration(seconds: 1.4e-9).nanoseconds == 1)
        #expect(SimDuration(seconds: -3).nanoseconds == 0)
        #expect(SimDuration(seconds: .nan).nanoseconds == 0)
        #expect(SimDuration(seconds: 1e300).nanoseconds == .max)
        #expect(SimDuration(seconds: 0.25).nanoseconds == 250_000_000)
    }

    @Test("instants and durations combine by type")
    func arithmetic() {
        let t = SimTime(nanoseconds: 100) + .microseconds(1)
        #expect(t.nanoseconds == 1_100)
        #expect((t - SimTime(nanoseconds: 100)) == .microseconds(1))
        #expect(SimDuration.milliseconds(1500).description == "1500ms")
        #expect(SimDuration.seconds(120).description == "2m")
        #expect(SimDuration.nanoseconds(7).description == "7ns")
    }
}

/// A tiny deterministic generator for property tests (not the simulator's streams).
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
