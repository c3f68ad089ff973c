import Foundation
import InfraModel
import SimKernel
import Testing

@testable import SimStats

@Suite("LatencyHistogram")
struct LatencyHistogramTests {
    @Test("every bucket's range contains exactly the values mapped to it")
    func layout() {
        var previousEnd: UInt64 = 0
        for b in 0..<LatencyHistogram.bucketCount {
            let (low, width) = LatencyHistogram.range(of: b)
            #expect(low == previousEnd)  // buckets tile the range without gaps
            #expect(LatencyHistogram.bucket(low) == b)
            #expect(LatencyHistogram.bucket(low + width - 1) == b)
            // Relative width ≤ 1/1024 above the linear range.
            if low >= 2048 { #expect(Double(width) / Double(low) <= 1.0 / 1024 + 1e-12) }
            previousEnd = low + width
        }
        #expect(previousEnd == LatencyHistogram.highest + 1)
    }

    @Test("quantiles are within 0.05 % of the exact order statistic", arguments: [1, 2, 3])
    func quantileAccuracy(seed: UInt64) {
        var g = seed &* 0x2545_F491_4F6C_DD1D
        var values: [Int64] = []
        var h = LatencyHistogram()
        for _ in 0..<100_000 {
            g ^= g << 13
            g ^= g >> 7
            g ^= g << 17
            let u = Double(g >> 11) * 0x1p-53
            let v = Int64(-log(1 - u) * 10_000_000)  // exponential, mean 10 ms in ns
            values.append(v)
            h.record(.nanoseconds(v))
        }
        values.sort()
        for q in [0.5, 0.9, 0.99, 0.999] {
            let exact = Double(values[Int((q * Double(values.count)).rounded(.up)) - 1]) * 1e-9
            let estimate = h.quantile(q)
            #expect(abs(estimate - exact) <= exact * 0.0005 + 1e-9, "q=\(q): \(estimate) vs \(exact)")
        }
        #expect(h.maximumSeconds == Double(values.last!) / 1e9)
        let exactMean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count) * 1e-9
        #expect(abs(h.mean - exactMean) <= exactMean * 1e-12)
    }

    @Test("merging is exact and does not depend on order")
    func mergeOrder() {
        var parts = (0..<5).map { _ in LatencyHistogram() }
        for i in 0..<5_000 { parts[i % 5].record(.nanoseconds(Int64(i * 7919 % 100_003))) }
        var forward = LatencyHistogram()
        var backward = LatencyHistogram()
        for p in parts { forward.merge(p) }
        for p in parts.reversed() { backward.merge(p) }
        #expect(forward == backward)
        #expect(forward.count == 5_000)
    }

    @Test("each quantile is the middle of the bucket holding the ⌈q·n⌉-th value, over 300 seeds")
    func quantilesAgainstSortedValues() {
        let qs = [0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999]
        for seed in UInt64(1)...300 {
            var g = XorShift(seed: seed)
            func next() -> UInt64 { g.next() }
            // Few or many values, spread over a few buckets or many octaves, so windows of
            // every length meet the walk's blocks and their remainders.
            let n = 1 + Int(next() % 3_000)
            let octaves = 1 + next() % 30
            var values: [UInt64] = []
            var h = LatencyHistogram()
            for _ in 0..<n {
                let v = next() >> (64 - octaves)
                values.append(v)
                h.record(.nanoseconds(Int64(v)))
            }
            values.sort()
            let expected = qs.map { q -> Double in
                let v = values[Int((q * Double(n)).rounded(.up)) - 1]
                let (low, width) = LatencyHistogram.range(of: LatencyHistogram.bucket(v))
                let middle = low + (width - 1) / 2
                return Double(min(max(middle, values[0]), values[n - 1])) / 1e9
            }
            #expect(h.quantiles(qs) == expected, "seed \(seed)")
        }
    }

    @Test("merged histograms equal one that recorded every value, over 100 seeds")
    func mergeEqualsOneHistogram() {
        for seed in UInt64(1)...100 {
            var g = XorShift(seed: seed &* 0xD1B5_4A32_D192_ED03)
            func next() -> UInt64 { g.next() }
            var whole = LatencyHistogram()
            var merged = LatencyHistogram()
            for _ in 0..<4 {
                var part = LatencyHistogram()
                let octaves = 1 + next() % 36
                for _ in 0..<(next() % 500) {
                    let v = Int64(next() >> (64 - octaves))
                    part.record(.nanoseconds(v))
                    whole.record(.nanoseconds(v))
                }
                merged.merge(part)
            }
            #expect(merged.count == whole.count, "seed \(seed)")
            let qs = [0.5, 0.99]
            #expect(merged.quantiles(qs).map(\.bitPattern) == whole.quantiles(qs).map(\.bitPattern))
            // Windows may differ in their empty edges; the counts they hold do not.
            func count(_ h: LatencyHistogram, _ b: Int) -> UInt64 {
                b >= h.offset && b < h.offset + h.counts.count ? h.counts[b - h.offset] : 0
            }
            for b in 0..<LatencyHistogram.bucketCount where whole.count > 0 {
                let (a, e) = (count(merged, b), count(whole, b))
                if a != e {
                    Issue.record("seed \(seed): bucket \(b) holds \(a), expected \(e)")
                    break
                }
            }
        }
    }

    @Test("durations of hours, days and centuries have buckets of their own, 0.1 % wide")
    func longDurations() {
        #expect(LatencyHistogram.highest == UInt64(Int64.max))
        let days: [Int64] = [2 * 3_600, 3 * 86_400, 400 * 86_400]
        for seconds in days {
            var h = LatencyHistogram()
            h.record(.seconds(seconds))
            h.record(.seconds(seconds + seconds / 2000))
            let median = h.quantile(0.5)
            #expect(abs(median - Double(seconds)) / Double(seconds) <= 1.0 / 1024)
        }
        var h = LatencyHistogram()
        h.record(.nanoseconds(.max))
        h.record(.seconds(1))
        #expect(h.maximum == UInt64(Int64.max))
        let top = Double(Int64.max) / 1e9
        #expect(abs(h.quantile(0.99) - top) / top <= 1.0 / 1024)
        #expect(abs(h.quantile(0.5) - 1) <= 1.0 / 1024)
        #expect(h.maximumSeconds == top)
    }
}

/// Xorshift64 (Marsaglia's 13, 7, 17): a small deterministic generator for the property tests.
private struct XorShift {
    var state: UInt64
    /// `seed` ≠ 0 (zero is xorshift's fixed point).
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

@Suite("Tally and Student t")
struct TallyTests {
    @Test("merge equals adding everything to one tally")
    func merge() {
        let xs = (0..<1000).map { Double(($0 * 37) % 101) / 7 }
        var all = Tally()
        var a = Tally()
        var b = Tally()
        for x in xs { all.add(x) }
        for x in xs[..<300] { a.add(x) }
        for x in xs[300...] { b.add(x) }
        a.merge(b)
        #expect(a.count == all.count)
        #expect(abs(a.mean - all.mean) < 1e-12)
        #expect(abs(a.variance - all.variance) < 1e-9)
        #expect(a.min == all.min && a.max == all.max)
    }

    @Test("t quantiles match published tables")
    func tQuantiles() {
        #expect(abs(StudentT.critical95(degreesOfFreedom: 9) - 2.262157) < 1e-5)
        #expect(abs(StudentT.critical95(degreesOfFreedom: 1) - 12.706205) < 1e-5)
        #expect(abs(StudentT.critical95(degreesOfFreedom: 1000) - 1.962339) < 1e-5)
        #expect(StudentT.critical95(degreesOfFreedom: 0).isNaN)
        #expect(StudentT.quantile(1.5, degreesOfFreedom: 3).isNaN)
    }
}

@Suite("Level times and histogram moments")
struct LevelTimesTests {
    @Test("quantile, mean, shares, since and merge of level times, exactly")
    func levels() {
        let a = LevelTimes(nanoseconds: [4, 3, 2, 1, 0, 0])
        #expect(a.total == 10)
        #expect(a.mean == (0 * 4 + 1 * 3 + 2 * 2 + 3 * 1) / 10)
        #expect(a.shares == [0.4, 0.3, 0.2, 0.1])
        #expect(a.quantile(0.4) == 0)
        #expect(a.quantile(0.41) == 1)
        #expect(a.quantile(0.7) == 1)
        #expect(a.quantile(0.95) == 3)
        let earlier = LevelTimes(nanoseconds: [1, 1])
        #expect(a.since(earlier) == LevelTimes(nanoseconds: [3, 2, 2, 1, 0, 0]))
        var pooled = earlier
        pooled.merge(a)
        #expect(pooled == LevelTimes(nanoseconds: [5, 4, 2, 1, 0, 0]))
        #expect(LevelTimes().quantile(0.5).isNaN)
        #expect(LevelTimes().mean.isNaN)
        #expect(LevelTimes().shares.isEmpty)
    }

    @Test("a histogram's standard deviation and share above zero are exact")
    func moments() {
        var h = LatencyHistogram()
        for ns in [0, 0, 2_000, 4_000, 6_000] { h.record(.nanoseconds(Int64(ns))) }
        // mean 2400 ns; Σ(x − mean)² = 2·2400² + 400² + 1600² + 3600² = 27.2e6; / 4 = 6.8e6 ns².
        #expect(abs(h.standardDeviation - 6.8e6.squareRoot() * 1e-9) < 1e-15)
        #expect(h.positiveShare == 0.6)
        var other = LatencyHistogram()
        other.record(.nanoseconds(5))
        h.merge(other)
        #expect(abs(h.positiveShare - 4.0 / 6) < 1e-15)
        var single = LatencyHistogram()
        single.record(.nanoseconds(7))
        #expect(single.standardDeviation.isNaN)
        #expect(LatencyHistogram().positiveShare.isNaN)
    }
}
