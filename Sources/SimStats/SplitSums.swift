/// A table of 64-bit sums, each kept in two parts: its low bits (a `Low`) in a table every
/// addition touches, the rest in a table of 64-bit words touched only when a low part carries or
/// an added value does not fit in a `Low`. What `ReplicationCollector` records into: the
/// histograms' bucket counts (`Low` a byte: the rest is touched once per 256 records of a bucket)
/// and the slow-request breakdown's nanoseconds (`Low` 32 bits: once per 2³² ns, about 4.3 s,
/// added to a cell).
///
/// Why split: the records land on cells spread over a run's latencies, a few hundred kilobytes of
/// three-tier's histograms at 8 bytes a cell, more than a core's own cache keeps when other work
/// shares the processor, so most records waited for a farther cache. The table the records touch
/// is now an eighth (counts) or half (sums) of that (Benchmarks/README.md, section 6, twelfth
/// round, measures the difference).
///
/// Both tables are zero pages (`ZeroPages`): only pages of cells added to are touched.
///
/// Invariant: `value(i)` is the sum of the values `add(i, _)` was given, modulo 2⁶⁴.
struct SplitSums<Low: FixedWidthInteger & UnsignedInteger>: ~Copyable {
    let low: UnsafeMutablePointer<Low>
    let high: UnsafeMutablePointer<UInt64>
    let lowPages: ZeroPages
    let highPages: ZeroPages

    /// `cells` (≥ 1) zero sums.
    init(cells: Int) {
        precondition(Low.bitWidth < 64, "the low part is narrower than the sum")
        lowPages = ZeroPages(bytes: cells * MemoryLayout<Low>.stride)
        highPages = ZeroPages(bytes: cells * MemoryLayout<UInt64>.stride)
        low = lowPages.bound(to: Low.self, capacity: cells)
        high = highPages.bound(to: UInt64.self, capacity: cells)
    }

    deinit {
        lowPages.release()
        highPages.release()
    }

    /// Adds `value` to cell `i` (in range: not checked).
    @inline(__always)
    func add(_ i: Int, _ value: UInt64) {
        let (sum, carried) = low[i].addingReportingOverflow(Low(truncatingIfNeeded: value))
        low[i] = sum
        let up = (value &>> UInt64(Low.bitWidth)) &+ (carried ? 1 : 0)
        if up != 0 { high[i] &+= up }
    }

    /// Cell `i`.
    func value(_ i: Int) -> UInt64 { high[i] &<< UInt64(Low.bitWidth) | UInt64(low[i]) }

    /// Cells `range`, in order: a histogram's window of thousands of buckets at each
    /// replication's end, joined in one pass the compiler vectorises.
    func values(_ range: Range<Int>) -> [UInt64] {
        let lows = low + range.lowerBound
        let highs = high + range.lowerBound
        return [UInt64](unsafeUninitializedCapacity: range.count) { window, initialized in
            for k in 0..<range.count { window[k] = highs[k] &<< UInt64(Low.bitWidth) | UInt64(lows[k]) }
            initialized = range.count
        }
    }
}
