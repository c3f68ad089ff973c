import InfraModel

/// One replication's result as bytes and back, bit for bit: what a shard file holds per task
/// (README "Scale-out"), so that results merged from files give the reports a single run gives.
///
/// Kept: the metric values (as double bit patterns), every histogram whole — its window of
/// bucket counts, exact count, sum, sum of squares, minimum and maximum — the
/// level times of the distributions, and the run's outcome (events, arrivals, how requests
/// ended, fingerprint, whether it stopped early). Not kept: the time series rows (`windows`),
/// which sharded runs do not make.
///
/// Layout (version `version`): varints for counts and whole numbers, 8 bytes little-endian for
/// doubles and the fingerprint; a histogram's counts as varints with runs of empty buckets
/// written as 0 and the run's length, so a histogram takes bytes in proportion to its occupied
/// buckets. Decoding checks every length and a histogram's counts against its total, so a
/// damaged record is an error, never a crash.
public enum ReplicationCodec {
    /// Bumped whenever the layout of a record changes.
    public static let version = 2

    /// The fixed histogram layout every record's histograms use (`LatencyHistogram`), named
    /// in shard manifests so that files of a capsim with another layout are refused.
    public static let histogramLayout: [(key: String, value: Int)] = [
        ("exact_below_ns", LatencyHistogram.linearCount),
        ("buckets_per_octave", LatencyHistogram.subBuckets),
        ("top_exponent", LatencyHistogram.topExponent),
        ("buckets", LatencyHistogram.bucketCount),
    ]

    public static func encode(_ r: ReplicationResult, into w: inout ByteWriter) {
        w.varint(r.replication)
        w.varint(r.values.count)
        for v in r.values { w.double(v) }
        w.varint(r.histograms.count)
        for h in r.histograms { encode(h, into: &w) }
        w.varint(r.distributions.count)
        for d in r.distributions {
            w.varint(d.nanoseconds.count)
            for t in d.nanoseconds { w.double(t) }
        }
        let o = r.outcome
        w.varint(o.events)
        w.varint(o.arrivals)
        w.varint(o.successes)
        w.varint(o.errors.count)
        for e in o.errors { w.varint(e) }
        w.fixed64(o.fingerprint)
        w.byte((o.unstable ? 1 : 0) | (o.eventLimitReached ? 2 : 0))
        w.varint(r.measuredEnded)
        w.varint(r.measuredSuccesses)
    }

    static func encode(_ h: LatencyHistogram, into w: inout ByteWriter) {
        w.varint(h.header.count)
        w.double(h.header.sum)
        w.double(h.header.sumOfSquares)
        w.varint(h.header.minimum)
        w.varint(h.header.maximum)
        w.varint(h.offset)
        w.varint(h.counts.count)
        var i = 0
        while i < h.counts.count {
            if h.counts[i] != 0 {
                w.varint(h.counts[i])
                i += 1
                continue
            }
            var run = 0
            while i < h.counts.count, h.counts[i] == 0 {
                run += 1
                i += 1
            }
            w.varint(0)
            w.varint(run)
        }
    }

    /// Reads one record; `metrics`, `histograms` and `distributions` are the layout's counts,
    /// which the record must match.
    public static func decode(
        _ r: inout ByteReader, metrics: Int, histograms: Int, distributions: Int
    ) throws(ByteReader.Failure) -> ReplicationResult {
        let replication = try r.count("replication index", limit: Int(Int32.max))
        let valueCount = try r.count("metric count", limit: r.remaining / 8)
        guard valueCount == metrics else {
            throw r.failure("replication \(replication) has \(valueCount) metrics, the design \(metrics)")
        }
        var values: [Double] = []
        values.reserveCapacity(valueCount)
        for _ in 0..<valueCount { values.append(try r.double("a metric value")) }
        let histogramCount = try r.count("histogram count", limit: r.remaining)
        guard histogramCount == histograms else {
            throw r.failure("replication \(replication) has \(histogramCount) histograms, the design \(histograms)")
        }
        var hs: [LatencyHistogram] = []
        hs.reserveCapacity(histogramCount)
        for _ in 0..<histogramCount { hs.append(try decodeHistogram(&r)) }
        let distributionCount = try r.count("distribution count", limit: r.remaining)
        guard distributionCount == distributions else {
            throw r.failure(
                "replication \(replication) has \(distributionCount) distributions, the design \(distributions)")
        }
        var levels: [LevelTimes] = []
        for _ in 0..<distributionCount {
            let n = try r.count("level count", limit: r.remaining / 8)
            var times: [Double] = []
            times.reserveCapacity(n)
            for _ in 0..<n { times.append(try r.double("a level's time")) }
            levels.append(LevelTimes(nanoseconds: times))
        }
        let events = try r.varint("events")
        let arrivals = try r.varint("arrivals")
        let successes = try r.varint("successes")
        let errorCount = try r.count("error cause count", limit: r.remaining)
        var errors: [UInt64] = []
        for _ in 0..<errorCount { errors.append(try r.varint("an error count")) }
        let fingerprint = try r.fixed64("fingerprint")
        let flags = try r.byte("flags")
        guard flags & ~3 == 0 else { throw r.failure("unknown flags \(flags)") }
        let outcome = RunOutcome(
            events: events, arrivals: arrivals, successes: successes, errors: errors, fingerprint: fingerprint,
            unstable: flags & 1 != 0, eventLimitReached: flags & 2 != 0)
        var result = ReplicationResult(
            replication: replication, values: values, histograms: hs, outcome: outcome,
            measuredEnded: try r.varint("measured requests"), measuredSuccesses: try r.varint("measured successes"))
        result.distributions = levels
        return result
    }

    static func decodeHistogram(_ r: inout ByteReader) throws(ByteReader.Failure) -> LatencyHistogram {
        var h = LatencyHistogram()
        h.header.count = try r.varint("histogram count")
        h.header.sum = try r.double("histogram sum")
        h.header.sumOfSquares = try r.double("histogram sum of squares")
        h.header.minimum = try r.varint("histogram minimum")
        h.header.maximum = try r.varint("histogram maximum")
        let offset = try r.count("histogram offset", limit: LatencyHistogram.bucketCount)
        let length = try r.count("histogram length", limit: LatencyHistogram.bucketCount - offset)
        var counts: [UInt64] = []
        counts.reserveCapacity(length)
        var total: UInt64 = 0
        while counts.count < length {
            let c = try r.varint("a bucket count")
            if c != 0 {
                counts.append(c)
                let (sum, overflow) = total.addingReportingOverflow(c)
                guard !overflow else { throw r.failure("histogram counts overflow") }
                total = sum
                continue
            }
            let run = try r.count("a run of empty buckets", limit: length - counts.count)
            guard run > 0 else { throw r.failure("an empty run of empty buckets") }
            counts.append(contentsOf: repeatElement(0, count: run))
        }
        // What the histogram's readers rely on: the buckets hold exactly `count` values, within
        // the layout, and an empty histogram has no window.
        guard total == h.header.count else {
            throw r.failure("histogram buckets hold \(total) values, its count says \(h.header.count)")
        }
        if h.header.count > 0 {
            guard h.header.minimum <= h.header.maximum, h.header.maximum <= LatencyHistogram.highest else {
                throw r.failure("histogram minimum and maximum out of order or range")
            }
        } else {
            guard length == 0 else { throw r.failure("an empty histogram with buckets") }
        }
        h.offset = offset
        h.counts = counts
        return h
    }
}
