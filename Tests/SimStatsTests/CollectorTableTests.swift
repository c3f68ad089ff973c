import InfraModel
import SimKernel
import Testing

@testable import SimStats

/// The collector's tables keep each count or sum in a small part every record touches and a
/// large part touched on a carry: the two together must give the exact totals, carries included.
@Suite("The collector's bucket counts and tail sums")
struct CollectorTableTests {
    @Test("a bucket's count is exact across the low byte's carries, and buckets stay apart")
    func bucketCounts() {
        let counts = BucketCounts(histograms: 3)
        let last = LatencyHistogram.bucketCount - 1
        // 70,000 records carry the low byte 273 times; the neighbours on either side stay apart.
        for _ in 0..<70_000 { counts.add(histogram: 1, bucket: 0) }
        for _ in 0..<255 { counts.add(histogram: 0, bucket: last) }
        for _ in 0..<256 { counts.add(histogram: 2, bucket: last) }
        for _ in 0..<257 { counts.add(histogram: 1, bucket: 1) }
        #expect(counts.count(histogram: 1, bucket: 0) == 70_000)
        #expect(counts.count(histogram: 0, bucket: last) == 255)
        #expect(counts.count(histogram: 2, bucket: last) == 256)
        #expect(counts.count(histogram: 1, bucket: 1) == 257)
        #expect(counts.count(histogram: 2, bucket: 0) == 0)
        #expect(counts.count(histogram: 1, bucket: last) == 0)
    }

    @Test("a tail cell's sum is exact across the low half's carries and for times of 2³² ns and more")
    func tailSums() {
        let tail = TailSums(stations: 3)
        var expected: [UInt64] = [0, 0, 0]
        // Times of 3 s carry every other add; 10 s is beyond 32 bits on its own; 1 ns never carries.
        let times: [UInt64] = [3_000_000_000, 10_000_000_000, 1, UInt64(UInt32.max), 4_294_967_296]
        for k in 0..<1_000 {
            let station = k % 3
            let t = times[k % times.count]
            tail.add(row: 7, station: station, t)
            expected[station] &+= t
        }
        for s in 0..<3 { #expect(tail.sum(row: 7, station: s) == expected[s], "station \(s)") }
        #expect(tail.sum(row: 6, station: 2) == 0 && tail.sum(row: 8, station: 0) == 0)
        // The last row's last cell is in the table.
        tail.add(row: LatencyHistogram.bucketCount - 1, station: 2, 5)
        #expect(tail.sum(row: LatencyHistogram.bucketCount - 1, station: 2) == 5)
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
