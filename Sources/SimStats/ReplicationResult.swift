import InfraModel
import SimKernel

/// One replication's results: a value per metric of the layout (NaN where undefined, e.g. a
/// percentile with no samples), its histograms for pooling, and how the run ended.
public struct ReplicationResult: Sendable {
    /// 0-based replication index (the counter of its random streams).
    public var replication: Int
    /// Aligned with `MetricLayout.metrics`.
    public var values: [Double]
    public var histograms: [LatencyHistogram]
    /// The window's level times of each count of `MetricLayout.distributions`, for pooling.
    public var distributions: [LevelTimes] = []
    /// The model's own account of the run: events, fingerprint, and how every request ended.
    public var outcome: RunOutcome
    /// Measured requests that ended, and their successes.
    public var measuredEnded: UInt64
    public var measuredSuccesses: UInt64
    /// Per-window results (time series rows), when the spec asks for windows.
    public var windows: WindowOutcome?

    /// A result from values already computed (merged shard files, synthetic tests).
    public init(
        replication: Int, values: [Double], histograms: [LatencyHistogram], outcome: RunOutcome,
        measuredEnded: UInt64 = 0, measuredSuccesses: UInt64 = 0
    ) {
        self.replication = replication
        self.values = values
        self.histograms = histograms
        self.outcome = outcome
        self.measuredEnded = measuredEnded
        self.measuredSuccesses = measuredSuccesses
    }

    /// A count over the window per attempt started over the window; NaN without attempts.
    static func perAttempt(_ c: borrowing ReplicationCollector, _ count: (ModelCounters) -> UInt64) -> Double {
        guard let o = c.opened, let e = c.closed, e.attemptsStarted > o.attemptsStarted else { return .nan }
        return Double(count(e) - count(o)) / Double(e.attemptsStarted - o.attemptsStarted)
    }

    /// Mean pending time (s) from ∫ pending dt (pod × ns) over the episodes; NaN without one.
    static func pendingTime(integral: Double, episodes: UInt64) -> Double {
        episodes > 0 ? integral * 1e-9 / Double(episodes) : .nan
    }

    /// part / whole, NaN when whole is 0.
    static func ratio(_ part: UInt64, _ whole: UInt64) -> Double { whole > 0 ? Double(part) / Double(whole) : .nan }

    /// Computes every metric of the collector's layout (`windows`: what the replication's windows
    /// gave, when the spec asks for windows).
    public init(
        replication: Int, spec: ModelSpec, collector c: borrowing ReplicationCollector, outcome: RunOutcome,
        windows: WindowOutcome? = nil
    ) {
        self.replication = replication
        self.outcome = outcome
        self.windows = windows
        let histograms = c.histograms
        self.histograms = histograms
        self.measuredEnded = c.ended
        self.measuredSuccesses = c.successes
        let windowNs = Double(spec.window.measured.nanoseconds)
        let ended = Double(c.ended)
        func level(_ integral: (ModelCounters) -> Double) -> Double {
            guard let o = c.opened, let e = c.closed else { return .nan }
            return (integral(e) - integral(o)) / windowNs
        }
        /// The window's count of entry k of a per-station (or per-region) counter; nil when a
        /// snapshot is missing or lacks the entry.
        func counted(_ k: Int, _ counter: (ModelCounters) -> [UInt64]) -> UInt64? {
            guard let o = c.opened, let e = c.closed, k < counter(o).count, k < counter(e).count else { return nil }
            return counter(e)[k] - counter(o)[k]
        }
        func ratio(_ part: UInt64?, _ whole: UInt64?) -> Double {
            if let part, let whole { Self.ratio(part, whole) } else { .nan }
        }
        func perSecond(_ n: UInt64?) -> Double { n.map { Double($0) / (windowNs * 1e-9) } ?? .nan }
        let beyond = c.layout.tracksHops ? c.beyondQuantile(0.99) : []
        let account = spec.cost.flatMap {
            CostAccount(
                spec: spec, cost: $0, layout: c.layout, histograms: histograms, opened: c.opened, closed: c.closed,
                successes: c.successes)
        }
        let distributions = c.layout.distributionSources.map { source in
            if let o = c.opened, let e = c.closed {
                source.levels(in: e).since(source.levels(in: o))
            } else {
                LevelTimes()
            }
        }
        self.distributions = distributions
        let qs = MetricLayout.quantiles.map(\.q)
        let quantiles = histograms.map { $0.quantiles(qs) }
        func quantile(_ h: Int, _ q: Double) -> Double {
            guard let k = qs.firstIndex(of: q) else {
                preconditionFailure("a quantile metric's q is one of MetricLayout.quantiles")
            }
            return quantiles[h][k]
        }
        var values: [Double] = c.layout.metrics.map { m in
            switch m.kind {
            case .mean(let h): histograms[h].mean
            case .quantile(let h, let q): quantile(h, q)
            case .maximum(let h): histograms[h].maximumSeconds
            case .standardDeviation(let h): histograms[h].standardDeviation
            case .positiveShare(let h): histograms[h].positiveShare
            case .levelMean(let d): distributions[d].mean
            case .outageCount(let s):
                if let o = c.opened, let e = c.closed, s.map({ $0 < e.outages.count && $0 < o.outages.count }) ?? true {
                    Double(s.map { e.outages[$0] - o.outages[$0] } ?? (e.serviceOutages - o.serviceOutages))
                } else {
                    .nan
                }
            case .serviceAvailable: level { $0.serviceAvailableIntegral }
            case .podPendingTime(let k):
                if let o = c.opened, let e = c.closed, k < o.podsPending.count, k < e.podsPending.count {
                    Self.pendingTime(
                        integral: e.podPendingIntegral[k] - o.podPendingIntegral[k],
                        episodes: e.podPendingEpisodes[k] - o.podPendingEpisodes[k] + UInt64(o.podsPending[k]))
                } else {
                    .nan
                }
            case .clusterNodeChanges(let k, let added):
                if let o = c.opened, let e = c.closed, k < o.nodesAdded.count, k < e.nodesAdded.count {
                    added
                        ? Double(e.nodesAdded[k] - o.nodesAdded[k]) : Double(e.nodesRemoved[k] - o.nodesRemoved[k])
                } else {
                    .nan
                }
            case .regionAvailable(let g): level { g < $0.regionUpIntegral.count ? $0.regionUpIntegral[g] : .nan }
            case .regionRequestRate(let g): perSecond(counted(g) { $0.dnsResolved })
            case .dnsStaleRate:
                if let o = c.opened, let e = c.closed {
                    Self.ratio(
                        e.dnsStale - o.dnsStale, e.dnsResolved.reduce(0, +) - o.dnsResolved.reduce(0, +))
                } else {
                    .nan
                }
            case .standbyFailovers(let s):
                if let o = c.opened, let e = c.closed, s < e.standbyFailovers.count, s < o.standbyFailovers.count {
                    Double(e.standbyFailovers[s] - o.standbyFailovers[s])
                } else {
                    .nan
                }
            case .standbyRecoveryMean(let s):
                if let o = c.opened, let e = c.closed, s < e.standbyRecoveries.count, s < o.standbyRecoveries.count,
                    e.standbyRecoveries[s] > o.standbyRecoveries[s]
                {
                    (e.standbyRecoveryNanoseconds[s] - o.standbyRecoveryNanoseconds[s]) * 1e-9
                        / Double(e.standbyRecoveries[s] - o.standbyRecoveries[s])
                } else {
                    .nan
                }
            case .regionCrossingRate(let g): perSecond(counted(g) { $0.regionCrossings })
            case .replicationBacklog(let h, let replicas):
                histograms[h].sum / windowNs / Double(replicas)
            case .outageMeanTime, .componentDowntimeMonthly: .nan  // from other metrics, below
            case .queueTimedOut(let s): ratio(counted(s) { $0.timedOut }, counted(s) { $0.entered })
            case .preemptions(let s): ratio(counted(s) { $0.preempted }, counted(s) { $0.entered })
            case .queueFull(let s): ratio(counted(s) { $0.refused }, counted(s) { $0.entered })
            case .stationArrivalRate(let s): perSecond(counted(s) { $0.entered })
            case .stationThroughput(let h): Double(histograms[h].count) / (windowNs * 1e-9)
            case .inspectionBlocked(let s): ratio(counted(s) { $0.blocked }, counted(s) { $0.entered })
            case .inspectionUninspected(let s): ratio(counted(s) { $0.uninspected }, counted(s) { $0.entered })
            case .levelQuantile(let d, let q): distributions[d].quantile(q)
            case .availability: ended > 0 ? Double(c.successes) / ended : .nan
            case .goodRatio: ended > 0 ? Double(c.good) / ended : .nan
            case .errorRate(let cause): ended > 0 ? Double(c.errors[Int(cause.rawValue)]) / ended : .nan
            case .errorsAt(let s): ended > 0 ? Double(c.blamed.isEmpty ? 0 : c.blamed[s]) / ended : .nan
            case .errorsInZone(let z): ended > 0 ? Double(c.blamedZones.isEmpty ? 0 : c.blamedZones[z]) / ended : .nan
            case .classAvailability(let k): Self.ratio(c.classSuccesses(k), c.classEnded(k))
            case .classErrorRate(let k, let cause): Self.ratio(c.classErrors(k, cause), c.classEnded(k))
            case .classThroughput(let k): Double(c.classSuccesses(k)) / (windowNs * 1e-9)
            case .classArrivalRate(let k): Double(c.classEnded(k)) / (windowNs * 1e-9)
            case .classReached(let k, let s): Self.ratio(c.classVisits(k, station: s), c.classEnded(k))
            case .throughput: Double(c.successes) / (windowNs * 1e-9)
            case .arrivalRate: ended / (windowNs * 1e-9)
            case .inSystemMean: level { $0.inSystemIntegral }
            case .utilization(let s):
                // An autoscaled pool: busy time over the capacity of its serving instances.
                spec.stations[s].autoscale != nil
                    ? level { $0.busyIntegral[s] } / level { $0.servingIntegral[s] }
                        / Double(spec.stations[s].workers ?? 1)
                    : level { $0.busyIntegral[s] } / Double(spec.stations[s].totalWorkers ?? 1)
            case .databaseUtilization(let s, let d, let node):
                if let o = c.opened, let e = c.closed, let workers = spec.stations[s].databaseNodeWorkers?[node] ?? nil
                {
                    (e.databases[d].busyIntegral[node] - o.databases[d].busyIntegral[node]) / windowNs
                        / Double(workers)
                } else {
                    .nan
                }
            case .busyMean(let s): level { $0.busyIntegral[s] }
            case .queueMean(let s): level { $0.queueIntegral[s] }
            case .instancesMean(let s):
                spec.stations[s].autoscale != nil || spec.deploys.contains(where: { $0.station == s && $0.holdsExtra })
                    ? level { $0.heldIntegral[s] } : Double(spec.stations[s].instances)
            case .instancesPeak(let s): c.closed.map { Double($0.heldPeak[s]) } ?? .nan
            case .instancesServing(let s): level { $0.servingIntegral[s] }
            case .scalingActions(let s):
                if let o = c.opened, let e = c.closed {
                    Double(e.scalingActions[s] - o.scalingActions[s])
                } else {
                    .nan
                }
            case .underTargetShare(let s): level { $0.underTargetIntegral[s] }
            case .beyondP99(let s): beyond[s]
            case .attemptsMean: ended > 0 ? Double(c.attempts) / ended : .nan
            case .wastedAttemptRate: Self.perAttempt(c) { $0.wastedAttempts }
            case .droppedAttemptRate: Self.perAttempt(c) { $0.droppedAttempts }
            case .instancesUp(let s): level { $0.upIntegral[s] }
            case .instancesAvailable(let s): level { $0.availableIntegral[s] }
            case .failureCount(let s):
                if let o = c.opened, let e = c.closed { Double(e.failures[s] - o.failures[s]) } else { .nan }
            case .deployRolledBack(let d):
                c.closed.map { $0.deployOutcomes[d] < 0 ? .nan : Double($0.deployOutcomes[d]) } ?? .nan
            case .deployResponses(let d):
                if let o = c.opened, let e = c.closed {
                    Double(e.deployResponses[d] - o.deployResponses[d])
                } else {
                    .nan
                }
            case .deployErrors(let d):
                if let o = c.opened, let e = c.closed { Double(e.deployErrors[d] - o.deployErrors[d]) } else { .nan }
            case .availabilityTime: windows?.availabilityTime ?? .nan
            case .downtimeMonthly: windows?.downtimeMonthly ?? .nan
            case .windowsJudged: windows?.judgedShare ?? .nan
            case .staleReadRate:
                if let o = c.opened, let e = c.closed {
                    Self.ratio(
                        e.databases.reduce(0) { $0 + $1.staleReads } - o.databases.reduce(0) { $0 + $1.staleReads },
                        e.databases.reduce(0) { $0 + $1.judgedReads } - o.databases.reduce(0) { $0 + $1.judgedReads })
                } else {
                    .nan
                }
            case .databaseReads(let d, let node):
                if let o = c.opened, let e = c.closed {
                    Double(
                        node.map { e.databases[d].reads[$0] - o.databases[d].reads[$0] }
                            ?? (e.databases[d].reads.reduce(0, +) - o.databases[d].reads.reduce(0, +)))
                        / (windowNs * 1e-9)
                } else {
                    .nan
                }
            case .databaseFailover(let d, let figure):
                if let o = c.opened, let e = c.closed {
                    figure.value(opened: o.databases[d], closed: e.databases[d], windowNs: windowNs)
                } else {
                    .nan
                }
            case .databaseWrites(let d):
                if let o = c.opened, let e = c.closed {
                    Double(e.databases[d].writes - o.databases[d].writes) / (windowNs * 1e-9)
                } else {
                    .nan
                }
            case .cacheHitRatio(let s):
                if let o = c.opened, let e = c.closed, e.cacheLookups[s] > o.cacheLookups[s] {
                    Double(e.cacheHits[s] - o.cacheHits[s]) / Double(e.cacheLookups[s] - o.cacheLookups[s])
                } else {
                    .nan
                }
            case .cacheLookupRate(let s):
                if let o = c.opened, let e = c.closed {
                    Double(e.cacheLookups[s] - o.cacheLookups[s]) / (windowNs * 1e-9)
                } else {
                    .nan
                }
            case .cacheBypassRate(let s):
                if let o = c.opened, let e = c.closed,
                    e.cacheLookups[s] + e.cacheBypassed[s] > o.cacheLookups[s] + o.cacheBypassed[s]
                {
                    Double(e.cacheBypassed[s] - o.cacheBypassed[s])
                        / Double(e.cacheLookups[s] + e.cacheBypassed[s] - o.cacheLookups[s] - o.cacheBypassed[s])
                } else {
                    .nan
                }
            case .cost(let figure, _):
                if let account, let cost = spec.cost { account.value(figure, spec: spec, cost: cost) } else { .nan }
            }
        }
        // Metrics derived from others of this replication.
        let windowSeconds = windowNs * 1e-9
        for (i, m) in c.layout.metrics.enumerated() {
            switch m.kind {
            case .outageMeanTime(let count, let share):
                let time = share.map { values[$0] * windowSeconds } ?? windowSeconds
                values[i] = values[count] > 0 ? time / values[count] : .nan
            case .componentDowntimeMonthly(let share):
                values[i] = (1 - values[share]) * Self.monthSeconds
            default: break
            }
        }
        self.values = values
    }

    /// A 730-hour month, in seconds.
    static let monthSeconds = 730.0 * 3600
}
