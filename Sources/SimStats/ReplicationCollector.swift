import InfraModel
import SimKernel

/// Aggregates one replication's records into histograms, exact moments and counts.
/// The statistics side of DESIGN's "models emit records, the statistics layer aggregates".
public struct ReplicationCollector: RecordSink {
    public let layout: MetricLayout
    public private(set) var histograms: [LatencyHistogram]
    /// Exact moments beside each histogram (seconds).
    public private(set) var tallies: [Tally]
    /// Measured requests (arrived at or after warm-up) that ended, by outcome.
    public private(set) var ended: UInt64 = 0
    public private(set) var successes: UInt64 = 0
    public private(set) var errors: [UInt64] = Array(repeating: 0, count: ErrorCause.allCases.count)
    public private(set) var opened: ModelCounters?
    public private(set) var closed: ModelCounters?

    public init(layout: MetricLayout) {
        self.layout = layout
        histograms = Array(repeating: LatencyHistogram(), count: layout.histograms.count)
        tallies = Array(repeating: Tally(), count: layout.histograms.count)
    }

    @inline(__always)
    mutating func record(_ h: Int, _ d: SimDuration) {
        histograms[h].record(d)
        tallies[h].add(d.seconds)
    }

    public mutating func requestEnded(_ r: RequestRecord) {
        guard r.measured else { return }
        ended &+= 1
        switch r.outcome {
        case .success:
            successes &+= 1
            let latency = r.latency
            record(0, latency)
            if let base = layout.classBase { record(base + Int(r.classIndex), latency) }
        case .error(let cause):
            errors[Int(cause.rawValue)] &+= 1
        }
    }

    public mutating func hopEnded(_ h: HopRecord) {
        guard h.measured else { return }
        let base = layout.hopBase + 2 * Int(h.station)
        record(base, h.wait)
        record(base + 1, h.wait + h.service)
    }

    public mutating func windowOpened(_ c: ModelCounters) { opened = c }
    public mutating func windowClosed(_ c: ModelCounters) { closed = c }
}
