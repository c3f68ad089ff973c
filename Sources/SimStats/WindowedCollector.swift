import InfraModel
import SimKernel

/// The record sink of a replication whose statistics need windows (time-based availability, a
/// time series): the plain `ReplicationCollector` plus one `WindowTracker` per clock of
/// `ModelSpec.windowLengths`. A replication without windows uses the plain collector, so it pays
/// nothing for this.
public struct WindowedCollector: RecordSink, ~Copyable {
    public var base: ReplicationCollector
    var clocks: [WindowTracker]
    /// Index in `clocks` of the availability clock and of the time series', if any.
    let availabilityClock: Int?
    let seriesClock: Int?

    public init(layout: MetricLayout, spec: ModelSpec) {
        base = ReplicationCollector(layout: layout)
        let lengths = spec.windowLengths
        availabilityClock = spec.availability.flatMap { a in lengths.firstIndex(of: a.window) }
        seriesClock = spec.timeSeriesWindow.flatMap { lengths.firstIndex(of: $0) }
        let (a, s) = (availabilityClock, seriesClock)
        clocks = lengths.enumerated().map { c, length in
            WindowTracker(
                layout: TimeSeriesLayout(spec: spec, length: length),
                availability: c == a ? spec.availability : nil, keepsRows: c == s)
        }
    }

    public mutating func requestEnded(_ r: RequestRecord) {
        base.requestEnded(r)
        // The windows' figures (availability.time, the time series) are headline figures: an
        // attack class's requests stay out of them.
        guard r.measured, !base.isAttack(r.classIndex) else { return }
        for c in clocks.indices { clocks[c].record(r) }
    }

    public mutating func hopEnded(_ h: HopRecord) { base.hopEnded(h) }
    public mutating func outageEnded(_ o: OutageRecord) { base.outageEnded(o) }
    public mutating func replicationLagged(database: Int32, lag: SimDuration, measured: Bool) {
        base.replicationLagged(database: database, lag: lag, measured: measured)
    }
    public mutating func failedOver(database: Int32, rto: SimDuration, measured: Bool) {
        base.failedOver(database: database, rto: rto, measured: measured)
    }

    public mutating func windowOpened(_ c: ModelCounters) {
        base.windowOpened(c)
        for k in clocks.indices { clocks[k].opened(c) }
    }

    public mutating func windowClosed(_ c: ModelCounters) {
        base.windowClosed(c)
        for k in clocks.indices { clocks[k].boundary(c) }
    }

    public mutating func windowTicked(clock: Int, counters: ModelCounters, settled: SimTime) {
        clocks[clock].ticked(counters, settled: settled)
    }

    /// Call once after the run, when every request has ended.
    public mutating func finish() -> WindowOutcome {
        for k in clocks.indices { clocks[k].finish() }
        var o = WindowOutcome()
        if let a = availabilityClock {
            o.availabilityTime = clocks[a].availabilityTime
            o.downtimeMonthly = clocks[a].downtimeMonthly
            o.judgedShare = clocks[a].judgedShare
        }
        if let s = seriesClock { o.series = clocks[s].rows }
        return o
    }
}

/// What a replication's windows gave: the time-based availability metrics and the time series.
public struct WindowOutcome: Sendable {
    public var availabilityTime = Double.nan
    public var downtimeMonthly = Double.nan
    public var judgedShare = Double.nan
    /// The time series: a row per window of `TimeSeriesLayout.columns.count` values (window-major);
    /// empty without a time series, or once the replication's rows were accumulated.
    public var series: [Double] = []
    public init() {}
}
