import SimKernel
import SimRandom

/// A complete, validated description of what one replication simulates. Built by the scenario
/// layer from a YAML file; the model never sees YAML. Plain values only.
public struct ModelSpec: Sendable {
    public var stations: [StationSpec]
    public var classes: [RequestClass]
    /// The arrival process shared by the classes without their own (split by weight); nil when
    /// every class has its own.
    public var arrivals: ArrivalProcess?
    public var window: RunWindow
    /// A replication stops as unstable when more requests than this are in flight at once, so an
    /// overloaded design is reported rather than eating memory.
    public var maxInFlight: Int
    /// A replication stops when its kernel has delivered this many events (`--max-events`), so
    /// a scenario that asks for more simulation than a job allows ends with a message, not a
    /// time-out. `.max` = no limit.
    public var maxEvents: UInt64 = .max
    /// Checked every `Simulation.stopCheckInterval` events: once it is set, the replication
    /// stops and reports itself interrupted (its figures are then not used). nil = never.
    public var stopRequest: StopRequest?
    /// Told every `Simulation.stopCheckInterval` events how far the replication has got (a
    /// progress display reads it); nil = nobody watches.
    public var progress: RunProgress?
    /// The latency a request must answer within to count as good (`latency_objective`): not
    /// simulated, but counted by the statistics as `latency.good_ratio`. nil = not reported.
    public var latencyObjective: SimDuration?
    /// Zones that fail as a whole, and the events scheduled on the timeline.
    public var zones: [ZoneSpec] = []
    /// Regions (`regions:`): groups of zones that fail as a whole, where components live and
    /// users are, with the round trips between them. Empty: none.
    public var regions = Regions()
    /// Global traffic management between the regions' entry components (`dns:`); nil: none.
    public var dns: DNSSpec?
    public var events: [ScheduledEvent] = []
    /// Deploys of new versions (`rolling_deploy:`, `canary_deploy:`, `blue_green_deploy:` events).
    public var deploys: [DeploySpec] = []
    /// Clusters of nodes (`kind: cluster`) that pools with a `StationSpec.pod` run on.
    public var clusters: [ClusterSpec] = []
    /// A time-varying multiplier of the rate of every Poisson arrival process
    /// (`workload.profile`); nil = constant rates.
    public var profile: RateProfile?
    /// Time-based availability (`availability:`): not simulated, judged by the statistics per
    /// window. nil = not reported.
    public var availability: AvailabilityObjective?
    /// Length of the windows of a per-window time series (`capsim run --timeseries`); nil = none.
    public var timeSeriesWindow: SimDuration?
    /// Prices (`cost:`): not simulated, turned into money by the statistics. nil = nothing is
    /// priced, and no cost is reported.
    public var cost: CostModel?

    /// The window lengths the statistics need, each a clock of boundary ticks (its index is the
    /// tick's `clock`): the availability window first, then the time series' if it differs.
    /// Empty — the default — schedules no tick, so the run is event for event what it was.
    public var windowLengths: [SimDuration] {
        var lengths: [SimDuration] = []
        if let a = availability { lengths.append(a.window) }
        if let t = timeSeriesWindow, !lengths.contains(t) { lengths.append(t) }
        return lengths
    }

    public init(
        stations: [StationSpec], classes: [RequestClass], arrivals: ArrivalProcess?,
        window: RunWindow, maxInFlight: Int = 2_000_000
    ) {
        self.stations = stations
        self.classes = classes
        self.arrivals = arrivals
        self.window = window
        self.maxInFlight = maxInFlight
    }

    /// True when some class makes synchronous calls (a path of two or more stations): its
    /// stations then have an inclusive time distinct from their own.
    public var hasCallChains: Bool { classes.contains { $0.mode == .synchronous && $0.calls.count > 1 } }

    /// True when requests visit more than one station, so a per-hop breakdown of slow
    /// requests is worth keeping.
    public var tracksHops: Bool { stations.count > 1 }

    /// True when some class's visit to station `s` brings a service demand of its own
    /// (`CallNode.service`): the station's demand is then a mixture over its visits.
    public func hasVisitServices(station s: Int) -> Bool {
        classes.contains { c in c.calls.contains { $0.station == s && $0.service != nil } }
    }

    /// Station s's priority level of each class (aligned with `classes`; 0 the most urgent):
    /// the position of the class in the station's `priorityClasses`, or their count for a
    /// class not named. Empty unless the station's discipline is `.priority`.
    public func priorityLevels(station s: Int) -> [Int32] {
        guard stations[s].discipline == .priority else { return [] }
        let named = stations[s].priorityClasses
        return classes.map { c in Int32(named.firstIndex(of: c.name) ?? named.count) }
    }

    /// True when station s's instances can go down: it fails on its own, sits in a zone, or
    /// a scheduled event (a canary deploy's restarts among them) takes some of its instances.
    public func canGoDown(_ s: Int) -> Bool {
        if stations[s].failures != nil || !stations[s].zones.isEmpty { return true }
        if deploys.contains(where: { $0.station == s && !$0.isBlueGreen }) { return true }
        // A pod may be pending (no node with room for it).
        if stations[s].pod != nil { return true }
        if stations[s].regionsSpanned.contains(where: { regions.list[$0].failures != nil }) { return true }
        return events.contains { e in
            switch e.action {
            case .outage(let refs, _, _), .maintenance(let refs, _, _), .zoneOutage(_, let refs, _, _),
                .regionOutage(_, let refs, _, _):
                refs.contains { $0.station == s }
            case .rolling(let station, _, _, _, _, _): station == s
            // A database's switchover takes its writes away for a while.
            case .switchover(let station): station == s
            // A database's total loss takes it down for its restore.
            case .dataLoss(let station): station == s
            case .degrade, .cacheFlush: false
            }
        }
    }

    /// Stations one strand of a synchronous request may hold at once besides the one it is at:
    /// the depth of the deepest call tree (a chain of n stations: n − 1).
    var callDepth: Int { classes.filter { $0.mode == .synchronous }.map(\.treeDepth).max() ?? 0 }
}

/// The time frame of one replication.
///
/// Arrivals happen in `[0, horizon)`; requests arriving at or after `warmup` are measured; level
/// statistics cover `[warmup, horizon]`. After the horizon, requests in flight drain for at most
/// `drain`; any still in flight then end as `in_flight_at_end`.
public struct RunWindow: Sendable, Equatable {
    public var warmup: SimTime
    public var horizon: SimTime
    public var drain: SimDuration

    public init(warmup: SimTime, horizon: SimTime, drain: SimDuration) {
        self.warmup = warmup
        self.horizon = horizon
        self.drain = drain
    }
    /// Length of the measurement window.
    public var measured: SimDuration { horizon - warmup }
}

/// A pool of identical instances, each with `workers` parallel servers and a FIFO queue of
/// `queueCapacity` waiting slots (a station instance holds at most workers + queue requests).
public struct StationSpec: Sendable, Equatable {
    /// The component's name (its key under `components:`), used in metric ids and stream keys.
    public var name: String
    public var instances: Int
    /// Parallel workers per instance; nil = unlimited (a pure delay, e.g. a network hop).
    public var workers: Int?
    /// Waiting slots per instance; nil = unlimited.
    public var queueCapacity: Int?
    /// Service demand in seconds.
    public var service: Distribution
    /// How an arriving request picks an instance.
    public var balance: BalancePolicy
    /// Relative weights of the instances for `.weightedRoundRobin` (one positive whole number per
    /// instance; nil there means equal weights). Ignored by the other policies.
    public var weights: [Int]?
    /// The order in which an instance serves its requests (FIFO by default), or processor
    /// sharing (then `workers` are cores shared by every request in service, and an instance
    /// admits at most workers + queue requests).
    public var discipline: QueueDiscipline
    /// Under `.priority`: the classes (names in `ModelSpec.classes`) a free worker serves first,
    /// most urgent first; the classes not named come after them. Empty under other disciplines.
    public var priorityClasses: [String] = []
    /// Under `.priority`: whether a more urgent request takes the worker of a less urgent one
    /// in service (`.resume`), or waits for one to come free (`.never`, the default).
    public var preemption: Preemption = .never
    /// A waiting attempt whose client has already given up is dropped when a worker would take
    /// it, instead of being served for nobody (`drop_expired: true`).
    public var dropExpired: Bool
    /// A request waiting in an instance's line longer than this is dropped unserved (`timeout:`);
    /// nil = it waits as long as it takes.
    public var queueTimeout: QueueTimeout?
    /// How its instances fail and are repaired; nil = they never fail.
    public var failures: FailureSpec?
    /// How its balancer notices dead instances; nil = it never does (requests keep going to a
    /// dead instance: refused at once after a crash, stuck after a hang).
    public var healthCheck: HealthCheck?
    /// Active/passive pairs (a load balancer's high availability): each instance is two units,
    /// each failing by `failures`; when the active one fails and the passive is up, the instance
    /// refuses requests (`failover`) for the switch time, then serves on the passive (see
    /// `FailoverSpec`). nil: one unit.
    public var failover: FailoverSpec?
    /// The zones its instances are spread over, in turn (instance j in zones[j mod count] for j
    /// < `zonedInstances`); names of `ModelSpec.zones`. Empty: in no zone.
    public var zones: [Int] = []
    /// The instances placed in `zones`: all of them, but for a database only its nodes in its
    /// own region (a replica in another region is in none of its zones).
    public var zonedInstances: Int { database.map { $0.localReplicas + 1 } ?? instances }
    /// The region of instance j: `region`, but a database's remote replicas' own.
    public func region(ofInstance j: Int) -> Int? {
        guard let home = region, let db = database, !db.remote.isEmpty else { return region }
        return db.nodeRegions(home: home)[j]
    }
    /// Every region some instance lives in.
    public var regionsSpanned: [Int] { (region.map { [$0] } ?? []) + (database?.remote.map(\.region) ?? []) }
    /// The region it lives in (index into `ModelSpec.regions.list`): a call to it from another
    /// region pays the pair's round trip, and the region's outages take all its instances.
    /// nil: in no region (reached from anywhere at no extra latency).
    public var region: Int?
    /// `vnodes:` and `load_factor:` of `.consistentHash` (defaults 100 and 1.25). Ignored by
    /// the other policies.
    public var consistentHash = ConsistentHashOptions()
    /// A `kind: database`: instance 0 is the primary (`workers`, `queueCapacity` and `service`
    /// are its own), instances 1…n the replicas. nil for a server pool.
    public var database: DatabaseSpec?
    /// What makes it a cache (`kind: cache` or `cdn`); nil for a plain pool. See `CacheSpec`.
    public var cache: CacheSpec?
    /// TLS termination (`tls:`): CPU added to each request's service; nil = none. See `TLSSpec`.
    public var tls: TLSSpec?
    /// A token bucket in front of the component (`rate_limit:`); nil = none. See `RateLimitSpec`.
    public var rateLimit: RateLimitSpec?
    /// What makes it an inspection stage (`kind: firewall`, `waf` or `ids`); nil for a plain
    /// pool. See `InspectionSpec`.
    public var inspection: InspectionSpec?
    /// A limit on the requests in flight at each instance (`concurrency_limit:`); nil = none.
    /// See `ConcurrencyLimitSpec`.
    public var concurrencyLimit: ConcurrencyLimitSpec?
    /// Target-tracking autoscaling (`autoscale:`); nil = a fixed fleet. When set, `instances` is
    /// the policy's `max` and `autoscale.initial` serve at time 0 (see `AutoscalePolicy`).
    public var autoscale: AutoscalePolicy?
    /// A standby pool of an active/passive region pair (`standby:`); nil = none. See
    /// `StandbySpec`.
    public var standby: StandbySpec?
    /// The pool runs on a cluster (`cluster:`, `pod:`): each instance is a pod with these
    /// requests, placed on a node by the cluster's scheduler; nil = instances of its own.
    public var pod: PodSpec?

    public init(
        name: String, instances: Int = 1, workers: Int? = 1, queueCapacity: Int? = nil,
        service: Distribution, balance: BalancePolicy = .roundRobin, weights: [Int]? = nil,
        discipline: QueueDiscipline = .fifo, dropExpired: Bool = false,
        failures: FailureSpec? = nil, healthCheck: HealthCheck? = nil
    ) {
        self.name = name
        self.instances = instances
        self.workers = workers
        self.queueCapacity = queueCapacity
        self.service = service
        self.balance = balance
        self.weights = weights
        self.discipline = discipline
        self.dropExpired = dropExpired
        self.failures = failures
        self.healthCheck = healthCheck
    }

    /// The largest share of the station's requests one instance receives in the long run:
    /// 1/instances, or w_max/Σw under weighted round robin. The heaviest instance saturates
    /// first: its utilisation is the pool's average × share × instances (weights [3, 1] at 60 %
    /// average: 90 %), so an offered-load check should use this share, not 1/instances.
    public var heaviestInstanceShare: Double {
        if balance == .weightedRoundRobin, let w = weights, w.count == instances, let top = w.max() {
            return Double(top) / Double(w.reduce(0, +))
        }
        return 1 / Double(instances)
    }
}
