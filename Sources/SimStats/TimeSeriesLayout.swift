import InfraModel
import SimKernel

/// The columns of a per-window time series and the windows themselves: the measurement window
/// [warm-up, horizon] cut into windows of `length` from the warm-up on (the last one shorter when
/// the length does not divide the measured span).
///
/// Column ids follow the run's metric ids (README "Metrics"), measured per window, so one name means
/// one thing in every output; requests count in the window of their arrival, as a request counts
/// in the run's statistics by its arrival.
public struct TimeSeriesLayout: Sendable, Equatable {
    /// What a column measures in one window of one replication.
    public enum Column: Sendable, Equatable {
        /// Measured requests that arrived in the window (any outcome; they may end after it).
        case requests
        /// Those requests per second of the window.
        case arrivalRate
        /// Their successes per second of the window.
        case throughput
        /// Successes / requests (empty for a window without requests).
        case availability
        /// Requests ending with this cause / requests.
        case errorRate(ErrorCause)
        /// The q-quantile of the latency of the window's successful requests (seconds).
        case latency(q: Double)
        /// Busy workers / all the station's workers (a database's nodes each with their own),
        /// time-averaged over the window.
        case utilization(station: Int)
        /// Busy workers of one database node / its workers, time-averaged over the window.
        case databaseUtilization(station: Int, database: Int, node: Int)
        /// Time-average busy workers over the window.
        case busyMean(station: Int)
        /// Instances held, time-averaged over the window (constant for a fixed pool; an
        /// autoscaled pool's follow its scaling).
        case instances(station: Int)
        /// A cache's hits / lookups made in the window (empty without lookups).
        case cacheHitRatio(station: Int)
    }

    public private(set) var ids: [String] = []
    public private(set) var columns: [Column] = []
    /// Window length, first start (the warm-up) and the horizon.
    public let length: SimDuration
    public let start: SimTime
    public let horizon: SimTime
    /// Per station: instances, workers per instance and all its workers (nil: unlimited), and
    /// a database's workers per node.
    let instances: [Int]
    let workers: [Int?]
    let totalWorkers: [Int?]
    let nodeWorkers: [[Int?]?]
    /// Per station: autoscaled (its instance count and utilisation come from the counters).
    let autoscaled: [Bool]

    public init(spec: ModelSpec, length: SimDuration) {
        self.length = length
        start = spec.window.warmup
        horizon = spec.window.horizon
        instances = spec.stations.map(\.instances)
        workers = spec.stations.map(\.workers)
        totalWorkers = spec.stations.map(\.totalWorkers)
        nodeWorkers = spec.stations.map(\.databaseNodeWorkers)
        autoscaled = spec.stations.map { $0.autoscale != nil }
        add("requests", .requests)
        add("arrival_rate", .arrivalRate)
        add("throughput", .throughput)
        add("availability.request", .availability)
        for cause in ErrorCause.allCases { add("errors.\(cause.id).rate", .errorRate(cause)) }
        add("latency.p50", .latency(q: 0.5))
        add("latency.p99", .latency(q: 0.99))
        for (i, s) in spec.stations.enumerated() {
            for (id, node) in spec.utilizationMetrics(station: i) {
                add(
                    id,
                    node.map { .databaseUtilization(station: i, database: $0.database, node: $0.node) }
                        ?? .utilization(station: i))
            }
            add("busy.\(s.name).mean", .busyMean(station: i))
            add("instances.\(s.name).mean", .instances(station: i))
            if s.cache != nil { add("cache.\(s.name).hit_ratio", .cacheHitRatio(station: i)) }
        }
    }

    private mutating func add(_ id: String, _ column: Column) {
        ids.append(id)
        columns.append(column)
    }

    /// Number of windows: ⌈(horizon − warm-up) / length⌉.
    public var windowCount: Int {
        let span = horizon.nanoseconds - start.nanoseconds
        let l = length.nanoseconds
        return Int(span / l + (span % l == 0 ? 0 : 1))
    }

    /// Start and end of window k (simulated time from 0).
    public func bounds(of k: Int) -> (start: SimTime, end: SimTime) {
        let s = start.nanoseconds + Int64(k) * length.nanoseconds
        return (SimTime(nanoseconds: s), SimTime(nanoseconds: min(s + length.nanoseconds, horizon.nanoseconds)))
    }
}
