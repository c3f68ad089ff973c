import SimKernel
import SimRandom

/// The run-time state of one station (all its instances together), kept beside the per-instance
/// arrays of `Simulation`.
struct StationState {
    let firstInstance: Int32
    let instanceCount: Int32
    /// Workers per instance; `Int32.max` for unlimited. Under processor sharing, the most
    /// requests an instance admits (workers + queue): every admitted request holds a place.
    let workers: Int32
    /// Waiting slots per instance; `Int.max` for unlimited. 0 under processor sharing (nothing waits).
    let queueCapacity: Int
    /// Which waiting request a free worker takes, or processor sharing.
    let discipline: QueueDiscipline
    /// True under processor sharing (checked on the hot path, so kept as a plain flag).
    let sharing: Bool
    /// Under `.priority`: each class's level (0 the most urgent; `ModelSpec.priorityLevels`),
    /// which orders the waiting lines. Empty under other disciplines, and `prioritised` false.
    let classLevels: [Int32]
    let prioritised: Bool
    /// Under `.priority` with `Preemption.resume`: an urgent arrival may take a less urgent
    /// request's worker (`Simulation+Preemption`).
    let preempts: Bool
    /// Drop waiting attempts whose client has given up instead of serving them.
    let dropExpired: Bool
    /// Server-side queue timeout (nil: requests wait as long as it takes), and the stream its
    /// patience is drawn from (seated per request visit).
    let queueTimeout: QueueTimeout?
    /// `queueTimeout != nil`, as a plain flag for the hot path (no copy of the payload).
    let timesOutWaiting: Bool
    let patienceStream: RandomStream
    /// Requests dropped from the lines by the queue timeout, so far.
    var timedOut: UInt64 = 0
    /// Requests displaced from a worker by a more urgent one, so far (`Simulation+Preemption`).
    var preempted: UInt64 = 0
    /// Processor sharing: the cores of an instance (the spec's `workers`; `Int32.max` for unlimited).
    let cores: Int32
    /// The service demand per visit, ready to draw from (its constants computed once).
    let service: Sampler
    let serviceStream: RandomStream
    /// Some class's visit here brings a service demand of its own (`CallNode.service`), so a
    /// demand is drawn from the visit's node rather than from `service` (a plain flag for the
    /// hot path: the other stations never read the call table to draw a demand).
    let visitServices: Bool
    /// How requests are spread over the instances (its buffers freed by `deallocate()`,
    /// called from `Simulation`'s deinit).
    var balancer: Balancer
    /// A database: its index in `Simulation.databases`; −1 for a server pool.
    var database: Int32 = -1

    /// Levels summed over instances, and their integrals since time 0 (level × ns).
    var busyLevel = 0
    var queueLevel = 0
    var upLevel: Int
    var busyIntegral = 0.0
    var queueIntegral = 0.0
    var upIntegral = 0.0
    var levelsSince = SimTime.zero
    /// Time spent with each number of requests waiting, and present (waiting or in service),
    /// summed over instances, since time 0.
    var queueLevels = LevelTally()
    var presentLevels = LevelTally()
    /// Requests that entered the station (autoscaling's request_rate reads it).
    var entered: UInt64 = 0
    /// Requests the station turned away with `queue_full` (the instance's workers busy and its
    /// line full), so far.
    var refused: UInt64 = 0

    /// Failures and health checks (nil: the instances never fail / are never checked).
    let failures: FailureSpec?
    let healthCheck: HealthCheck?
    let failureStream: RandomStream
    /// Instances the balancer believes healthy (all of them while nothing failed).
    var healthyCount: Int32
    /// One past the highest instance (offset) in the rotation: none above it is
    /// (`Candidates.limit`; kept by `Simulation.refreshEligibility`).
    var eligibleLimit: Int32
    /// Failures so far (all instances).
    var failureCount: UInt64 = 0
    /// Time (ns) with at least `failures.required` instances up, up to `availableSince`.
    var availableIntegral = 0.0
    var availableSince = SimTime.zero

    /// Instances that must be up for the station to be available (`failures.required`, default 1;
    /// a standby pool's at most its autoscaler's `min`, so one idle with nothing running, a cold
    /// standby, is not out).
    let required: Int
    /// Outage episodes (fewer than `required` instances up) begun so far, and when the current
    /// one began (meaningful while `upLevel < required`).
    var outageCount: UInt64 = 0
    var outageBegan = SimTime.zero

    /// Brings `availableIntegral` up to `now`; call before `upLevel` changes.
    mutating func accumulateAvailability(to now: SimTime) {
        if upLevel >= required {
            availableIntegral += Double(now.nanoseconds &- availableSince.nanoseconds)
        }
        availableSince = now
    }
    /// Repair crews at work, and failed instances waiting for one (in failure order).
    var crewsBusy = 0
    var repairQueue: ContiguousArray<Int32> = []

    init(
        spec: StationSpec, firstInstance: Int32, service: RandomStream, routing: RandomStream,
        failures: RandomStream, patience: RandomStream, visitServices: Bool = false, classLevels: [Int32] = []
    ) {
        self.firstInstance = firstInstance
        self.instanceCount = Int32(spec.instances)
        self.upLevel = spec.instances
        self.healthyCount = Int32(spec.instances)
        self.eligibleLimit = Int32(spec.instances)
        self.failures = spec.failures
        let required = spec.failures?.required ?? 1
        self.required = spec.standby != nil ? min(required, spec.autoscale?.min ?? required) : required
        self.healthCheck = spec.healthCheck
        self.failureStream = failures
        let workers = spec.workers.map { Int32(clamping: $0) } ?? .max
        let queueCapacity = spec.queueCapacity ?? .max
        self.discipline = spec.discipline
        self.sharing = spec.discipline == .processorSharing
        precondition(
            (spec.discipline == .priority) != classLevels.isEmpty,
            "a priority station has a level per class, and only a priority station")
        self.classLevels = classLevels
        self.prioritised = spec.discipline == .priority
        self.preempts = spec.discipline == .priority && spec.preemption == .resume
        self.dropExpired = spec.dropExpired
        self.queueTimeout = spec.queueTimeout
        self.timesOutWaiting = spec.queueTimeout != nil
        self.patienceStream = patience
        self.cores = workers
        if spec.discipline == .processorSharing {
            // Admission: at most workers + queue places; nothing waits for a worker.
            self.workers = queueCapacity >= Int(Int32.max) ? .max : Int32(clamping: Int(workers) + queueCapacity)
            self.queueCapacity = 0
        } else {
            self.workers = workers
            self.queueCapacity = queueCapacity
        }
        self.service = Sampler(spec.service)
        self.serviceStream = service
        self.visitServices = visitServices
        balancer = Balancer(
            policy: spec.balance, routing: routing, count: spec.instances, weights: spec.weights,
            name: spec.name, hashing: spec.consistentHash)
    }

    /// Frees what `init` allocated for the balancing policy and the level tallies (once, when the
    /// simulation ends).
    func deallocate() {
        balancer.deallocate()
        queueLevels.deallocate()
        presentLevels.deallocate()
    }

    /// Brings the integrals up to `now`; call before any level changes.
    @inline(__always)
    mutating func accumulate(to now: SimTime) {
        let dt = Double(now.nanoseconds &- levelsSince.nanoseconds)
        busyIntegral += Double(busyLevel) * dt
        queueIntegral += Double(queueLevel) * dt
        upIntegral += Double(upLevel) * dt
        queueLevels.add(dt, at: queueLevel)
        presentLevels.add(dt, at: busyLevel + queueLevel)
        levelsSince = now
    }
}

/// The run-time state of one instance of a station.
///
/// Layout: what a request's arrival, service start and end read comes first — the station,
/// `busy`, `up` and the flags beside it, `slowdown` and the line's length in the first 32 bytes
/// (`WaitingLine` begins with `count`) — and `Simulation` allocates the instances on a 64-byte
/// boundary, so with a stride of a multiple of 32 bytes those never straddle two cache lines.
/// (Swift lays a struct's stored properties out in declaration order; `InstanceLayoutTests`
/// checks the offsets.)
struct InstanceState {
    /// The station it belongs to.
    let station: Int32
    /// Workers serving a request now.
    var busy: Int32 = 0
    /// Up (serving) or down (crashed or hung, until repaired): up exactly when `downReasons` is
    /// empty. Reasons (bits of `DownReason`) are independent: an instance whose zone is out and
    /// that has also failed on its own serves again only when both are over.
    var up = true
    /// The current down period is a hang (what is stuck fails at the restart), not a crash.
    var hung = false
    var downReasons: UInt16 = 0
    /// Whether the balancer sends it requests: it believes it healthy (through health checks)
    /// and nothing has taken it out of the rotation on purpose (`OutReason` bits: a
    /// maintenance, a deploy, its autoscaler, its pod's phase, a database's promotion).
    /// `healthy` = `believed && outReasons == 0`, kept in step by `refreshEligibility`.
    var healthy = true
    var believed = true
    var outReasons: UInt8 = 0
    /// Service-time multiplier (a `degrade` event, or a deployed version): 1 normally.
    var slowdown = 1.0
    /// Requests waiting for a worker, taken in the station's discipline's order; under
    /// processor sharing, the requests in service as a heap by finish tag.
    var waiting = WaitingLine()
    /// Processor sharing: requests in service (sharing the cores), its virtual-time clock (work
    /// in ns each request in service has received since the instance was last empty), when that
    /// clock was last brought up to date, and the one scheduled completion (of the request with
    /// the smallest finish tag): its event, time and request. The requests in service are
    /// `waiting.heapCount`.
    var virtualTime = 0.0
    var clockSince = SimTime.zero
    var completion: EventID?
    var completionAt = SimTime.zero
    var completionRequest: Int32 = -1
    /// The deploy (index into `ModelSpec.deploys`) whose new version it runs; −1: the pool's own.
    var version: Int32 = -1
    /// Changes at every failure and repair, so a health-check verdict decided for an earlier
    /// state is recognised as stale.
    var epoch: UInt32 = 0
    /// Up/down periods drawn so far (the seat of the next draws), and the phase of its health
    /// checks (ns, in [0, interval)).
    var cycle: UInt64 = 0
    var checkPhase: Int64 = 0
    /// A database node: ∫ busy workers dt (worker × ns) up to `nodeBusySince` (ns), for its
    /// `DatabaseCounters.busyIntegral` (`accumulateNodeBusy`); unused elsewhere.
    var nodeBusyIntegral = 0.0
    var nodeBusySince: Int64 = 0

    init(station: Int32) { self.station = station }
}

/// Why an instance is out of the rotation on purpose (bits of `InstanceState.outReasons`):
/// independent owners, each setting and clearing its own bit, so one (a deploy's step ending)
/// never puts back an instance another (its autoscaler's scale-in drain) still holds out.
enum OutReason {
    /// A scheduled maintenance or rolling restart (events).
    static let scheduled: UInt8 = 1
    /// A deploy's step drains and restarts it.
    static let deploy: UInt8 = 2
    /// Its autoscaler does not hold it, or drains it for a scale-in.
    static let autoscaler: UInt8 = 4
    /// A pod pending, starting or evicted from a node being removed.
    static let pod: UInt8 = 8
    /// A demoted database primary, until it has rejoined as a replica.
    static let database: UInt8 = 16
}

/// Why an instance is down (bits of `InstanceState.downReasons`).
enum DownReason {
    static let failure: UInt16 = 1
    static let zone: UInt16 = 2
    static let outage: UInt16 = 4
    static let maintenance: UInt16 = 8
    /// An active/passive pair is switching to its passive unit.
    static let failover: UInt16 = 16
    /// A scheduled outage of its zone (the zone's random outages are `zone`).
    static let zoneOutage: UInt16 = 32
    /// An autoscaled pool's instance not provisioned (not held) now.
    static let unprovisioned: UInt16 = 64
    /// A pod waiting for a node with room for it (`Cluster/`).
    static let pending: UInt16 = 128
    /// Its region is out (at random or scheduled: `RegionState.downCount` keeps the reasons).
    static let region: UInt16 = 256
    /// A pod evicted from a node the cluster autoscaler removed, waiting to be placed again
    /// (with `pending`): planned, not a failure.
    static let evicted: UInt16 = 512
    /// Its database is being restored after a total loss (`Database/Simulation+DatabaseRestore`).
    static let restore: UInt16 = 1024
    /// Reasons that are not failures (`StationState.failureCount`): planned downtime, an
    /// instance not held, an evicted pod, and a database's restore.
    static let planned: UInt16 = maintenance | unprovisioned | evicted | restore
}
