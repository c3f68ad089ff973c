import InfraModel
import SimKernel

/// One metric: its dotted id, the same in the table, CSV and JSON (README "Metrics"), its values
/// in SI base units (seconds, requests/s, fractions), and what it measures.
public struct MetricDefinition: Sendable, Equatable {
    public var id: String
    public var kind: MetricKind
    public init(id: String, kind: MetricKind) {
        self.id = id
        self.kind = kind
    }
    public var unit: MetricUnit { kind.unit }
}

/// The metrics a model reports, in a fixed order derived from the model (stations and classes
/// in file order), so every replication's values line up and every output has stable columns.
public struct MetricLayout: Sendable, Equatable {
    public private(set) var metrics: [MetricDefinition] = []
    /// Names of the histograms kept per replication, e.g. `latency`, `hop.web.wait`.
    public private(set) var histograms: [String] = []
    /// Counts whose time-average distribution is kept per replication (`in_system`,
    /// `queue.<station>`, `in_system.<station>`), aligned with `distributionSources`.
    public private(set) var distributions: [String] = []
    public private(set) var distributionSources: [CountSource] = []
    /// Per station, then the service last: the index of its outage-duration histogram, −1 for
    /// none (empty when nothing can go down). See `outageHistogram(station:)`.
    var outageHistogram: [Int] = []
    /// Length of the measurement window in seconds.
    public private(set) var windowSeconds = 0.0
    /// Index of the first hop histogram; station s has wait at hopBase + hopStride·s, self at
    /// hopBase + hopStride·s + 1 and, with call chains, inclusive at hopBase + hopStride·s + 2.
    public private(set) var hopBase = 0
    /// 3 when the model has synchronous call chains (inclusive time differs from self time), else 2.
    public private(set) var hopStride = 2
    /// Index of the first per-class latency histogram (only when there is more than one class).
    public private(set) var classBase: Int?
    /// Per class, whether it is an attack class (`RequestClass.attack`), when there is more than
    /// one class; empty with one (which is never an attack class). An attack class's requests
    /// count in their class's figures only, never in the headline's.
    public private(set) var attackClasses: [Bool] = []
    /// True when some class is an attack class.
    public var hasAttack: Bool { attackClasses.contains(true) }
    /// Stations visited by each class, in path order (for the breakdown of slow requests).
    public private(set) var classPaths: [[Int]] = []
    /// Number of stations; the slow-request breakdown is kept only when requests visit several.
    public private(set) var stationCount = 0
    public private(set) var zoneCount = 0
    public private(set) var tracksHops = false
    /// The latency objective in ns, when the scenario sets one.
    public private(set) var latencyObjective: Int64?
    /// Metrics counting the failure events a replication saw (`failures.<c>.count`), when the
    /// design has random failure processes (instances' or zones' `failures:`); empty otherwise.
    /// An availability verdict needs enough of these events behind it (see `SLOGate`).
    public private(set) var failureEvidence: [Int] = []
    /// A caution about the cost figures (a month extrapolated from a short slice), if any.
    public private(set) var costWarning: String?
    /// Index of the first replication-lag histogram (database d's is lagBase + d); nil without databases.
    public internal(set) var lagBase: Int?
    /// Per database: the index of its failover RTO histogram (`db.<c>.rto`), −1 without `failover:`.
    public internal(set) var rtoHistograms: [Int] = []

    /// Below this much measured time, a monthly cost that depends on the load is extrapolated
    /// from a slice shorter than a day (such as a peak hour), and a warning says so.
    public static let representativeCostWindow = SimDuration.seconds(24 * 3600)

    /// The percentiles reported for every latency-like histogram, with their id suffixes.
    public static let quantiles: [(suffix: String, q: Double)] = [
        ("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99), ("p999", 0.999),
    ]

    public init(spec: ModelSpec) {
        addLatency("latency")
        if spec.classes.count > 1 {
            classBase = histograms.count
            for c in spec.classes { addLatency("class.\(c.name).latency") }
            attackClasses = spec.classes.map(\.attack)
        }
        windowSeconds = spec.window.measured.seconds
        hopBase = histograms.count
        hopStride = spec.hasCallChains ? 3 : 2
        for s in spec.stations {
            addLatency("hop.\(s.name).wait")
            add("hop.\(s.name).wait.probability", .positiveShare(histogram: histograms.count - 1))
            addLatency("hop.\(s.name).self")
            if hopStride == 3 { addLatency("hop.\(s.name).inclusive") }
        }
        classPaths = spec.classes.map(\.path)
        stationCount = spec.stations.count
        tracksHops = spec.tracksHops
        if tracksHops {
            for (i, s) in spec.stations.enumerated() { add("hop.\(s.name).self.beyond_p99", .beyondP99(station: i)) }
        }
        add("availability.request", .availability)
        if spec.availability != nil {
            add("availability.time", .availabilityTime)
            add("downtime.monthly", .downtimeMonthly)
            add("availability.windows.judged", .windowsJudged)
        }
        latencyObjective = spec.latencyObjective?.nanoseconds
        if latencyObjective != nil { add("latency.good_ratio", .goodRatio) }
        for cause in ErrorCause.allCases { add("errors.\(cause.id).rate", .errorRate(cause)) }
        if spec.stations.count > 1 {
            for (i, s) in spec.stations.enumerated() { add("errors.at.\(s.name).rate", .errorsAt(station: i)) }
        }
        zoneCount = spec.zones.count
        for (z, zone) in spec.zones.enumerated() { add("errors.zone.\(zone.name).rate", .errorsInZone(zone: z)) }
        add("throughput", .throughput)
        add("arrival_rate", .arrivalRate)
        add("in_system.mean", .inSystemMean)
        addDistribution("in_system", .inSystem, mean: false)
        if spec.classes.contains(where: { $0.client != nil }) {
            add("attempts.mean", .attemptsMean)
            add("attempts.wasted.rate", .wastedAttemptRate)
            add("attempts.dropped.rate", .droppedAttemptRate)
        }
        addClassOutcomes(spec)
        for (i, s) in spec.stations.enumerated() {
            for (id, node) in spec.utilizationMetrics(station: i) {
                add(
                    id,
                    node.map { .databaseUtilization(station: i, database: $0.database, node: $0.node) }
                        ?? .utilization(station: i))
            }
            add("throughput.\(s.name)", .stationThroughput(histogram: hopBase + hopStride * i + 1))
            add("arrival_rate.\(s.name)", .stationArrivalRate(station: i))
            add("busy.\(s.name).mean", .busyMean(station: i))
            add("queue.\(s.name).mean", .queueMean(station: i))
            if s.workers != nil && s.discipline != .processorSharing {
                addDistribution("queue.\(s.name)", .queue(station: i), mean: false)
            }
            addDistribution("in_system.\(s.name)", .present(station: i), mean: true)
            if s.workers != nil && s.queueCapacity != nil { add("queue.\(s.name).full.rate", .queueFull(station: i)) }
            if s.queueTimeout != nil { add("queue.\(s.name).timed_out.rate", .queueTimedOut(station: i)) }
            if s.discipline == .priority && s.preemption == .resume {
                add("queue.\(s.name).preemptions.mean", .preemptions(station: i))
            }
            add("instances.\(s.name).mean", .instancesMean(station: i))
            if s.autoscale != nil {
                add("instances.\(s.name).peak", .instancesPeak(station: i))
                add("instances.\(s.name).serving.mean", .instancesServing(station: i))
                add("autoscale.\(s.name).actions", .scalingActions(station: i))
                add("autoscale.\(s.name).under_target.share", .underTargetShare(station: i))
            }
            if spec.canGoDown(i) {
                add("instances.\(s.name).up.mean", .instancesUp(station: i))
                // A database is available while it takes writes: a replica up does not count.
                if s.database != nil {
                    let d = spec.stations[..<i].filter { $0.database != nil }.count
                    add("availability.\(s.name).instances", .databaseFailover(database: d, .writable))
                } else {
                    add("availability.\(s.name).instances", .instancesAvailable(station: i))
                }
                add("failures.\(s.name).count", .failureCount(station: i))
            }
        }
        addOutages(spec)
        addRegions(spec)
        addDatabases(spec)
        addClusters(spec)
        for (i, s) in spec.stations.enumerated() where s.cache != nil {
            add("cache.\(s.name).hit_ratio", .cacheHitRatio(station: i))
            add("cache.\(s.name).lookups.rate", .cacheLookupRate(station: i))
            add("cache.\(s.name).bypass.rate", .cacheBypassRate(station: i))
        }
        for (i, s) in spec.stations.enumerated() where s.inspection != nil {
            add("inspection.\(s.name).blocked.rate", .inspectionBlocked(station: i))
            add("inspection.\(s.name).uninspected.rate", .inspectionUninspected(station: i))
        }
        // A pool's first deploy is `deploy.<c>`, its later ones `deploy.<c>.2`, `deploy.<c>.3`, …
        var deploysOf: [Int: Int] = [:]
        for (d, deploy) in spec.deploys.enumerated() {
            let n = deploysOf[deploy.station, default: 0] + 1
            deploysOf[deploy.station] = n
            let base = "deploy.\(spec.stations[deploy.station].name)" + (n == 1 ? "" : ".\(n)")
            if deploy.analysis != nil { add(base + ".rolled_back", .deployRolledBack(deploy: d)) }
            add(base + ".new_version.responses", .deployResponses(deploy: d))
            add(base + ".new_version.errors", .deployErrors(deploy: d))
        }
        if let cost = spec.cost { addCost(cost, spec: spec) }
        noteFailureEvidence(spec)
    }

    /// `cost.horizon`, `cost.monthly`, `cost.per_million_successful`, the monthly split by kind of
    /// price (for each kind the scenario gives), then each priced component's monthly cost.
    private mutating func addCost(_ cost: CostModel, spec: ModelSpec) {
        let currency = cost.currency
        add("cost.horizon", .cost(.horizon, currency: currency))
        add("cost.monthly", .cost(.monthly, currency: currency))
        add("cost.per_million_successful", .cost(.perMillionSuccessful, currency: currency))
        if cost.hasInstancePrice { add("cost.monthly.instances", .cost(.monthlyInstances, currency: currency)) }
        if cost.hasRequestPrice { add("cost.monthly.requests", .cost(.monthlyRequests, currency: currency)) }
        if cost.hasEgressPrice { add("cost.monthly.egress", .cost(.monthlyEgress, currency: currency)) }
        if cost.hasTelemetryPrice { add("cost.monthly.telemetry", .cost(.monthlyTelemetry, currency: currency)) }
        if cost.hasNodePrice { add("cost.monthly.nodes", .cost(.monthlyNodes, currency: currency)) }
        for (i, s) in spec.stations.enumerated() where cost.stations[i] != nil {
            add("cost.\(s.name).monthly", .cost(.componentMonthly(station: i), currency: currency))
        }
        for (c, cluster) in spec.clusters.enumerated() where c < cost.clusters.count && cost.clusters[c] != nil {
            add("cost.\(cluster.name).monthly", .cost(.clusterMonthly(cluster: c), currency: currency))
        }
        let measured = spec.window.measured
        // An autoscaled fleet's instance-hours (or an autoscaled cluster's node-hours) follow
        // the load too.
        let scaledInstances = spec.stations.indices.contains {
            spec.stations[$0].autoscale != nil && cost.stations[$0]?.instanceHour != nil
        }
        let scaledNodes = spec.clusters.indices.contains {
            spec.clusters[$0].autoscale != nil && $0 < cost.clusters.count && cost.clusters[$0] != nil
        }
        let scaled = scaledInstances || scaledNodes
        if (cost.dependsOnLoad || scaled) && measured < Self.representativeCostWindow {
            let what =
                scaledInstances && scaledNodes ? "instance and node" : scaledInstances ? "instance" : "node"
            let parts =
                cost.dependsOnLoad && scaled
                ? "request, egress\(cost.hasTelemetryPrice ? ", telemetry" : "") and autoscaled \(what) costs"
                : scaled
                    ? "autoscaled \(what) costs"
                    : cost.hasTelemetryPrice ? "request, egress and telemetry costs" : "request and egress costs"
            costWarning =
                "cost.monthly extrapolates \(measured) of measured time to a 730-hour month; its \(parts) assume that slice's load all month, which a slice shorter than a day (such as a peak hour) does not represent"
        }
    }

    /// With more than one class, each class's outcomes (`class.<c>.availability.request`,
    /// `class.<c>.errors.<cause>.rate`, `class.<c>.throughput`, `class.<c>.arrival_rate`), and for
    /// an attack class how much of it reached each component on its path (`class.<c>.reached.<s>`,
    /// stations in file order).
    private mutating func addClassOutcomes(_ spec: ModelSpec) {
        guard spec.classes.count > 1 else { return }
        for (k, c) in spec.classes.enumerated() {
            let base = "class.\(c.name)"
            add(base + ".availability.request", .classAvailability(classIndex: k))
            for cause in ErrorCause.allCases {
                add("\(base).errors.\(cause.id).rate", .classErrorRate(classIndex: k, cause))
            }
            add(base + ".throughput", .classThroughput(classIndex: k))
            add(base + ".arrival_rate", .classArrivalRate(classIndex: k))
            guard c.attack else { continue }
            let path = Set(c.path)
            for (s, station) in spec.stations.enumerated() where path.contains(s) {
                add("\(base).reached.\(station.name)", .classReached(classIndex: k, station: s))
            }
        }
    }

    /// Called at the end of `init`: the failure-count metrics that back availability verdicts.
    private mutating func noteFailureEvidence(_ spec: ModelSpec) {
        guard
            spec.stations.contains(where: { $0.failures != nil }) || spec.zones.contains(where: { $0.failures != nil })
        else { return }
        failureEvidence = metrics.indices.filter { if case .failureCount = metrics[$0].kind { true } else { false } }
    }

    mutating func addLatency(_ name: String) {
        let h = histograms.count
        histograms.append(name)
        add(name + ".mean", .mean(histogram: h))
        add(name + ".stddev", .standardDeviation(histogram: h))
        for (suffix, q) in Self.quantiles { add("\(name).\(suffix)", .quantile(histogram: h, q: q)) }
        add(name + ".max", .maximum(histogram: h))
    }

    /// A count's time-average distribution: `<name>.mean` when asked (a count whose mean has
    /// no metric yet), then `<name>.p50` … `<name>.p999`.
    mutating func addDistribution(_ name: String, _ source: CountSource, mean: Bool) {
        let d = distributions.count
        distributions.append(name)
        distributionSources.append(source)
        if mean { add(name + ".mean", .levelMean(distribution: d)) }
        for (suffix, q) in Self.quantiles { add("\(name).\(suffix)", .levelQuantile(distribution: d, q: q)) }
    }

    mutating func add(_ id: String, _ kind: MetricKind) { metrics.append(MetricDefinition(id: id, kind: kind)) }

    /// Index of a metric by id (linear: for tests and lookups outside the hot path).
    public func index(of id: String) -> Int? { metrics.firstIndex { $0.id == id } }
}
