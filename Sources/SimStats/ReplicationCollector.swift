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
    /// The histograms' bucket counts, `LatencyHistogram.bucketCount` per histogram, in
    /// `countPages`: only the pages of buckets actually recorded into are ever touched (a
    /// replication's latencies span a small part of the layout).
    let counts: UnsafeMutablePointer<UInt64>
    let countPages: ZeroPages
    /// Slow-request breakdown: for each bucket of the end-to-end latency histogram and each
    /// station, the total time (ns) successful requests of that latency spent at the station.
    /// In zero pages like `counts`: only the rows of latencies that occur are ever touched.
    let tail: UnsafeMutablePointer<UInt64>?
    let tailPages: ZeroPages?
    /// Measured requests (arrived at or after warm-up) that ended, by outcome.
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

    public init(layout: MetricLayout) {
        self.layout = layout
        let n = layout.histograms.count
        headers = .allocate(capacity: n)
        headers.initialize(repeating: LatencyHistogram.Header(), count: n)
        let buckets = max(1, n) * LatencyHistogram.bucketCount
        countPages = ZeroPages(bytes: buckets * MemoryLayout<UInt64>.stride)
        counts = countPages.bound(to: UInt64.self, capacity: buckets)
        let cells = LatencyHistogram.bucketCount * layout.stationCount
        if layout.tracksHops && cells > 0 {
            let pages = ZeroPages(bytes: cells * MemoryLayout<UInt64>.stride)
            tailPages = pages
            tail = pages.bound(to: UInt64.self, capacity: cells)
        } else {
            tailPages = nil
            tail = nil
        }
    }

    deinit {
        headers.deallocate()
        countPages.release()
        tailPages?.release()
    }

    /// The histograms recorded so far, in layout order.
    public var histograms: [LatencyHistogram] {
        (0..<layout.histograms.count).map { h in
            LatencyHistogram(header: headers[h], buckets: counts + h * LatencyHistogram.bucketCount)
        }
    }

    @inline(__always)
    func record(_ h: Int, _ d: SimDuration) {
        LatencyHistogram.record(d, into: &headers[h], counts: counts + h &* LatencyHistogram.bucketCount)
    }

    public mutating func requestEnded(_ r: RequestRecord) {
        guard r.measured else { return }
        ended &+= 1
        attempts &+= UInt64(r.attempts)
        switch r.outcome {
        case .success:
            successes &+= 1
            let latency = r.latency
            record(0, latency)
            if let objective = layout.latencyObjective, latency.nanoseconds <= objective { good &+= 1 }
            if let tail, let hops = r.hopTimes {
                let row =
                    tail + LatencyHistogram.bucket(min(UInt64(max(latency.nanoseconds, 0)), LatencyHistogram.highest))
                    &* layout.stationCount
                for (position, station) in layout.classPaths[Int(r.classIndex)].enumerated() {
                    row[station] &+= UInt64(max(hops[position], 0))
                }
            }
            if let base = layout.classBase { record(base + Int(r.classIndex), latency) }
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

    public mutating func hopEnded(_ h: HopRecord) {
        guard h.measured else { return }
        let base = layout.hopBase + layout.hopStride * Int(h.station)
        record(base, h.wait)
        // A visit that left the line unserved counts in the waits only.
        guard h.served else { return }
        record(base + 1, h.wait + h.service)
        if layout.hopStride == 3 { record(base + 2, h.inclusive) }
    }

    /// Mean seconds per station spent by the successful requests at or beyond the latency's
    /// q-quantile (those in its bucket and above); NaN when nothing was recorded.
    public func beyondQuantile(_ q: Double) -> [Double] {
        let h = headers[0]
        guard let tail, h.count > 0 else { return Array(repeating: .nan, count: layout.stationCount) }
        let lo = LatencyHistogram.bucket(h.minimum)
        let hi = LatencyHistogram.bucket(h.maximum)
        let rank = max(1, UInt64((q * Double(h.count)).rounded(.up)))
        var cumulative: UInt64 = 0
        var threshold = lo
        while threshold < hi, cumulative + counts[threshold] < rank {
            cumulative += counts[threshold]
            threshold += 1
        }
        var sums = Array(repeating: 0.0, count: layout.stationCount)
        var n: UInt64 = 0
        for b in threshold...hi where counts[b] > 0 {
            n += counts[b]
            for s in 0..<layout.stationCount { sums[s] += Double(tail[b * layout.stationCount + s]) }
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

    public mutating func windowOpened(_ c: ModelCounters) { opened = c }
    public mutating func windowClosed(_ c: ModelCounters) { closed = c }
}
