import InfraModel
import SimKernel

/// Aggregates one replication's records into histograms and counts. Models only emit records
/// (`RecordSink`) and know nothing of metrics; this side decides what is measured and
/// aggregates it, so a new metric needs no change to the simulation (README "Architecture").
///
/// Records land in flat, manually managed buffers (one block of bucket counts per histogram):
/// three records per request and hop are on the hot path, and this keeps them free of
/// copy-on-write checks. Non-copyable, so the buffers have one owner, which frees them.
public struct ReplicationCollector: RecordSink, ~Copyable {
    public let layout: MetricLayout
    let headers: UnsafeMutablePointer<LatencyHistogram.Header>
    /// The histograms' bucket counts, `LatencyHistogram.bucketCount` per histogram: only the
    /// pages of buckets actually recorded into are ever touched (a replication's latencies span
    /// a small part of the layout).
    let counts: SplitSums<UInt8>
    /// Slow-request breakdown: for each bucket of the end-to-end latency histogram (a row of
    /// `layout.stationCount` cells) and each station, the total time (ns) successful requests of
    /// that latency spent at the station. Zero pages like `counts`: only the rows of latencies
    /// that occur are ever touched.
    let tail: SplitSums<UInt32>
    /// Whether `tail` is kept (`MetricLayout.tracksHops`, with stations).
    let tracksTail: Bool
    /// Measured requests (arrived at or after warm-up) of the legitimate classes that ended, by
    /// outcome: the headline figures' counts (an attack class's requests are in `classCounts` only).
    public private(set) var ended: UInt64 = 0
    public private(set) var successes: UInt64 = 0
    /// Measured requests that succeeded within the latency objective.
    public private(set) var good: UInt64 = 0
    /// Attempts made for measured requests that ended.
    public private(set) var attempts: UInt64 = 0
    public private(set) var errors: [UInt64] = Array(repeating: 0, count: ErrorCause.allCases.count)
    /// Measured errors by the station blamed for them (`RequestRecord.blame`).
    public private(set) var blamed: [UInt64] = []
    /// Measured errors by the zone whose outage caused them.
    public private(set) var blamedZones: [UInt64] = []
    public private(set) var opened: ModelCounters?
    public private(set) var closed: ModelCounters?
    /// With more than one class, per class a row of `classStride` counts of its measured
    /// requests that ended: [ended, successes, errors by cause…]; nil with one class (the
    /// headline counts are then its own, and nothing is spent on this). Every class counts here,
    /// attack classes too; the headline counts above are the legitimate classes' sums.
    let classCounts: UnsafeMutablePointer<UInt64>?
    /// `layout.classBase`, or 0 when there is one class (then unused).
    let classLatencyBase: Int
    /// With an attack class, the measured visits admitted per class (row) and station (column):
    /// the hop records, served or not. nil without an attack class.
    let visits: UnsafeMutablePointer<UInt64>?
    static let classStride = 2 + ErrorCause.allCases.count

    public init(layout: MetricLayout) {
        self.layout = layout
        let n = layout.histograms.count
        headers = .allocate(capacity: n)
        headers.initialize(repeating: LatencyHistogram.Header(), count: n)
        counts = SplitSums(cells: max(1, n) * LatencyHistogram.bucketCount)
        tracksTail = layout.tracksHops && layout.stationCount > 0
        // Without the breakdown, one cell that is never touched.
        tail = SplitSums(cells: tracksTail ? LatencyHistogram.bucketCount * layout.stationCount : 1)
        let classes = layout.attackClasses.count
        if let base = layout.classBase, classes > 1 {
            classLatencyBase = base
            let n = classes * Self.classStride
            let rows = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
            rows.initialize(repeating: 0, count: n)
            classCounts = rows
        } else {
            classLatencyBase = 0
            classCounts = nil
        }
        if layout.hasAttack {
            let n = classes * layout.stationCount
            let cells = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
            cells.initialize(repeating: 0, count: n)
            visits = cells
        } else {
            visits = nil
        }
    }

    deinit {
        headers.deallocate()
        classCounts?.deallocate()
        visits?.deallocate()
    }

    /// Class k's measured requests that ended; 0 with one class.
    public func classEnded(_ k: Int) -> UInt64 { classCounts.map { $0[k * Self.classStride] } ?? 0 }
    /// Class k's successful measured requests; 0 with one class.
    public func classSuccesses(_ k: Int) -> UInt64 { classCounts.map { $0[k * Self.classStride + 1] } ?? 0 }
    /// Class k's measured requests that ended with `cause`; 0 with one class.
    public func classErrors(_ k: Int, _ cause: ErrorCause) -> UInt64 {
        classCounts.map { $0[k * Self.classStride + 2 + Int(cause.rawValue)] } ?? 0
    }
    /// Measured visits of class k admitted at station s; 0 without an attack class.
    public func classVisits(_ k: Int, station s: Int) -> UInt64 {
        visits.map { $0[k * layout.stationCount + s] } ?? 0
    }

    /// True when class k is an attack class (so its requests stay out of the headline counts).
    @inline(__always)
    public func isAttack(_ k: Int32) -> Bool { classCounts != nil && layout.attackClasses[Int(k)] }

    /// The histograms recorded so far, in layout order.
    public var histograms: [LatencyHistogram] {
        (0..<layout.histograms.count).map { h in
            let first = h * LatencyHistogram.bucketCount
            return LatencyHistogram(header: headers[h]) { counts.values(first + $0.lowerBound..<first + $0.upperBound) }
        }
    }

    @inline(__always)
    func record(_ h: Int, _ d: SimDuration) {
        counts.add(h &* LatencyHistogram.bucketCount &+ LatencyHistogram.record(d, into: &headers[h]), 1)
    }

    // `requestEnded` and `hopEnded` are always inlined into the model's code specialised for this
    // sink (which this module compiles): the record's fields then stay in registers instead of
    // being stored to a `RequestRecord` or `HopRecord` on the stack and read back after a call.
    @inline(__always)
    public mutating func requestEnded(_ r: RequestRecord) {
        guard r.measured else { return }
        if let classCounts {
            let k = Int(r.classIndex)
            let row = classCounts + k &* Self.classStride
            row[0] &+= 1
            switch r.outcome {
            case .success:
                row[1] &+= 1
                record(classLatencyBase &+ k, r.latency)
            case .error(let cause): row[2 &+ Int(cause.rawValue)] &+= 1
            }
            // An attack request counts in its class's figures only.
            if layout.attackClasses[k] { return }
        }
        ended &+= 1
        attempts &+= UInt64(r.attempts)
        switch r.outcome {
        case .success:
            successes &+= 1
            let latency = r.latency
            record(0, latency)
            if let objective = layout.latencyObjective, latency.nanoseconds <= objective { good &+= 1 }
            if tracksTail, let hops = r.hopTimes {
                let row = LatencyHistogram.bucket(UInt64(max(latency.nanoseconds, 0))) &* layout.stationCount
                for (position, station) in layout.classPaths[Int(r.classIndex)].enumerated() {
                    tail.add(row &+ station, UInt64(max(hops[position], 0)))
                }
            }
        case .error(let cause):
            errors[Int(cause.rawValue)] &+= 1
            if r.blame >= 0 {
                if blamed.isEmpty { blamed = Array(repeating: 0, count: layout.stationCount) }
                blamed[Int(r.blame)] &+= 1
            }
            if r.blameZone >= 0 {
                if blamedZones.isEmpty { blamedZones = Array(repeating: 0, count: layout.zoneCount) }
                blamedZones[Int(r.blameZone)] &+= 1
            }
        }
    }

    @inline(__always)
    public mutating func hopEnded(_ h: HopRecord) {
        guard h.measured else { return }
        if let visits { visits[Int(h.classIndex) &* layout.stationCount &+ Int(h.station)] &+= 1 }
        // Wrapping arithmetic: station < stationCount, so base + 2 is a histogram of the layout.
        let base = layout.hopBase &+ layout.hopStride &* Int(h.station)
        record(base, h.wait)
        // A visit that left the line unserved counts in the waits only.
        guard h.served else { return }
        record(base &+ 1, h.wait + h.service)
        if layout.hopStride == 3 { record(base &+ 2, h.inclusive) }
    }

    /// Mean seconds per station spent by the successful requests at or beyond the latency's
    /// q-quantile (those in its bucket and above); NaN when nothing was recorded.
    public func beyondQuantile(_ q: Double) -> [Double] {
        let h = headers[0]
        guard tracksTail, h.count > 0 else { return Array(repeating: .nan, count: layout.stationCount) }
        let lo = LatencyHistogram.bucket(h.minimum)
        let hi = LatencyHistogram.bucket(h.maximum)
        let rank = max(1, UInt64((q * Double(h.count)).rounded(.up)))
        var cumulative: UInt64 = 0
        var threshold = lo
        while threshold < hi, cumulative + counts.value(threshold) < rank {
            cumulative += counts.value(threshold)
            threshold += 1
        }
        var sums = Array(repeating: 0.0, count: layout.stationCount)
        var n: UInt64 = 0
        for b in threshold...hi where counts.value(b) > 0 {
            n += counts.value(b)
            for s in 0..<layout.stationCount { sums[s] += Double(tail.value(b * layout.stationCount + s)) }
        }
        return sums.map { $0 / Double(n) / 1e9 }
    }

    public mutating func outageEnded(_ o: OutageRecord) {
        guard o.measured, let h = layout.outageHistogram(station: o.station < 0 ? nil : Int(o.station)) else { return }
        record(h, o.duration)
    }

    public mutating func replicationLagged(database: Int32, lag: SimDuration, measured: Bool) {
        guard measured, let base = layout.lagBase else { return }
        record(base + Int(database), lag)
    }

    public mutating func failedOver(database: Int32, rto: SimDuration, measured: Bool) {
        guard measured, Int(database) < layout.rtoHistograms.count else { return }
        let h = layout.rtoHistograms[Int(database)]
        if h >= 0 { record(h, rto) }
    }

    public mutating func windowOpened(_ c: ModelCounters) { opened = c }
    public mutating func windowClosed(_ c: ModelCounters) { closed = c }
}
