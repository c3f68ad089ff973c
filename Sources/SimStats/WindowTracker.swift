import InfraModel
import SimKernel

/// One replication's statistics per window of one clock (one window length), with bounded memory.
///
/// A request counts in the window of its arrival. A window is open from its start until every
/// request that arrived in it has ended — the model's ticks say when (`settled`) — and is then
/// reduced to one row of numbers (and, for availability, one verdict), and its histogram freed.
/// So only the windows still holding requests in flight are open at once (one or two with
/// latencies far below the window length): memory grows with requests in flight, not with the
/// horizon. What a replication keeps per window after that is the row: 8 bytes per column.
struct WindowTracker {
    /// The counts of one open window.
    struct Cell {
        var requests: UInt64 = 0
        var successes: UInt64 = 0
        var errors = [UInt64](repeating: 0, count: ErrorCause.allCases.count)
        /// Latencies of the successes (only when a time series is kept).
        var latency = LatencyHistogram()
        /// Per station ∫ busy workers dt over the window (level × ns); nil until its end boundary.
        var busy: [Double]?
        /// Per database and node ∫ busy workers dt over the window (empty without databases).
        var nodeBusy: [[Double]] = []
        /// Per station ∫ held and ∫ serving instances dt over the window (autoscaling only).
        var held: [Double]?
        var serving: [Double]?
        /// Per station cache lookups and hits over the window (empty without caches).
        var cacheLookups: [UInt64] = []
        var cacheHits: [UInt64] = []
    }

    let layout: TimeSeriesLayout
    /// Judge windows for time-based availability.
    let availability: AvailabilityObjective?
    /// Keep a row per window (a time series is asked for on this clock).
    let keepsRows: Bool
    /// Index of `open[0]`: windows before it are finalised.
    private(set) var base = 0
    private var open: [Cell] = []
    /// The counters at the start of the window in progress.
    private var previous: ModelCounters?
    /// Index of the window in progress (whose end boundary has not come yet).
    private var current = 0
    /// Rows of finalised windows, `layout.columns.count` values each.
    private(set) var rows: [Double] = []
    /// Availability: windows judged and failed, and their durations (ns).
    private(set) var windows = 0
    private(set) var judged = 0
    private(set) var judgedNanoseconds = 0.0
    private(set) var failedNanoseconds = 0.0

    init(layout: TimeSeriesLayout, availability: AvailabilityObjective?, keepsRows: Bool) {
        self.layout = layout
        self.availability = availability
        self.keepsRows = keepsRows
    }

    private mutating func cellIndex(_ k: Int) -> Int {
        assert(k >= base, "a record for a window already finalised")
        while open.count <= k - base { open.append(Cell()) }
        return k - base
    }

    mutating func record(_ r: RequestRecord) {
        let k = Int((r.arrival.nanoseconds - layout.start.nanoseconds) / layout.length.nanoseconds)
        guard k >= base else { return }
        let i = cellIndex(k)
        open[i].requests &+= 1
        switch r.outcome {
        case .success:
            open[i].successes &+= 1
            if keepsRows { open[i].latency.record(r.latency) }
        case .error(let cause):
            open[i].errors[Int(cause.rawValue)] &+= 1
        }
    }

    mutating func opened(_ c: ModelCounters) { previous = c }

    /// The boundary ending the window in progress.
    mutating func boundary(_ c: ModelCounters) {
        if let p = previous, current < layout.windowCount {
            let i = cellIndex(current)
            open[i].busy = zip(c.busyIntegral, p.busyIntegral).map { $0 - $1 }
            if !c.servingIntegral.isEmpty && !p.servingIntegral.isEmpty {
                open[i].held = zip(c.heldIntegral, p.heldIntegral).map { $0 - $1 }
                open[i].serving = zip(c.servingIntegral, p.servingIntegral).map { $0 - $1 }
            }
            if !c.databases.isEmpty && !p.databases.isEmpty {
                open[i].nodeBusy = zip(c.databases, p.databases).map {
                    zip($0.busyIntegral, $1.busyIntegral).map { $0 - $1 }
                }
            }
            if !c.cacheLookups.isEmpty {
                open[i].cacheLookups = zip(c.cacheLookups, p.cacheLookups).map { $0 - $1 }
                open[i].cacheHits = zip(c.cacheHits, p.cacheHits).map { $0 - $1 }
            }
        }
        previous = c
        current += 1
    }

    /// A tick: closes the window in progress, then finalises every window ending by `settled`.
    mutating func ticked(_ c: ModelCounters, settled: SimTime) {
        boundary(c)
        while base < current, layout.bounds(of: base).end <= settled { finalizeFirst() }
    }

    /// After the run (every request has ended): finalises the rest.
    mutating func finish() {
        while base < layout.windowCount { finalizeFirst() }
    }

    private mutating func finalizeFirst() {
        let cell = open.isEmpty ? Cell() : open.removeFirst()
        let (start, end) = layout.bounds(of: base)
        let ns = Double(end.nanoseconds - start.nanoseconds)
        let seconds = ns / 1e9
        let n = Double(cell.requests)
        if let a = availability {
            windows += 1
            if cell.requests >= UInt64(a.minRequests) {
                judged += 1
                judgedNanoseconds += ns
                // Relative slack of 1e-12: 99.9% is 0.9990000000000001 in binary, and 999 of
                // 1000 must meet it.
                if Double(cell.successes) < a.objective * n * (1 - 1e-12) { failedNanoseconds += ns }
            }
        }
        if keepsRows {
            let quantiles = cell.latency.quantiles([0.5, 0.99])
            for column in layout.columns {
                let v: Double
                switch column {
                case .requests: v = n
                case .arrivalRate: v = n / seconds
                case .throughput: v = Double(cell.successes) / seconds
                case .availability: v = n > 0 ? Double(cell.successes) / n : .nan
                case .errorRate(let cause): v = n > 0 ? Double(cell.errors[Int(cause.rawValue)]) / n : .nan
                case .latency(let q): v = quantiles[q == 0.5 ? 0 : 1]
                case .utilization(let s):
                    if layout.autoscaled[s] {
                        v =
                            cell.busy.flatMap { b in cell.serving.map { b[s] / $0[s] / Double(layout.workers[s] ?? 1) }
                            } ?? .nan
                    } else {
                        v = cell.busy.map { $0[s] / ns / Double(layout.totalWorkers[s] ?? 1) } ?? .nan
                    }
                case .databaseUtilization(let s, let d, let node):
                    let workers = layout.nodeWorkers[s]?[node] ?? nil
                    v =
                        d < cell.nodeBusy.count && workers != nil
                        ? cell.nodeBusy[d][node] / ns / Double(workers ?? 1) : .nan
                case .busyMean(let s): v = cell.busy.map { $0[s] / ns } ?? .nan
                case .instances(let s):
                    v = layout.autoscaled[s] ? cell.held.map { $0[s] / ns } ?? .nan : Double(layout.instances[s])
                case .cacheHitRatio(let s):
                    v =
                        s < cell.cacheLookups.count && cell.cacheLookups[s] > 0
                        ? Double(cell.cacheHits[s]) / Double(cell.cacheLookups[s]) : .nan
                }
                rows.append(v)
            }
        }
        base += 1
    }

    /// Judged windows' share of time whose success ratio met the objective; NaN if none judged.
    var availabilityTime: Double { judgedNanoseconds > 0 ? 1 - failedNanoseconds / judgedNanoseconds : .nan }
    /// Failed share of the judged time, as seconds per 730-hour month; NaN if none judged.
    var downtimeMonthly: Double { judgedNanoseconds > 0 ? failedNanoseconds / judgedNanoseconds * 730 * 3600 : .nan }
    /// Share of the windows that were judged.
    var judgedShare: Double { windows > 0 ? Double(judged) / Double(windows) : .nan }
}
