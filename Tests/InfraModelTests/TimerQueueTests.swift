import SimKernel
import Testing

@testable import InfraModel

/// The timer queues' rings against a plain array used as a FIFO.
@Suite("Timer queues")
struct TimerQueueTests {
    @Test("starts and expiries match a FIFO, across the ring's wrap and growth, over 200 seeds")
    func againstFIFO() {
        for seed in UInt64(1)...200 {
            var g = SplitMix(seed: seed)
            func next() -> UInt64 { g.next() }
            var queues = TimerQueues()
            let durations: [Int64] = [5, 1 + Int64(next() % 50)]
            for d in durations { _ = queues.add(.nanoseconds(d), .attempt) }
            var expected: [[TimerQueue.Entry]] = [[], []]
            var now: Int64 = 0
            var stamp: UInt32 = 0
            // Bursts of starts then of expiries, so the ring both wraps and doubles.
            for _ in 0..<400 {
                now += Int64(next() % 4)
                let q = Int(next() % 2)
                if next() % 3 != 0 {
                    stamp &+= 1
                    let index = Int32(next() % 1_000)
                    let idle = expected[q].isEmpty && !queues[q].armed
                    let needsEvent = queues[q].start(now: SimTime(nanoseconds: now), index: index, stamp: stamp)
                    #expect(needsEvent == idle, "seed \(seed)")
                    expected[q].append(.init(expiry: now + durations[q], index: index, stamp: stamp))
                } else {
                    while let e = queues[q].popExpired(now: SimTime(nanoseconds: now)) {
                        let head = expected[q].removeFirst()
                        #expect(
                            (e.expiry, e.index, e.stamp) == (head.expiry, head.index, head.stamp),
                            "seed \(seed)")
                    }
                    #expect(expected[q].first.map { $0.expiry > now } ?? true, "seed \(seed): an expired timer stayed")
                    let rearmed = queues[q].rearm()
                    #expect(rearmed == expected[q].first?.expiry, "seed \(seed)")
                }
                #expect(queues[q].nextExpiry == expected[q].first?.expiry, "seed \(seed)")
            }
            queues.deallocate()
        }
    }
}
