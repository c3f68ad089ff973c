/// The slow-request breakdown's table (`ReplicationCollector.beyondQuantile`): for each bucket of
/// the end-to-end latency histogram (a row) and each station (a column), the nanoseconds the
/// successful requests of that latency spent at the station.
///
/// Each sum is kept in two parts, as `BucketCounts` keeps its counts: its low 32 bits in the
/// table every request's record touches, the rest in a second table, touched only when a low
/// half carries (once per 2³² ns, about 4.3 s, added to a cell) or a single time reaches 2³² ns.
/// A record touches the row of its request's latency, and the rows a run's latencies span are
/// the collector's largest working set after the histograms' buckets: half-width cells keep
/// twice as many of them in a core's own cache (Benchmarks/README.md, section 6).
///
/// Both tables are zero pages: only the rows of latencies that occur are ever touched.
///
/// Invariant: `sum(row: r, station: s)` is the sum of the values `add` was given for (r, s),
/// modulo 2⁶⁴.
struct TailSums: ~Copyable {
    let stations: Int
    let low: UnsafeMutablePointer<UInt32>
    let high: UnsafeMutablePointer<UInt64>
    let lowPages: ZeroPages
    let highPages: ZeroPages

    /// Zero sums for `LatencyHistogram.bucketCount` rows of `stations` (≥ 1) columns.
    init(stations: Int) {
        self.stations = stations
        let cells = LatencyHistogram.bucketCount * Swift.max(1, stations)
        lowPages = ZeroPages(bytes: cells * MemoryLayout<UInt32>.stride)
        highPages = ZeroPages(bytes: cells * MemoryLayout<UInt64>.stride)
        low = lowPages.bound(to: UInt32.self, capacity: cells)
        high = highPages.bound(to: UInt64.self, capacity: cells)
    }

    deinit {
        lowPages.release()
        highPages.release()
    }

    /// Adds `nanoseconds` to the cell of latency bucket `row` and station `station` (both in
    /// range: wrapping index arithmetic).
    @inline(__always)
    func add(row: Int, station: Int, _ nanoseconds: UInt64) {
        let i = row &* stations &+ station
        let (sum, carried) = low[i].addingReportingOverflow(UInt32(truncatingIfNeeded: nanoseconds))
        low[i] = sum
        let up = (nanoseconds &>> 32) &+ (carried ? 1 : 0)
        if up != 0 { high[i] &+= up }
    }

    /// The cell of latency bucket `row` and station `station`.
    func sum(row: Int, station: Int) -> UInt64 {
        let i = row * stations + station
        return high[i] &<< 32 | UInt64(low[i])
    }
}
