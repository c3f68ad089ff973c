import SimKernel
import SimRandom

/// The model's events. Dispatched by `switch`, never by dynamic dispatch.
enum ModelEvent {
    /// The next arrival from this source (0 = the workload's shared process, if any).
    case arrival(source: Int32)
    /// The request at this slab index finishes service at its current station.
    case serviceEnd(request: Int32)
    /// The sync write at this slab index has its acknowledgements: its service at the primary,
    /// held since its commit, is over.
    case writeAcknowledged(request: Int32)
    /// Start of the measurement window (the end of warm-up).
    case windowOpen
    /// End of the measurement window (the horizon): arrivals stop, in-flight requests drain.
    case windowClose
    /// The head of this timer queue expires (an attempt timeout or a deadline).
    case timer(queue: Int32)
    /// This client's backoff is over: it starts its next attempt (if it is still the same client).
    case retry(client: Int32, stamp: UInt32)
    /// The random patience of the attempt at this slab index ran out (if it is still the same
    /// attempt and still waited for). Random durations do not expire in start order, so these
    /// timers live in the kernel's heap, one per attempt, cancelled lazily by the stamp.
    case patience(request: Int32, stamp: UInt32)
    /// This instance fails (crash or hang, by its station's failure mode).
    case failure(instance: Int32)
    /// This instance is repaired (restarted) and serves again.
    case repair(instance: Int32)
    /// The balancer's health checks reach a verdict on this instance, decided when it was in
    /// the state numbered `epoch` (stale if it has changed since).
    case healthVerdict(instance: Int32, epoch: UInt32)
    /// The backoff before another try of a watched call is over: this parked strand (stamped
    /// `stamp`) goes out, if its caller still waits for it.
    case callRetry(strand: Int32, stamp: UInt32)
    /// A step of a scheduled event (an index into `Simulation.actions`).
    case scheduled(action: Int32)
    /// A zone fails as a whole, or comes back.
    case zoneFailure(zone: Int32)
    case zoneRepair(zone: Int32)
    /// A unit of an active/passive pair fails or is repaired (unit = 2 × instance + 0 or 1);
    /// a pair's switch to its passive unit completes (stale if `switchStamp` has moved on).
    case unitFailure(unit: Int32)
    case unitRepair(unit: Int32)
    case failoverDone(instance: Int32, stamp: UInt32)
    /// A boundary between statistics windows of clock `clock` (an index into
    /// `ModelSpec.windowLengths`); scheduled only when the statistics ask for windows.
    case tick(clock: Int32)
    /// Autoscaling (`Simulation+Autoscale`): pool `index` evaluates (`step` 0), or instance
    /// `index` finishes provisioning (1) or draining (2).
    case autoscale(step: UInt8, index: Int32)
}

/// How a replication ended.
public struct RunOutcome: Sendable, Equatable {
    public init(events: UInt64, arrivals: UInt64, successes: UInt64, errors: [UInt64], fingerprint: UInt64, unstable: Bool) {
        self.events = events; self.arrivals = arrivals; self.successes = successes; self.errors = errors
        self.fingerprint = fingerprint; self.unstable = unstable
    }

    /// Events the kernel delivered.
    public var events: UInt64
    /// Requests that arrived (all, warm-up included).
    public var arrivals: UInt64
    /// How every arrived request ended: successes, and errors indexed by `ErrorCause.rawValue`
    /// (`in_flight_at_end` included). Conservation: arrivals = successes + Σ errors, unless unstable.
    public var successes: UInt64
    public var errors: [UInt64]
    /// A hash of the event trajectory (time, kind, request of every event), for cheap
    /// regression checks: any change in behaviour changes it.
    public var fingerprint: UInt64
    /// True when the run stopped early because more than `maxInFlight` requests were in flight:
    /// the design is overloaded (utilisation ≥ 1).
    public var unstable: Bool
}

/// One replication of a model: the state of every station and request, driven by the kernel.
///
/// A value type: the hot loop runs on it in place (see FACTS: a class was 1.7–2.8× slower).
/// Randomness is keyed (DESIGN "Random numbers"): service demands and instance choices are
/// drawn from streams seated at (replication, request serial + hop), so a request's demand at a
/// hop does not depend on how many instances or workers a design has.
public struct Simulation: ~Copyable {
    public let spec: ModelSpec
    let replication: UInt32
    var kernel = Kernel<ModelEvent>()
    var requests: RequestSlab
    // Hot state lives in buffers allocated once here and freed in `deinit`: the hot path reads
    // and writes them without copy-on-write uniqueness checks. `~Copyable` makes that safe:
    // a simulation cannot be copied, so nothing else can free or alias these buffers.
    let stations: UnsafeMutablePointer<StationState>
    let stationCount: Int
    /// Per instance, over all stations (station-major).
    let instances: UnsafeMutablePointer<InstanceState>
    let instanceCount: Int
    /// Class paths, flattened: class c visits paths[pathStart[c] ..< pathStart[c + 1]].
    let paths: UnsafeMutablePointer<Int32>
    let pathStart: UnsafeMutablePointer<Int32>
    /// Cumulative weights of the classes that share the workload's arrivals, normalised to end
    /// at 1 (for choosing a class per shared arrival), and those classes' indices.
    let classCumulative: [Double]
    let sharedClasses: [Int32]
    /// Per class: true for synchronous calls through more than one station (a call tree run by
    /// `Simulation+Calls`); false for one station or a pipeline.
    let synchronous: [Bool]
    /// The classes' call trees, flattened; draws deciding optional and repeated calls.
    let calls: CallTable
    let callStream: RandomStream
    /// Branch strands of the fan-out being started (kept to reuse its storage).
    var branchScratch: ContiguousArray<Int32> = []

    /// Owns the generators behind every `RandomStream` below (handles are plain pointers).
    let streams: StreamStore
    let sources: UnsafeMutablePointer<ArrivalSource>
    let sourceCount: Int
    /// Clients of classes with a `ClientPolicy`, their timer queues and retry budgets.
    var clients = ClientSlab(capacity: 256)
    var timers: ContiguousArray<TimerQueue> = []
    /// Per class: index into `timers` of its attempt-timeout and deadline queues (−1: none).
    var timeoutQueue: [Int32] = []
    var deadlineQueue: [Int32] = []
    /// Per timer queue: what expires there (attempt timeouts, deadlines, or watched calls).
    var timerKinds: [TimerKind] = []
    /// Per call-tree node (flat index): retry-budget tokens of its watched call.
    var callBudget: [Double] = []
    /// The steps of the scheduled events; per zone its instances (global indices), state,
    /// periods drawn and stream.
    let actions: [TimedAction]
    let zoneMembers: [[Int32]]
    var zoneUp: [Bool]
    var zoneCycle: [UInt64]
    let zoneStreams: [RandomStream]
    /// Active/passive pairs: per unit (2 × global instance + 0/1) up or down and periods
    /// drawn; per instance its active unit (−1: none) and a stamp for pending switches.
    var unitUp: [Bool]
    var unitCycle: [UInt64]
    var activeUnit: [Int8]
    var switchStamp: [UInt32]
    /// Per class: retry-budget tokens.
    var budgetTokens: [Double] = []
    var nextStamp: UInt32 = 0
    /// Draws of backoff jitter, seated per client and retry.
    let retryStream: RandomStream
    /// Draws of random patience, seated per client and attempt.
    let patienceStream: RandomStream
    /// Some class has a client policy (keeps the per-arrival check off the common path).
    let hasClients: Bool
    let classStream: RandomStream
    /// Request keys of the classes with `keys:` (Simulation+ConsistentHash).
    let requestKeys: RequestKeys
    /// Caches' rules and contents (Simulation+Caches).
    var caches: CacheState
    var nextSerial: UInt64 = 0
    var counters: ModelCounters
    /// Time of the last change of the number of requests in the system (for ∫ in-system dt).
    var inSystemSince = SimTime.zero
    var closed = false
    /// The station to blame for the error being handled (see `RequestRecord.blame`): set where
    /// an error arises, read where the request ends, within one event.
    var blame: Int32 = -1
    /// When set (before `run`), the time spent with each combination of instances up per
    /// station is kept (`occupancy`), for the stratified availability estimator.
    public var tracksOccupancy = false
    var occupancyTime: [[Int32]: Double] = [:]
    var occupancySince = SimTime.zero
    var blameZone: Int32 = -1
    /// Per instance (global index): its zone's index in `spec.zones`, −1 for none.
    let instanceZone: [Int32]
    var fingerprint: UInt64 = 0xcbf2_9ce4_8422_2325
    var unstable = false
    /// Databases (`Simulation+Database`), in station order; some station is one.
    var databases: ContiguousArray<DatabaseState>
    let hasDatabases: Bool
    /// Autoscaled pools (`Simulation+Autoscale`), per instance its phase (empty without
    /// autoscaling), and the log of scaling changes.
    var autoscalers: ContiguousArray<AutoscaleState> = []
    var autoscalePhase: [UInt8] = []
    public internal(set) var scalingLog: [ScalingLogEntry] = []

    /// Builds replication `replication` (0-based) of `spec`, drawing from `streams`
    /// (a store for this replication's thread; the streams it hands out are seated per draw).
    public init(spec: ModelSpec, streams: StreamStore, replication: Int) {
        self.spec = spec
        self.streams = streams
        databases = Self.databaseStates(spec, streams: streams)
        hasDatabases = !databases.isEmpty
        requests = RequestSlab(frameDepth: spec.callDepth, pathLength: spec.tracksHops ? spec.classes.map(\.path.count).max() ?? 0 : 0)
        synchronous = spec.classes.map { $0.mode == .synchronous && $0.calls.count > 1 }
        calls = CallTable(spec.classes)
        callStream = streams.stream(path: "workload", purpose: .routing)
        self.replication = UInt32(truncatingIfNeeded: replication)
        stationCount = spec.stations.count
        instanceCount = spec.stations.reduce(0) { $0 + $1.instances }
        stations = .allocate(capacity: stationCount)
        instances = .allocate(capacity: instanceCount)
        var next = 0
        for (s, st) in spec.stations.enumerated() {
            (stations + s).initialize(to: StationState(
                spec: st, firstInstance: Int32(next),
                service: streams.stream(path: "components." + st.name, purpose: .service),
                routing: streams.stream(path: "components." + st.name, purpose: .routing),
                failures: streams.stream(path: "components." + st.name, purpose: .failures)))
            for _ in 0..<st.instances {
                (instances + next).initialize(to: InstanceState(station: Int32(s)))
                next += 1
            }
        }
        var firstInstance: [Int] = [], members = Array(repeating: [Int32](), count: spec.zones.count)
        var placed = 0
        for st in spec.stations {
            firstInstance.append(placed)
            if !st.zones.isEmpty { for j in 0..<st.instances { members[st.zones[j % st.zones.count]].append(Int32(placed + j)) } }
            placed += st.instances
        }
        actions = Self.timedActions(spec, firstInstance: firstInstance)
        let anyPairs = spec.stations.contains { $0.failover != nil }
        unitUp = Array(repeating: true, count: anyPairs ? 2 * placed : 0)
        unitCycle = Array(repeating: 1, count: anyPairs ? 2 * placed : 0)
        activeUnit = Array(repeating: 0, count: anyPairs ? placed : 0)
        switchStamp = Array(repeating: 0, count: anyPairs ? placed : 0)
        zoneMembers = members
        var zoneOf = Array(repeating: Int32(-1), count: placed)
        for (z, m) in members.enumerated() { for i in m { zoneOf[Int(i)] = Int32(z) } }
        instanceZone = zoneOf
        zoneUp = Array(repeating: true, count: spec.zones.count)
        zoneCycle = Array(repeating: 0, count: spec.zones.count)
        zoneStreams = spec.zones.map { streams.stream(path: "zones." + $0.name, purpose: .failures) }
        let flat = spec.classes.flatMap { $0.path.map { Int32($0) } }
        paths = .allocate(capacity: max(flat.count, 1))
        paths.initialize(from: flat, count: flat.count)
        pathStart = .allocate(capacity: spec.classes.count + 1)
        var start: Int32 = 0
        pathStart[0] = 0
        for (c, cls) in spec.classes.enumerated() { start += Int32(cls.path.count); pathStart[c + 1] = start }
        let shared = spec.classes.indices.filter { spec.classes[$0].arrivals == nil }
        let total = shared.reduce(0) { $0 + spec.classes[$1].weight }
        var acc = 0.0
        self.classCumulative = shared.map { acc += spec.classes[$0].weight; return acc / total }
        self.sharedClasses = shared.map { Int32($0) }
        var sources = ContiguousArray<ArrivalSource>()
        if let process = spec.arrivals {
            sources.append(ArrivalSource(process: process, stream: streams.stream(path: "workload", purpose: .arrivals), classIndex: -1, profiled: spec.profile != nil))
        }
        for (c, cls) in spec.classes.enumerated() {
            guard let process = cls.arrivals else { continue }
            sources.append(ArrivalSource(process: process, stream: streams.stream(path: "workload.classes." + cls.name, purpose: .arrivals),
                                         classIndex: Int32(c), profiled: spec.profile != nil))
        }
        self.sourceCount = sources.count
        self.sources = .allocate(capacity: max(1, sources.count))
        self.sources.initialize(from: Array(sources), count: sources.count)
        self.classStream = streams.stream(path: "workload", purpose: .classes)
        self.requestKeys = RequestKeys(spec: spec, streams: streams)
        self.caches = CacheState(spec: spec, streams: streams)
        self.retryStream = streams.stream(path: "workload.client", purpose: .workload)
        self.patienceStream = streams.stream(path: "workload.client.patience", purpose: .workload)
        self.hasClients = spec.classes.contains { $0.client != nil }
        for c in spec.classes {
            var t: Int32 = -1, d: Int32 = -1
            if let timeout = c.client?.timeout { t = Int32(timers.count); timers.append(TimerQueue(duration: timeout)); timerKinds.append(.attempt) }
            if let deadline = c.client?.deadline { d = Int32(timers.count); timers.append(TimerQueue(duration: deadline)); timerKinds.append(.deadline) }
            timeoutQueue.append(t); deadlineQueue.append(d)
            budgetTokens.append(c.client?.retries?.budget.map { RetryBudget.capacity(ratio: $0) } ?? 0)
        }
        self.counters = ModelCounters(time: .zero,
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
                callBudget.append(node.retries?.budget.map { RetryBudget.capacity(ratio: $0) } ?? 0)
                guard let timeout = node.timeout else { continue }
                calls.node(Int32(k), Int32(n)).pointee.timerQueue = Int32(timers.count)
                timers.append(TimerQueue(duration: timeout))
                timerKinds.append(.call)
            }
        }
        for k in 0..<sourceCount { self.sources[k].stream.seat(replication: self.replication, entity: 0) }
        for d in databases.indices { stations[Int(databases[d].station)].database = Int32(d) }
        setUpCaches()
        setUpAutoscale()
    }

    deinit {
        for i in 0..<instanceCount { instances[i].waiting.deallocate() }
        instances.deinitialize(count: instanceCount)
        instances.deallocate()
        for s in 0..<stationCount { stations[s].releasePolicyState() }
        stations.deinitialize(count: stationCount)
        stations.deallocate()
        paths.deallocate()
        pathStart.deallocate()
        requests.deallocate()
        calls.deallocate()
        caches.deallocate()
        clients.deallocate()
        sources.deinitialize(count: sourceCount)
        sources.deallocate()
        for d in databases { d.log.deallocate(); d.reads.deallocate() }
    }

    /// Runs the replication to its end, sending every record to `sink`.
    public mutating func run<Sink: RecordSink & ~Copyable>(into sink: inout Sink) -> RunOutcome {
        let window = spec.window
        kernel.schedule(.windowOpen, at: window.warmup)
        kernel.schedule(.windowClose, at: window.horizon)
        scheduleFirstTicks()
        for source in 0..<sourceCount { scheduleArrival(from: Int32(source)) }
        startFailureProcesses()
        startEvents()
        startAutoscale()
        let drainEnd = window.horizon + window.drain
        while !unstable, let event = kernel.next(until: drainEnd) {
            blame = -1
            blameZone = -1
            switch event {
            case .arrival(let source):
                arrive(from: source, into: &sink)
            case .serviceEnd(let r):
                note(kind: 1, index: r)
                endService(of: r, into: &sink)
            case .writeAcknowledged(let r):
                note(kind: 1, index: r)
                writeAcknowledged(r, into: &sink)
            case .windowOpen:
                note(kind: 2, index: 0)
                sink.windowOpened(snapshot())
            case .windowClose:
                note(kind: 3, index: 0)
                closed = true
                sink.windowClosed(snapshot())
            case .timer(let q):
                note(kind: 4, index: q)
                timersExpired(q, into: &sink)
            case .retry(let k, let stamp):
                note(kind: 5, index: k)
                if clients[k].live && clients[k].stamp == stamp { startAttempt(k, into: &sink) }
            case .patience(let r, let stamp):
                note(kind: 6, index: r)
                attemptTimedOut(r, stamp: stamp, into: &sink)
            case .failure(let i):
                note(kind: 7, index: i)
                instanceFails(i, into: &sink)
            case .repair(let i):
                note(kind: 8, index: i)
                instanceRepaired(i, into: &sink)
            case .healthVerdict(let i, let epoch):
                note(kind: 9, index: i)
                healthVerdict(i, epoch: epoch)
            case .callRetry(let r, let stamp):
                note(kind: 10, index: r)
                retryCall(r, stamp: stamp, into: &sink)
            case .scheduled(let k):
                note(kind: 11, index: k)
                scheduledAction(k, into: &sink)
            case .zoneFailure(let z):
                note(kind: 12, index: z)
                zoneFails(z, into: &sink)
            case .zoneRepair(let z):
                note(kind: 13, index: z)
                zoneRepaired(z, into: &sink)
            case .unitFailure(let u):
                note(kind: 14, index: u)
                unitFails(u, into: &sink)
            case .unitRepair(let u):
                note(kind: 15, index: u)
                unitRepaired(u, into: &sink)
            case .failoverDone(let i, let stamp):
                note(kind: 16, index: i)
                failoverDone(i, stamp: stamp, into: &sink)
            case .tick(let clock):
                windowTick(clock, into: &sink)
            case .autoscale(let step, let index):
                note(kind: 17 + UInt64(step), index: index)
                autoscaleEvent(step, index, into: &sink)
            }
        }
        if !closed { closed = true; sink.windowClosed(snapshot()) }
        blame = -1
        if tracksOccupancy { noteOccupancy() }
        if requests.liveCount > 0 || clients.liveCount > 0 {
            if !unstable, kernel.now < drainEnd { kernel.advance(to: drainEnd) }
            // Clients first (their attempts are theirs to end), then requests that are their own client.
            for k in 0..<clients.used where clients.slots[k].live {
                endClient(Int32(k), .error(.inFlightAtEnd), into: &sink)
            }
            for i in 0..<requests.used where requests.slots[i].isLive && requests.slots[i].client < 0 && requests.slots[i].parent < 0
                && requests.slots[i].phase != .ended {
                finish(Int32(i), .error(.inFlightAtEnd), into: &sink)
            }
        }
        return RunOutcome(events: kernel.delivered, arrivals: counters.arrivals,
                          successes: counters.successes, errors: counters.errors,
                          fingerprint: fingerprint, unstable: unstable)
    }

    /// Mixes one event into the trajectory fingerprint (FNV-1a style over 64-bit words).
    @inline(__always)
    mutating func note(kind: UInt64, index: Int32) {
        fingerprint = (fingerprint ^ UInt64(bitPattern: kernel.now.nanoseconds)) &* 0x100_0000_01b3
        fingerprint = (fingerprint ^ (kind << 32 | UInt64(UInt32(bitPattern: index)))) &* 0x100_0000_01b3
    }
}
