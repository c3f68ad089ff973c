/// The bucket counts of a replication's histograms: `LatencyHistogram.bucketCount` per histogram,
/// in histogram order, in one flat table. What `ReplicationCollector` records into.
///
/// Each count is kept in two parts: its low 8 bits in a table of bytes, the one every record
/// touches, and the rest in a second table, touched when a low byte carries (once every 256
/// records into that bucket). The records land on buckets spread over a run's latencies, a few
/// hundred kilobytes of a design's histograms at 8 bytes a bucket: more than a core's own cache
/// keeps when other work shares the processor, so most records waited for a farther cache. At a
/// byte a bucket the table those records touch is an eighth of that (Benchmarks/README.md,
/// section 6, measures the difference).
///
/// Both tables are zero pages (`ZeroPages`): only pages of buckets recorded into are touched.
///
/// Invariant: `count(histogram: h, bucket: b)` is the number of `add(histogram: h, bucket: b)`
/// calls so far (modulo 2⁶⁴).
struct BucketCounts: ~Copyable {
    let low: UnsafeMutablePointer<UInt8>
    let high: UnsafeMutablePointer<UInt64>
    let lowPages: ZeroPages
    let highPages: ZeroPages

    /// Zero counts for `histograms` histograms (at least one table's worth is mapped).
    init(histograms: Int) {
        let buckets = Swift.max(1, histograms) * LatencyHistogram.bucketCount
        lowPages = ZeroPages(bytes: buckets * MemoryLayout<UInt8>.stride)
        highPages = ZeroPages(bytes: buckets * MemoryLayout<UInt64>.stride)
        low = lowPages.bound(to: UInt8.self, capacity: buckets)
        high = highPages.bound(to: UInt64.self, capacity: buckets)
    }

    deinit {
        lowPages.release()
        highPages.release()
    }

    /// Adds one to bucket `b` of histogram `h`. Wrapping index arithmetic: h and b are the
    /// collector's (`h` < the histograms, `b` < `LatencyHistogram.bucketCount`).
    @inline(__always)
    func add(histogram h: Int, bucket b: Int) {
        let i = h &* LatencyHistogram.bucketCount &+ b
        let count = low[i] &+ 1
        low[i] = count
        if count == 0 { high[i] &+= 1 }
    }

    /// Bucket `b` of histogram `h`.
    func count(histogram h: Int, bucket b: Int) -> UInt64 {
        let i = h * LatencyHistogram.bucketCount + b
        return high[i] &<< 8 | UInt64(low[i])
    }

    /// Buckets `range` of histogram `h`, in order: a window of thousands of buckets per
    /// histogram at each replication's end, joined in one pass the compiler vectorises.
    func counts(histogram h: Int, buckets range: ClosedRange<Int>) -> [UInt64] {
        let first = h * LatencyHistogram.bucketCount + range.lowerBound
        let lows = low + first
        let highs = high + first
        return [UInt64](unsafeUninitializedCapacity: range.count) { window, initialized in
            for k in 0..<range.count { window[k] = highs[k] &<< 8 | UInt64(lows[k]) }
            initialized = range.count
        }
    }
}
