import InfraModel
import SimKernel
import Testing

@testable import SimStats

/// The collector's tables keep each count or sum in a small part every record touches and a
/// large part touched on a carry: the two together must give the exact totals, carries included.
@Suite("The collector's split sums")
struct CollectorTableTests {
    @Test("a count kept in bytes is exact across the low byte's carries, and cells stay apart")
    func byteCounts() {
        let counts = SplitSums<UInt8>(cells: 1_000)
        // 70,000 additions of 1 carry the low byte 273 times; the neighbours stay apart.
        for _ in 0..<70_000 { counts.add(500, 1) }
        for _ in 0..<255 { counts.add(0, 1) }
        for _ in 0..<256 { counts.add(999, 1) }
        for _ in 0..<257 { counts.add(501, 1) }
        #expect(counts.value(500) == 70_000)
        #expect(counts.value(0) == 255 && counts.value(999) == 256 && counts.value(501) == 257)
        #expect(counts.value(499) == 0 && counts.value(1) == 0)
        #expect(counts.values(499..<503) == [0, 70_000, 257, 0])
    }

    @Test("a sum kept in 32 bits is exact across the low half's carries and for values of 2³² and more")
    func wideSums() {
        let sums = SplitSums<UInt32>(cells: 3 * 10)
        var expected: [UInt64] = [0, 0, 0]
        // 3 s carries every other add; 10 s is beyond 32 bits on its own; 1 ns never carries.
        let times: [UInt64] = [3_000_000_000, 10_000_000_000, 1, UInt64(UInt32.max), 4_294_967_296]
        for k in 0..<1_000 {
            let cell = 21 + k % 3
            let t = times[k % times.count]
            sums.add(cell, t)
            expected[k % 3] &+= t
        }
        #expect(sums.values(21..<24) == expected)
        for c in 0..<3 { #expect(sums.value(21 + c) == expected[c], "cell \(21 + c)") }
        #expect(sums.value(20) == 0 && sums.value(24) == 0)
        sums.add(29, 5)
        #expect(sums.value(29) == 5)
    }

    @Test("a histogram the collector built has the counts of the same values recorded one by one")
    func collectorHistogram() {
        let spec = ModelSpec(
            stations: [StationSpec(name: "web", service: .exponential(mean: 0.001))],
            classes: [RequestClass(name: "default", path: [0])], arrivals: .poisson(rate: 500),
            window: RunWindow(warmup: .zero, horizon: SimTime.zero + .seconds(1), drain: .zero))
        let collector = ReplicationCollector(layout: MetricLayout(spec: spec))
        var plain = LatencyHistogram()
        // 300 values in one bucket (two carries of its low byte) and a spread of others.
        let values = Array(repeating: Int64(5_000_000), count: 300) + (1...2_000).map { Int64($0) * 7_919 }
        for v in values {
            collector.record(0, SimDuration(nanoseconds: v))
            plain.record(SimDuration(nanoseconds: v))
        }
        #expect(collector.histograms[0] == plain)
    }
}
