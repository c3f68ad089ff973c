import SimKernel
import SimRandom

/// One replication of a model, and the router of its events: it owns the kernel, the request
/// table and each kind of component's state, and hands every event to the component it belongs
/// to (see ARCHITECTURE.md).
///
/// A value type: the hot loop runs on it in place (the same loop in a `final class` measured
/// 1.7–2.8× slower here, from runtime exclusivity checks on class properties). Randomness is
/// keyed: service demands and instance choices are drawn from streams seated at (replication,
/// request serial + hop), so a request's demand at a hop does not depend on how many instances
/// or workers a design has (common random numbers).
public struct Simulation<Shape: ModelShape>: ~Copyable {
    // Hot state lives in buffers allocated once here and freed in `deinit`: the hot path reads
    // and writes them without copy-on-write uniqueness checks. `~Copyable` makes that safe:
    // a simulation cannot be copied, so nothing else can free or alias these buffers.
    //
    // `stations` is the first stored property on purpose: in a ThreadSanitizer build, Swift 6.3
    // instruments an access through a temporary copy of this struct as an access at the address
    // held in its first word. That word must be this replication's own memory; were it the
    // shared `spec` (an array buffer), replications on different threads would be reported as
    // racing on it (see Scripts/sanitize).
    let stations: UnsafeMutablePointer<StationState>
    /// Per instance, over all stations (station-major).
    let instances: UnsafeMutablePointer<InstanceState>
    /// Per instance (indexed as `instances`): the requests in flight there, busy workers plus
    /// waiting requests — `busy + waiting.count`, kept in step with both wherever either changes
    /// (`loadsDisagree()` checks it). The balancers read loads here: a probe of a random instance
    /// then reads one small dense array, not an instance's state, which in a fleet of thousands
    /// lies in cold memory.
    let loads: UnsafeMutablePointer<Int32>
    /// Whether the event loop prefetches what the next events read (`Simulation+Prefetch.swift`):
    /// with `prefetchFrom` instances or more, whose state and requests in flight outgrow the
    /// processor's caches. Below, the prefetch would only cost its instructions.
    let prefetching: Bool
    static var prefetchFrom: Int { 512 }
    public let spec: ModelSpec
    let replication: UInt32
    var kernel = Kernel<ModelEvent>()
    var requests: RequestSlab
    /// Where each class goes (paths, shared arrivals, synchronous or pipeline).
    let routes: ClassRoutes
    /// The classes' call trees and their run-time state (`CallTree/`).
    var calls: CallTrees
    /// Owns the generators behind every `RandomStream` (handles are plain pointers).
    let streams: StreamStore
    /// The arrival processes, class choice and request keys (`Arrivals/`).
    var arrivals: Arrivals
    /// Closed workloads' users (`Users/`).
    var users: Users
    /// Clients of classes with a `ClientPolicy` (`Clients/`), with the timer queues of clients and
    /// watched calls.
    var clients: ClientState
    /// What takes instances down on a schedule or at random beyond their own failures: the steps
    /// of scheduled events, zones, and active/passive pairs (`Failures/`, `LoadBalancer/`).
    var outages: Outages
    /// Caches' rules and contents (`Cache/`), databases in station order (`Database/`), and the
    /// autoscaled pools (`Autoscaler/`).
    var caches: CacheState
    var databases: ContiguousArray<DatabaseState>
    var autoscaling = Autoscaling()
    /// Clusters' nodes and their pods (`Cluster/`).
    var clusterState = ClusterState()
    /// The token buckets of rate-limited components (`RateLimit/`).
    var limits: RateLimits
    /// TLS termination's costs (`TLS/`).
    let tls: TLSState
    /// Regions: crossings between them and their outages (`Regions/`).
    var regions: RegionState
    /// DNS between the regions' entries (`DNS/`).
    var dns: DNSState
    /// Standby pools of a region pair (`Standby/`).
    var standbys = StandbyState()
    /// Inspection stages' detections (`Inspection/`).
    var inspections: Inspections
    /// Per-instance concurrency limits (`ConcurrencyLimit/`).
    var concurrency: ConcurrencyLimits
    /// Preemptive priority's requests in service and displaced requests (`ServerPool/`).
    var preemption: PreemptionTable
    /// Deploys of new versions (`Deploy/`).
    var deploys = Deploys()
    var counters: ModelCounters
    /// Time spent with each number of requests in the system (`counters.inSystem`).
    var inSystemLevels = LevelTally()
    var stage = RunStage.open
    /// What to blame for the error being handled: set where an error arises, read where the
    /// request ends, within one event.
    var blame = Blame()
    var fingerprint: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Stations and instances (over all stations).
    var stationCount: Int { spec.stations.count }
    var instanceCount: Int {
        stationCount == 0 ? 0 : Int(stations[stationCount - 1].firstInstance + stations[stationCount - 1].instanceCount)
    }
    /// Some station is a database (a feature: see `ModelShape`).
    var hasDatabases: Bool { Shape.hasFeatures && !databases.isEmpty }
    /// Whether the model uses a feature (see `ModelShape`): a `Simulation<CoreModel>` must not
    /// run one. Exact, from the built state; `ModelSpec.mayUseFeatures` is the estimate made
    /// before building.
    public var usesFeatures: Bool {
        !databases.isEmpty || caches.any || clients.any || users.any || arrivals.keys.any || dns.any || regions.any
            || tls.any || tls.anyRoundTrips || inspections.any || limits.any || concurrency.any || deploys.any
            || clusterState.any || preemption.any
    }
    /// The log of scaling changes (empty without autoscaling).
    public var scalingLog: [ScalingLogEntry] { autoscaling.log }
    /// When set (before `run`), the time spent with each combination of instances up per
    /// station is kept (`occupancy`), for the stratified availability estimator.
    public var tracksOccupancy: Bool {
        get { outages.occupancy != nil }
        set { outages.occupancy = newValue ? OccupancyLog() : nil }
    }

    /// Builds replication `replication` (0-based) of `spec`, drawing from `streams`
    /// (a store for this replication's thread; the streams it hands out are seated per draw).
    public init(spec: ModelSpec, streams: StreamStore, replication: Int) {
        self.spec = spec
        self.streams = streams
        databases = Self.databaseStates(spec, streams: streams)
        requests = RequestSlab(
            frameDepth: spec.callDepth, pathLength: spec.tracksHops ? spec.classes.map(\.path.count).max() ?? 0 : 0)
        routes = ClassRoutes(spec)
        calls = CallTrees(table: CallTable(spec.classes), stream: streams.stream(path: "workload", purpose: .routing))
        self.replication = UInt32(truncatingIfNeeded: replication)
        let instanceCount = spec.stations.reduce(0) { $0 + $1.instances }
        stations = .allocate(capacity: spec.stations.count)
        // On a cache-line boundary: see `InstanceState` for why.
        instances = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, instanceCount) * MemoryLayout<InstanceState>.stride, alignment: 64
        ).bindMemory(to: InstanceState.self, capacity: instanceCount)
        loads = .allocate(capacity: instanceCount)
        loads.initialize(repeating: 0, count: instanceCount)
        prefetching = instanceCount >= Self.prefetchFrom
        var next = 0
        for (s, st) in spec.stations.enumerated() {
            (stations + s).initialize(
                to: StationState(
                    spec: st, firstInstance: Int32(next),
                    service: streams.stream(path: "components." + st.name, purpose: .service),
                    routing: streams.stream(path: "components." + st.name, purpose: .routing),
                    failures: streams.stream(path: "components." + st.name, purpose: .failures),
                    patience: streams.stream(path: "components." + st.name, purpose: .patience),
                    visitServices: spec.hasVisitServices(station: s), classLevels: spec.priorityLevels(station: s)))
            for _ in 0..<st.instances {
                (instances + next).initialize(to: InstanceState(station: Int32(s)))
                next += 1
            }
        }
        var firstInstance: [Int] = []
        var members = Array(repeating: [Int32](), count: spec.zones.count)
        var placed = 0
        for st in spec.stations {
            firstInstance.append(placed)
            if !st.zones.isEmpty {
                for j in 0..<st.zonedInstances { members[st.zones[j % st.zones.count]].append(Int32(placed + j)) }
            }
            placed += st.instances
        }
        var zoneOf = Array(repeating: Int32(-1), count: placed)
        for (z, m) in members.enumerated() { for i in m { zoneOf[Int(i)] = Int32(z) } }
        outages = Outages(
            actions: Self.timedActions(spec, firstInstance: firstInstance),
            zones: ZoneState(
                members: members, up: Array(repeating: true, count: spec.zones.count),
                cycle: Array(repeating: 0, count: spec.zones.count),
                streams: spec.zones.map { streams.stream(path: "zones." + $0.name, purpose: .failures) },
                ofInstance: zoneOf),
            pairs: FailoverPairs(instances: spec.stations.contains { $0.failover != nil } ? placed : 0))
        regions = RegionState(spec: spec, streams: streams, firstInstance: firstInstance)
        dns = DNSState(spec: spec, streams: streams)
        arrivals = Arrivals(spec: spec, streams: streams, replication: self.replication)
        users = Users(spec: spec, streams: streams)
        caches = CacheState(spec: spec, streams: streams)
        limits = RateLimits(spec: spec)
        tls = TLSState(spec: spec, streams: streams)
        inspections = Inspections(spec: spec, streams: streams)
        concurrency = ConcurrencyLimits(spec: spec)
        preemption = PreemptionTable(spec: spec)
        clients = ClientState(
            retryStream: streams.stream(path: "workload.client", purpose: .workload),
            patienceStream: streams.stream(path: "workload.client.patience", purpose: .workload),
            any: spec.classes.contains { $0.client != nil })
        var timers = TimerQueues()
        for c in spec.classes {
            var t: Int32 = -1
            var d: Int32 = -1
            if let timeout = c.client?.timeout { t = timers.add(timeout, .attempt) }
            if let deadline = c.client?.deadline { d = timers.add(deadline, .deadline) }
            clients.timeoutQueue.append(t)
            clients.deadlineQueue.append(d)
            clients.budgetTokens.append(c.client?.retries?.budget.map { RetryBudget.capacity(ratio: $0) } ?? 0)
            clients.hasPolicy.append(c.client != nil)
            clients.budgetRatio.append(c.client?.retries?.budget)
            clients.patient.append(c.client?.patience != nil)
        }
        self.counters = ModelCounters(
            time: .zero,
            busyIntegral: Array(repeating: 0, count: spec.stations.count),
            queueIntegral: Array(repeating: 0, count: spec.stations.count),
            upIntegral: Array(repeating: 0, count: spec.stations.count),
            availableIntegral: Array(repeating: 0, count: spec.stations.count),
            failures: Array(repeating: 0, count: spec.stations.count),
            inSystemIntegral: 0, arrivals: 0, successes: 0,
            errors: Array(repeating: 0, count: ErrorCause.allCases.count),
            inSystem: 0, events: 0)
        // Watched calls: a timer queue per call timeout, budget tokens per node.
        for (k, c) in spec.classes.enumerated() {
            for (n, node) in c.calls.enumerated() {
                calls.budget.append(node.retries?.budget.map { RetryBudget.capacity(ratio: $0) } ?? 0)
                guard let timeout = node.timeout else { continue }
                calls.node(Int32(k), Int32(n)).pointee.timerQueue = timers.add(timeout, .call)
            }
        }
        clients.timers = timers
        for d in databases.indices { stations[Int(databases[d].station)].database = Int32(d) }
        setUpCaches()
        setUpInspections()
        setUpAutoscale()
        setUpStandby()
        setUpDeploys()
        setUpCluster()
    }

    deinit {
        for i in 0..<instanceCount { instances[i].waiting.deallocate() }
        instances.deinitialize(count: instanceCount)
        UnsafeMutableRawPointer(instances).deallocate()
        loads.deallocate()
        for s in 0..<stationCount { stations[s].deallocate() }
        stations.deinitialize(count: stationCount)
        stations.deallocate()
        routes.deallocate()
        requests.deallocate()
        inSystemLevels.deallocate()
        calls.deallocate()
        caches.deallocate()
        clients.slab.deallocate()
        clients.timers.deallocate()
        arrivals.deallocate()
        for d in databases {
            d.log.deallocate()
            d.reads.deallocate()
            d.regional?.deallocate()
        }
    }

    /// Runs the replication to its end, sending every record to `sink`.
    public mutating func run<Sink: RecordSink & ~Copyable>(into sink: inout Sink) -> RunOutcome {
        precondition(Shape.hasFeatures || !usesFeatures, "a Simulation<CoreModel> cannot run a model with features")
        let window = spec.window
        kernel.schedule(.window(.open), at: window.warmup)
        kernel.schedule(.window(.close), at: window.horizon)
        scheduleFirstTicks()
        for source in 0..<arrivals.sourceCount { scheduleArrival(from: Int32(source)) }
        startUsers()
        startFailureProcesses()
        startEvents()
        startDatabaseFailovers()
        startBackups(into: &sink)
        startRegions()
        startAutoscale()
        startDeploys()
        startCluster(into: &sink)
        startOutageEpisodes()
        let drainEnd = window.horizon + window.drain
        let maxEvents = spec.maxEvents
        // One comparison per event: the limit and the stop request are looked at only when
        // `delivered` passes `nextCheck`, every `stopCheckInterval` events or at the limit.
        var nextCheck = min(maxEvents, Self.stopCheckInterval)
        // What `spec.progress` has been told of this replication so far.
        var reportedEvents: UInt64 = 0
        var reportedTime: Int64 = 0
        while stage != .overloaded, let event = kernel.next(until: drainEnd) {
            if prefetching { prefetch(after: event) }
            if kernel.delivered > nextCheck {
                if let progress = spec.progress {
                    let now = kernel.now.nanoseconds
                    progress.advance(events: kernel.delivered &- reportedEvents, nanoseconds: now - reportedTime)
                    (reportedEvents, reportedTime) = (kernel.delivered, now)
                }
                let limited = kernel.delivered > maxEvents
                if limited || spec.stopRequest?.isRequested == true {
                    // Exactly `nextCheck` events were handled; a window still open closes here.
                    if stage == .open { sink.windowClosed(snapshot()) }
                    stage = limited ? .eventLimit : .interrupted
                    break
                }
                nextCheck = min(maxEvents, nextCheck &+ Self.stopCheckInterval)
            }
            blame = Blame()
            // The two events of every request first, each with its trajectory code known from
            // its case (an arrival is mixed in by `arrive`, with the request's serial); every
            // other event gets its code from `ModelEvent.trajectoryCode`, which the compiler
            // keeps out of line (≈ 18 instructions an event when it was asked for every event).
            switch event {
            case .arrival(let source): arrive(from: source, into: &sink)
            case .pool(.serviceEnd(let r, let i)):
                let code = ServerPoolEvent.serviceEnd(request: r, instance: i).trajectoryCode
                note(kind: code.kind, index: code.index)
                // Out of `endService`, whose inlined records the test would push out of line.
                if Shape.hasFeatures && preemption.any { leftService(r) }
                endService(of: r, into: &sink)
            default:
                if let code = event.trajectoryCode { note(kind: code.kind, index: code.index) }
                switch event {
                case .arrival, .pool(.serviceEnd): preconditionFailure("handled above")
                case .window(let e): handle(e, into: &sink)
                case .pool(.queueTimeout(let r, let stamp)): queueTimedOut(r, stamp: stamp, into: &sink)
                case .database(.writeAcknowledged(let r)): writeAcknowledged(r, into: &sink)
                case .database(let e): handle(e, into: &sink)
                case .client(let e): handle(e, into: &sink)
                case .call(.retry(let r, let stamp)): retryCall(r, stamp: stamp, into: &sink)
                case .failures(let e): handle(e, into: &sink)
                case .pair(let e): handle(e, into: &sink)
                case .autoscale(let e): handle(e, into: &sink)
                case .tls(let e): handle(e, into: &sink)
                case .deploy(let e): handle(e, into: &sink)
                case .cluster(let e): handle(e, into: &sink)
                case .regions(let e): handle(e, into: &sink)
                case .standby(let e): handle(e)
                case .user(let e): handle(e, into: &sink)
                }
            }
        }
        if stage == .open || stage == .overloaded {
            if stage == .open { stage = .closed }
            sink.windowClosed(snapshot())
        }
        assert(loadsDisagree() == nil, "loads out of step with the instances: \(loadsDisagree() ?? "")")
        blame = Blame()  // requests still in flight at the end are nobody's fault
        if outages.occupancy != nil { noteOccupancy() }
        if requests.liveCount > 0 || clients.slab.liveCount > 0 {
            if !stage.stopped, kernel.now < drainEnd { kernel.advance(to: drainEnd) }
            // Clients first (their attempts are theirs to end), then requests that are their own client.
            for k in 0..<clients.slab.used where clients.slab.slots[k].live {
                endClient(Int32(k), .error(.inFlightAtEnd), into: &sink)
            }
            for i in 0..<requests.used
            where requests.slots[i].isLive && requests.slots[i].client < 0 && requests.slots[i].parent < 0
                && requests.slots[i].phase != .ended
            {
                finish(Int32(i), .error(.inFlightAtEnd), into: &sink)
            }
        }
        // The whole window counts as covered, however the replication ended (early stops too:
        // the display shows work done, not simulated seconds).
        spec.progress?.advance(
            events: kernel.delivered &- reportedEvents, nanoseconds: max(0, drainEnd.nanoseconds - reportedTime))
        return RunOutcome(
            events: stage == .eventLimit ? spec.maxEvents : kernel.delivered, arrivals: counters.arrivals,
            successes: counters.successes, errors: counters.errors,
            fingerprint: fingerprint, unstable: stage == .overloaded, eventLimitReached: stage == .eventLimit,
            interrupted: stage == .interrupted)
    }

    /// Events between two looks at `ModelSpec.stopRequest`: about a millisecond of work.
    static var stopCheckInterval: UInt64 { 1 << 16 }

    /// Mixes one event into the trajectory fingerprint (FNV-1a style over 64-bit words).
    @inline(__always)
    mutating func note(kind: UInt64, index: Int32) {
        fingerprint = (fingerprint ^ UInt64(bitPattern: kernel.now.nanoseconds)) &* 0x100_0000_01b3
        fingerprint = (fingerprint ^ (kind << 32 | UInt64(UInt32(bitPattern: index)))) &* 0x100_0000_01b3
    }
}
