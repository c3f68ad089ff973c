import SimKernel

/// A log-linear latency histogram with one fixed layout, so any two merge by adding counts.
///
/// Layout (the same for every histogram capsim makes): values are whole nanoseconds; below 2048 ns
/// every value has its own bucket; above, each power of two [2^e, 2^(e+1)) is cut into 1024 equal
/// buckets, so a bucket is at most 1/1024 ≈ 0.1 % of its values wide (HdrHistogram's three
/// significant digits). The top is 2^63 ns ≈ 292 years, so every duration capsim can express
/// (`SimDuration` is whole nanoseconds in an `Int64`) has its bucket: an outage of days, a
/// restore of hours, a recovery point of weeks are recorded as finely as a latency, never cut
/// at a ceiling. The layout's upper octaves cost nothing until a value lands there: the
/// collector's buffers are zero pages, and a histogram keeps only the window it uses.
///
/// Written by hand rather than taken from hdrhistogram-swift: recording is on the hot path (three
/// records per request and hop), and this layout records in a handful of instructions, and
/// answers every quantile of a report in one pass.
///
/// Storage is a window of the layout: `counts[i]` is bucket `offset + i`, and the window spans
/// the buckets from the smallest to the largest value recorded. A replication's histogram thus
/// takes memory in proportion to the spread of its latencies, not to the layout's 33,792 buckets.
///
/// Invariants: `count == counts.reduce(0, +)`; when `count > 0`, `minimum ≤ maximum` and the
/// window covers bucket(minimum) … bucket(maximum).
public struct LatencyHistogram: Sendable, Equatable {
    static let linearBits = 11
    static let linearCount = 1 << linearBits  // 2048 exact buckets
    static let subBuckets = 1 << (linearBits - 1)  // 1024 per octave above
    static let topExponent = 63
    /// Largest value tracked: 2^63 − 1 ns, `Int64.max`: every non-negative `SimDuration`.
    public static let highest: UInt64 = (1 << topExponent) - 1
    static let bucketCount = linearCount + (topExponent - linearBits) * subBuckets

    /// Count, exact sum, sum of squares, min and max of the recorded values: what a histogram
    /// keeps beside its buckets. Kept apart so the collector can record into its own flat buffers.
    struct Header: Sendable, Equatable {
        var count: UInt64 = 0
        var sum: Double = 0
        /// Σ v² in ns², for the standard deviation.
        var sumOfSquares: Double = 0
        var minimum: UInt64 = .max
        var maximum: UInt64 = 0
    }

    /// Bucket index of `counts[0]`.
    var offset = 0
    var counts: [UInt64] = []
    var header = Header()

    public var count: UInt64 { header.count }
    /// Exact smallest and largest recorded values (ns).
    public var minimum: UInt64 { header.minimum }
    public var maximum: UInt64 { header.maximum }
    /// Exact sum of the recorded values in ns, for an exact mean: the buckets
    /// would round it.
    public var sum: Double { header.sum }

    public init() {}

    /// The histogram a collector kept in a full-layout table: `header`, and the counts of
    /// buckets `window` (`window(lo..<hi)` gives buckets lo ..< hi), of which only those between
    /// the smallest and largest values are read: the others are zero.
    init(header: Header, window: (Range<Int>) -> [UInt64]) {
        self.header = header
        guard header.count > 0 else { return }
        let lo = Self.bucket(header.minimum)
        offset = lo
        counts = window(lo..<Self.bucket(header.maximum) + 1)
    }

    /// Widens the window to cover buckets `lo … hi`.
    private mutating func cover(_ lo: Int, _ hi: Int) {
        if counts.isEmpty {
            offset = lo
            counts = Array(repeating: 0, count: hi - lo + 1)
            return
        }
        if lo < offset {
            counts.insert(contentsOf: repeatElement(0, count: offset - lo), at: 0)
            offset = lo
        }
        if hi >= offset + counts.count {
            counts.append(contentsOf: repeatElement(0, count: hi - offset - counts.count + 1))
        }
    }

    /// Bucket of a value ≤ highest (any non-negative `Int64`).
    @inline(__always)
    static func bucket(_ v: UInt64) -> Int {
        if v < UInt64(linearCount) { return Int(v) }
        let exponent = 63 - v.leadingZeroBitCount  // ≥ 11
        let shift = exponent - (linearBits - 1)  // keeps the top 11 bits: 1024 ..< 2048
        return linearCount + (exponent - linearBits) * subBuckets + Int(v >> UInt64(shift)) - subBuckets
    }

    /// The lowest value and width of bucket `b`.
    static func range(of b: Int) -> (low: UInt64, width: UInt64) {
        if b < linearCount { return (UInt64(b), 1) }
        let octave = (b - linearCount) / subBuckets
        let offset = (b - linearCount) % subBuckets
        let shift = UInt64(octave + 1)
        return (UInt64(subBuckets + offset) << shift, 1 << shift)
    }

    /// Records one value into a header and returns the bucket whose count the caller adds 1 to
    /// (shared by `record(_:)` and the collector's flat buffers, so both record identically).
    @inline(__always)
    static func record(_ d: SimDuration, into header: inout Header) -> Int {
        let v = UInt64(Swift.max(d.nanoseconds, 0))
        let x = Double(v)
        header.sum += x
        header.sumOfSquares += x * x
        header.count &+= 1
        if v < header.minimum { header.minimum = v }
        if v > header.maximum { header.maximum = v }
        return bucket(v)
    }

    public mutating func record(_ d: SimDuration) {
        let b = Self.record(d, into: &header)
        cover(b, b)
        let i = b - offset
        // Unchecked in release builds (hot path); `cover(b, b)` puts bucket b in the window.
        counts.withUnsafeMutableBufferPointer { $0[i] &+= 1 }
    }

    /// The q-quantiles (each 0 < q < 1, ascending) in seconds, in one pass: for each, the middle
    /// of the bucket holding the ⌈q·n⌉-th smallest value, clamped to the exact min and max.
    /// NaN when empty.
    public func quantiles(_ qs: [Double]) -> [Double] {
        guard count > 0 else { return qs.map { _ in .nan } }
        var result: [Double] = []
        result.reserveCapacity(qs.count)
        var cumulative: UInt64 = 0
        var b = 0
        // Unchecked: the walk is a replication's largest set-up cost after the run (a window of
        // thousands of mostly empty buckets per histogram). It stops inside the window, since
        // rank ≤ count = Σ counts; and the sum never exceeds `count`, so `&+` cannot wrap.
        counts.withUnsafeBufferPointer { c in
            let n = c.count
            for q in qs {
                let rank = Swift.max(1, UInt64((q * Double(count)).rounded(.up)))
                precondition(rank <= count, "quantile \(q) outside (0, 1)")
                // Whole blocks first: a block's sum has no chain from one bucket to the next, so
                // the compiler adds it in vector registers; the bucket walk below then stays
                // inside the block that holds the rank (or the last, shorter one).
                while b &+ Self.walkBlock <= n {
                    var blockSum: UInt64 = 0
                    for k in 0..<Self.walkBlock { blockSum &+= c[b &+ k] }
                    if cumulative &+ blockSum >= rank { break }
                    cumulative &+= blockSum
                    b &+= Self.walkBlock
                }
                while cumulative &+ c[b] < rank {
                    cumulative &+= c[b]
                    b &+= 1
                }
                let (low, width) = Self.range(of: offset + b)
                let middle = low + (width - 1) / 2
                // Division (not × 1e-9) gives the shortest decimal text for whole nanoseconds.
                result.append(Double(Swift.min(Swift.max(middle, minimum), maximum)) / 1e9)
            }
        }
        return result
    }

    /// Buckets summed at a time by the quantile walk.
    static let walkBlock = 32

    public func quantile(_ q: Double) -> Double { quantiles([q])[0] }

    /// Exact mean of the recorded values in seconds; NaN when empty.
    public var mean: Double { count > 0 ? sum / Double(count) * 1e-9 : .nan }

    /// Sample standard deviation of the recorded values in seconds (n − 1 in the denominator), from
    /// the exact sum and sum of squares; NaN with fewer than two values.
    public var standardDeviation: Double {
        guard count > 1 else { return .nan }
        let n = Double(count)
        let mean = sum / n
        let variance = Swift.max(0, (header.sumOfSquares - n * mean * mean) / (n - 1))
        return variance.squareRoot() * 1e-9
    }

    /// The share of recorded values above zero (for a wait: the probability that a request
    /// waited at all); NaN when empty. Exact: zero has a bucket of its own.
    public var positiveShare: Double {
        guard count > 0 else { return .nan }
        let zeros = offset == 0 && !counts.isEmpty ? counts[0] : 0
        return Double(count - zeros) / Double(count)
    }

    /// Largest recorded value in seconds (exact); NaN when empty.
    public var maximumSeconds: Double { count > 0 ? Double(maximum) / 1e9 : .nan }

    /// Adds another histogram's counts. Counts are integers, so the result does not depend on
    /// the order of merging.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            // Nothing here yet: take other's window as it is (shared until either changes)
            // rather than zero a window and add into it.
            self = other
            return
        }
        cover(other.offset, other.offset + other.counts.count - 1)
        // `cover` put other's window inside this one. Wrapping adds, so the loop is a vector
        // add: no count can wrap, since all of them sum to the two histograms' total.
        let shift = other.offset - offset
        counts.withUnsafeMutableBufferPointer { into in
            other.counts.withUnsafeBufferPointer { from in
                for i in 0..<from.count { into[shift &+ i] &+= from[i] }
            }
        }
        header.count += other.count
        header.sum += other.sum
        header.sumOfSquares += other.header.sumOfSquares
        header.minimum = Swift.min(minimum, other.minimum)
        header.maximum = Swift.max(maximum, other.maximum)
    }
}
