import InfraModel
import SimKernel

/// What a metric measures, and so how its per-replication value is computed and summarised.
public enum MetricKind: Sendable, Equatable {
    /// Exact mean of a histogram's values (seconds).
    case mean(histogram: Int)
    /// The q-quantile of a histogram. Across replications: the quantile of the pooled histogram,
    /// with a half-width by sectioning (the spread of per-replication quantiles, plus their
    /// mean's gap to the pooled value: `Summary.sectioned`).
    case quantile(histogram: Int, q: Double)
    /// The largest value of a histogram. Across replications: the overall maximum, no interval.
    case maximum(histogram: Int)
    /// Sample standard deviation of a histogram's values (seconds), from its exact moments.
    /// Across replications: the pooled histogram's, with a half-width by sectioning.
    case standardDeviation(histogram: Int)
    /// Share of a histogram's values above zero: for a wait, the probability of waiting at all.
    case positiveShare(histogram: Int)
    /// Time-average mean of a count (`MetricLayout.distributions`), from its distribution.
    case levelMean(distribution: Int)
    /// The q-quantile of a count's time-average distribution (the smallest level whose
    /// cumulative time share reaches q). Across replications: the quantile of the pooled
    /// distribution, with a half-width by sectioning.
    case levelQuantile(distribution: Int, q: Double)
    /// Successful measured requests / measured requests that ended.
    case availability
    /// Measured requests that succeeded within the latency objective / measured requests that
    /// ended: a latency figure that does not reward failing fast.
    case goodRatio
    /// Measured requests that ended with this cause / measured requests that ended.
    case errorRate(ErrorCause)
    /// Successful measured requests per second of the measurement window.
    case throughput
    /// Measured arrivals (requests that ended, any outcome) per second of the window.
    case arrivalRate
    /// Time-average number of requests in the system over the window (L in Little's law).
    case inSystemMean
    /// Busy workers / all the station's workers (instances × workers; a database's nodes each
    /// with their own), time-averaged over the window.
    case utilization(station: Int)
    /// Busy workers of one database node (0 primary, j replica j) / its workers, time-averaged
    /// over the window (`database`: index among the databases).
    case databaseUtilization(station: Int, database: Int, node: Int)
    /// Time-average busy workers over the window (for unlimited stations: mean concurrency).
    case busyMean(station: Int)
    /// Time-average requests waiting for a worker over the window.
    case queueMean(station: Int)
    /// Time-average instances held (billed): the fixed count, or for an autoscaled pool its
    /// provisioning, serving and draining instances.
    case instancesMean(station: Int)
    /// (Autoscaled pools) the most instances held at once over the window (one replication's).
    case instancesPeak(station: Int)
    /// (Autoscaled pools) time-average serving instances (provisioned, in the rotation, not draining).
    case instancesServing(station: Int)
    /// (Autoscaled pools) scaling actions (scale-outs and scale-ins) over the window.
    case scalingActions(station: Int)
    /// (Autoscaled pools) share of the window's time with fewer instances serving than the
    /// autoscaler's latest desired count.
    case underTargetShare(station: Int)
    /// Attempts per measured request that ended (retry amplification; 1 without retries).
    case attemptsMean
    /// Attempts that finished service after their client had given up / attempts started,
    /// over the window (work wasted on timed-out attempts).
    case wastedAttemptRate
    /// Mean time (wait + own service) the requests slower than the latency p99 spent at this
    /// station: where p99 comes from. These add up over the stations of a path (per-hop p99s
    /// do not).
    case beyondP99(station: Int)
    /// Waiting attempts dropped unserved because their client had given up (`drop_expired`) /
    /// attempts started, over the window.
    case droppedAttemptRate
    /// Measured requests that ended in an error the station raised (refused, dead, failing
    /// over: see `RequestRecord.blame`) / measured requests ended: where availability is lost.
    case errorsAt(station: Int)
    /// Measured requests that ended in an error caused by the zone's outage / ended.
    case errorsInZone(zone: Int)
    /// Share of the window with at least `failures.required` of the station's instances up.
    case instancesAvailable(station: Int)
    /// Time-average number of the station's instances up (not failed), over the window.
    case instancesUp(station: Int)
    /// Failures of the station's instances that began inside the window (one replication's count).
    case failureCount(station: Int)
    /// (With `availability:`) the share of the judged windows' time whose success ratio met the
    /// objective (= the share of judged windows when all have the same length).
    case availabilityTime
    /// (With `availability:`) the failed share of the judged windows' time, in seconds per
    /// 730-hour month: (1 − availability.time) × 2,628,000 s.
    case downtimeMonthly
    /// (With `availability:`) the share of windows with at least `min_requests` requests: the
    /// windows availability.time judges.
    case windowsJudged
    /// (With prices) money in the scenario's currency: see `CostFigure`.
    case cost(CostFigure, currency: String)
    /// Stale reads / reads judged (reads with a key), over all databases, over the window.
    case staleReadRate
    /// Reads served per second of the window by database `database` (index among the
    /// databases), at one node (0 primary, j replica j) or all (nil).
    case databaseReads(database: Int, node: Int?)
    /// Writes committed per second of the window by database `database`.
    case databaseWrites(database: Int)
    /// A failover figure of database `database` (index among the databases).
    case databaseFailover(database: Int, FailoverFigure)
    /// A cache's hits / lookups over the window.
    case cacheHitRatio(station: Int)
    /// A cache's lookups per second of the window.
    case cacheLookupRate(station: Int)
    /// Requests that bypassed a cache none of whose instances could take them / requests that
    /// reached it (lookups + bypasses), over the window.
    case cacheBypassRate(station: Int)

    /// (More than one class) a class's successful measured requests / its measured requests
    /// that ended: `availability` restricted to the class.
    case classAvailability(classIndex: Int)
    /// (More than one class) a class's measured requests that ended with this cause / its
    /// measured requests that ended.
    case classErrorRate(classIndex: Int, ErrorCause)
    /// (More than one class) a class's successful measured requests per second of the window.
    case classThroughput(classIndex: Int)
    /// (More than one class) a class's measured requests that ended, per second of the window.
    case classArrivalRate(classIndex: Int)
    /// (Attack classes) visits of the class's measured requests admitted at the station (given a
    /// worker or a waiting place: a hop record, served or dropped unserved from the line) / the
    /// class's measured requests that ended. Refusals (queue_full, a dead instance) are not
    /// visits. One per request on a plain path where nothing turns it away; retries and repeated
    /// calls can make it exceed 1.
    case classReached(classIndex: Int, station: Int)

    /// (Pools with a queue timeout) requests the timeout dropped from the station's lines /
    /// requests that entered the station, over the window: Erlang-A's abandonment probability.
    case queueTimedOut(station: Int)
    /// (Pools with preemptive priority) displacements of a request from its worker by a more
    /// urgent one / requests that entered the station, over the window: the mean number of
    /// times a visit is displaced (a request may be displaced more than once).
    case preemptions(station: Int)
    /// (Stations with finite workers and a bounded line) requests the station turned away with
    /// `queue_full` / requests that entered it, over the window: the blocking probability
    /// (Erlang B on M/M/c/c, P_K on M/M/c/K).
    case queueFull(station: Int)
    /// A station's throughput: the measured requests' visits it served (own service ended: the
    /// count of its `hop.<c>.self` histogram) per second of the window. X_i of a queueing network:
    /// λ times the visits per request.
    case stationThroughput(histogram: Int)
    /// Requests that reached a station (entered it, whatever became of them: served, turned
    /// away, timed out) per second of the window: its offered load λ_i.
    case stationArrivalRate(station: Int)
    /// (Inspection stages) requests the stage blocked / requests that entered it, over the window.
    case inspectionBlocked(station: Int)
    /// (Inspection stages) requests that passed the stage uninspected (it failed open) / requests
    /// that entered it, over the window.
    case inspectionUninspected(station: Int)
    /// (Canary and blue-green deploys) 1 when the deploy rolled back, 0 when it was promoted, in
    /// the replication (NaN: not decided before the window closed). Across replications: the
    /// share of replications that rolled back.
    case deployRolledBack(deploy: Int)
    /// (Deploys) responses the new version gave within the window (one replication's count).
    case deployResponses(deploy: Int)
    /// (Deploys) of those, the errors (`server_error`): the errors the deploy let through.
    case deployErrors(deploy: Int)

    /// Outage episodes of a station (nil: the service as a whole) begun in the window (one
    /// replication's count).
    case outageCount(station: Int?)
    /// Mean time between outage episodes (`share` nil) or to failure (`share`: the metric of the
    /// share of time available): the window's time (or its available time) over the episodes
    /// begun in it (metric `count`), seconds. Across replications a ratio of sums, Σ time / Σ
    /// episodes, with a delta-method interval; per replication its own ratio.
    case outageMeanTime(count: Int, share: Int?)
    /// (1 − the share of time available, metric `share`) × 730 hours, in seconds per month: a
    /// component's time-based downtime.
    case componentDowntimeMonthly(share: Int)
    /// Share of the window with every station at or above its required instances up.
    case serviceAvailable
    /// (Clusters) mean time a pod waits for a node, by Little's law: ∫ pods pending dt over the
    /// window / the pending episodes of the window (those in progress when it opened and those
    /// begun in it), seconds; an episode still going on is counted up to the window's end.
    case podPendingTime(cluster: Int)
    /// (Clusters with an autoscaler) nodes it added (`added`) or removed in the window.
    case clusterNodeChanges(cluster: Int, added: Bool)
    /// (Regions) share of the window the region was up (no region outage in progress).
    case regionAvailable(region: Int)
    /// (Regions) calls that crossed into the region from another one (paying the pair's round
    /// trip) per second of the window.
    case regionCrossingRate(region: Int)
    /// (DNS) requests DNS sent to the region per second of the window.
    case regionRequestRate(region: Int)
    /// (DNS) requests DNS sent to a region that was down then / requests it routed, over the window.
    case dnsStaleRate
    /// (Standby pools) failovers begun in the window: DNS found the primary region down and the
    /// pool's minimum rose to its `scale_to` (one replication's count).
    case standbyFailovers(station: Int)
    /// (Standby pools) mean recovery time of the window's recoveries: from the primary region's
    /// outage start to `scale_to` instances serving at the pool, seconds (NaN without one).
    case standbyRecoveryMean(station: Int)
    /// (Databases with replicas) time-average commits committed and not yet applied, per
    /// replica, over the window: by Little's law the sum of the window's commits' lags (histogram
    /// `histogram`) over the window's length, divided by the replicas.
    case replicationBacklog(histogram: Int, replicas: Int)

    /// Scalar kinds are summarised by a Student-t interval on the per-replication values.
    public var isScalar: Bool {
        switch self {
        case .quantile, .maximum, .levelQuantile: false
        default: true
        }
    }
}

/// A count whose time-average distribution a replication keeps (`ModelCounters`' level times).
public enum CountSource: Sendable, Equatable {
    /// Requests in the system.
    case inSystem
    /// Requests waiting for a worker at a station (all its instances).
    case queue(station: Int)
    /// Requests at a station (waiting or in service, all its instances).
    case present(station: Int)
    /// A cluster's level (`ModelCounters.clusterLevels[level]`: nodes held, nodes used or pods
    /// pending of cluster level / 3).
    case cluster(level: Int)

    /// This count's level times in a snapshot of the counters.
    public func levels(in c: ModelCounters) -> LevelTimes {
        switch self {
        case .cluster(let k): k < c.clusterLevels.count ? c.clusterLevels[k] : LevelTimes()
        case .inSystem: c.inSystemLevels
        case .queue(let s): s < c.queueLevels.count ? c.queueLevels[s] : LevelTimes()
        case .present(let s): s < c.presentLevels.count ? c.presentLevels[s] : LevelTimes()
        }
    }
}

/// The SI unit of a metric's values, for parsing thresholds and formatting tables.
public enum MetricUnit: Sendable, Equatable {
    case seconds
    /// A share in [0, 1] (availability, error rates, utilisation).
    case fraction
    /// Events per second.
    case perSecond
    /// A plain number (mean counts, levels).
    case count
    /// Money in the scenario's currency (an ISO 4217 style code such as USD).
    case money(currency: String)
}

/// The cost figures (`cost.*`). Spending is measured over the measurement window [warm-up,
/// horizon] and scaled: to the horizon (the whole simulated time) and to a 730-hour month.
public enum CostFigure: Sendable, Equatable {
    /// The horizon's cost: the window's spending rate × the horizon, each instance's holding
    /// period over the horizon rounded up to its billing granularity.
    case horizon
    /// The window's spending rate × 730 hours.
    case monthly
    /// The window's spending per million measured successful requests.
    case perMillionSuccessful
    /// The monthly cost of held instances, of requests handled, of responses sent.
    case monthlyInstances, monthlyRequests, monthlyEgress
    /// The monthly cost of the telemetry emitted (ingested and stored).
    case monthlyTelemetry
    /// The monthly cost of clusters' nodes held (node-hours × price).
    case monthlyNodes
    /// One cluster's monthly cost (its nodes).
    case clusterMonthly(cluster: Int)
    /// One component's monthly cost (all its prices).
    case componentMonthly(station: Int)
}

extension MetricKind {
    /// The unit of this kind's values.
    public var unit: MetricUnit {
        switch self {
        case .mean, .quantile, .maximum, .standardDeviation, .beyondP99, .downtimeMonthly: .seconds
        case .positiveShare, .queueTimedOut, .queueFull, .serviceAvailable, .regionAvailable: .fraction
        case .stationThroughput, .stationArrivalRate: .perSecond
        case .regionCrossingRate, .regionRequestRate: .perSecond
        case .dnsStaleRate: .fraction
        case .standbyFailovers: .count
        case .standbyRecoveryMean: .seconds
        case .inspectionBlocked, .inspectionUninspected: .fraction
        case .deployRolledBack: .fraction
        case .deployResponses, .deployErrors: .count
        case .outageCount, .replicationBacklog: .count
        case .outageMeanTime, .componentDowntimeMonthly, .podPendingTime: .seconds
        case .levelMean, .levelQuantile: .count
        case .availability, .goodRatio, .errorRate, .utilization, .availabilityTime, .windowsJudged, .errorsAt,
            .errorsInZone, .instancesAvailable, .databaseUtilization, .classAvailability, .classErrorRate:
            .fraction
        case .throughput, .arrivalRate, .databaseReads, .databaseWrites, .cacheLookupRate, .classThroughput,
            .classArrivalRate:
            .perSecond
        case .classReached, .preemptions: .count
        case .staleReadRate, .cacheHitRatio, .cacheBypassRate: .fraction
        case .inSystemMean, .busyMean, .queueMean, .instancesMean, .attemptsMean, .instancesUp, .failureCount: .count
        case .instancesPeak, .instancesServing, .scalingActions, .clusterNodeChanges: .count
        case .underTargetShare: .fraction
        case .wastedAttemptRate, .droppedAttemptRate: .fraction
        case .cost(_, let currency): .money(currency: currency)
        case .databaseFailover(_, let figure): figure.unit
        }
    }

    /// Whether a larger value is better (availability, throughput) or worse (latency, errors);
    /// nil where neither holds (levels such as instance counts).
    public var higherIsBetter: Bool? {
        switch self {
        case .mean, .quantile, .maximum, .errorRate, .beyondP99, .downtimeMonthly, .cost, .errorsAt, .errorsInZone:
            false
        case .standardDeviation, .positiveShare, .queueTimedOut, .queueFull, .preemptions: false
        case .stationThroughput, .stationArrivalRate: nil
        case .outageCount, .componentDowntimeMonthly, .replicationBacklog, .podPendingTime: false
        case .outageMeanTime, .serviceAvailable, .regionAvailable: true
        case .regionCrossingRate, .regionRequestRate: nil
        case .dnsStaleRate: false
        case .standbyFailovers, .standbyRecoveryMean: false
        case .levelMean, .levelQuantile: nil
        case .availability, .goodRatio, .throughput, .availabilityTime, .instancesAvailable: true
        case .classAvailability, .classThroughput: true
        case .classErrorRate: false
        case .classArrivalRate, .classReached: nil
        // Blocking a flood is good and blocking users bad; passing uninspected keeps users up.
        case .inspectionBlocked, .inspectionUninspected: nil
        // A rollback of a bad version is good and of a good one wasted work.
        case .deployRolledBack, .deployResponses: nil
        case .deployErrors: false
        case .windowsJudged: nil
        case .attemptsMean, .wastedAttemptRate: false
        case .droppedAttemptRate: nil
        case .instancesUp: true
        case .failureCount: false
        case .cacheHitRatio: true
        case .cacheBypassRate: false
        case .cacheLookupRate: nil
        case .utilization, .databaseUtilization, .arrivalRate, .inSystemMean, .busyMean, .queueMean, .instancesMean:
            nil
        case .instancesPeak, .instancesServing, .scalingActions, .clusterNodeChanges: nil
        case .underTargetShare: false
        case .staleReadRate: false
        case .databaseReads, .databaseWrites: nil
        case .databaseFailover(_, let figure): figure.higherIsBetter
        }
    }
}
