import SimKernel

/// Cumulative counters the model keeps as it runs, like a real server's metrics endpoint:
/// time integrals of levels (for utilisation and mean queue lengths) and event counts.
///
/// Integrals are in level × nanoseconds, accumulated as Double (53-bit mantissa: relative error
/// stays below 1e-8 over 10^8 increments). A snapshot is taken at the start and end of the
/// measurement window; the statistics layer differences them.
public struct ModelCounters: Sendable {
    /// When the snapshot was taken.
    public var time: SimTime
    /// Per station: ∫ busy workers dt, summed over the station's instances.
    public var busyIntegral: [Double]
    /// Per station: ∫ waiting requests dt, summed over instances.
    public var queueIntegral: [Double]
    /// Per station: ∫ instances up dt, and failures so far.
    public var upIntegral: [Double] = []
    /// Per station: ∫ [at least `failures.required` instances up] dt.
    public var availableIntegral: [Double] = []
    public var failures: [UInt64] = []
    /// Per station: ∫ instances held dt (provisioned and billed, whether up, failed or
    /// provisioning). A fixed fleet holds its instances from time 0; autoscaling adds and
    /// releases held instances. Cost bills this integral.
    public var heldIntegral: [Double] = []
    /// Per station, filled only when some pool autoscales (empty otherwise): ∫ serving
    /// instances dt (provisioned and not draining), ∫ dt while fewer served than the
    /// autoscaler's latest desired count, the most instances held since the warm-up, and
    /// scaling actions so far. A fixed pool's entries stay 0.
    public var servingIntegral: [Double] = []
    public var underTargetIntegral: [Double] = []
    public var heldPeak: [Int] = []
    public var scalingActions: [UInt64] = []
    /// ∫ requests in the system dt, accumulated up to `inSystemSince`, the time of the last
    /// change of `inSystem`.
    public var inSystemIntegral: Double
    var inSystemSince = SimTime.zero
    /// Time spent with each number of requests in the system, and per station with each number
    /// of requests waiting and present (waiting or in service). Filled at the window's open and
    /// close (`Simulation.snapshot`), not in the per-window counters of time series, which do
    /// not report distributions.
    public var inSystemLevels = LevelTimes()
    public var queueLevels: [LevelTimes] = []
    public var presentLevels: [LevelTimes] = []
    /// Requests that have arrived so far (all, warm-up included).
    public var arrivals: UInt64
    /// Requests that have ended so far, by outcome: successes then one per `ErrorCause`.
    public var successes: UInt64
    public var errors: [UInt64]
    /// Requests currently in the system.
    public var inSystem: Int
    /// Events delivered by the kernel so far.
    public var events: UInt64
    /// Attempts started by clients with a policy (first attempts and retries), and those that
    /// finished service after their client had given up on them (wasted work).
    public var attemptsStarted: UInt64 = 0
    public var wastedAttempts: UInt64 = 0
    /// Waiting attempts dropped unserved because their client had given up (`drop_expired`).
    public var droppedAttempts: UInt64 = 0
    /// Per database (in station order): reads and writes served, stale reads, busy workers per node.
    public var databases: [DatabaseCounters] = []
    /// Per station (empty when there is no cache): cache lookups, hits, and requests that
    /// bypassed the cache because no instance of it could take them.
    public var cacheLookups: [UInt64] = []
    public var cacheHits: [UInt64] = []
    public var cacheBypassed: [UInt64] = []
    /// Per station (empty when there is no inspection stage): requests a stage blocked, and
    /// requests that passed it uninspected because it failed open.
    public var blocked: [UInt64] = []
    public var uninspected: [UInt64] = []
    /// Per station: requests that entered it, requests it turned away with `queue_full` (its
    /// line full), and requests its queue timeout dropped from a line (`timeout:` on a pool), so
    /// far. Filled by `Simulation.snapshot` (not per window tick).
    public var entered: [UInt64] = []
    public var refused: [UInt64] = []
    /// Per station: outage episodes (fewer than the required instances up) begun so far; for
    /// the service as a whole (some station down): episodes begun and ∫ [none down] dt. Filled
    /// by `Simulation.snapshot`.
    public var outages: [UInt64] = []
    public var serviceOutages: UInt64 = 0
    public var serviceAvailableIntegral = 0.0
    public var timedOut: [UInt64] = []
    /// Per station: requests displaced from a worker by a more urgent one (preemptive
    /// priority), so far. Filled by `Simulation.snapshot`.
    public var preempted: [UInt64] = []
    /// Per deploy (`ModelSpec.deploys`; empty without one): responses its new version gave and
    /// those that were errors, so far; and its outcome (1 rolled back, 0 promoted, −1 not
    /// decided yet).
    public var deployResponses: [UInt64] = []
    public var deployErrors: [UInt64] = []
    public var deployOutcomes: [Int8] = []
    /// Per cluster, three level times in turn (empty without clusters): nodes held, nodes
    /// running at least one pod, pods pending; and per cluster ∫ nodes held dt (node × ns),
    /// which the node price bills. Filled by `Simulation.snapshot`.
    public var clusterLevels: [LevelTimes] = []
    public var nodeHeldIntegral: [Double] = []
    /// Per cluster: ∫ pods pending dt (pod × ns), pending episodes begun so far (pods pending
    /// at set-up count), and pods pending now.
    public var podPendingIntegral: [Double] = []
    public var podPendingEpisodes: [UInt64] = []
    public var podsPending: [Int] = []
    /// Per cluster: nodes its autoscaler added and removed so far (zero without one).
    public var nodesAdded: [UInt64] = []
    public var nodesRemoved: [UInt64] = []
    /// Per region (empty without regions): ∫ [region up] dt, outages begun, and calls that
    /// crossed into it from another region, so far. Filled by `Simulation.snapshot`.
    public var regionUpIntegral: [Double] = []
    public var regionOutages: [UInt64] = []
    public var regionCrossings: [UInt64] = []
    /// Per region (empty without DNS): requests DNS sent there; and requests it sent to a region
    /// that was down then (by a cached or not yet updated answer), so far.
    public var dnsResolved: [UInt64] = []
    public var dnsStale: UInt64 = 0
    /// Per station (empty without standby pools; 0 for other stations): failovers begun,
    /// recoveries completed (`scaleTo` serving) and the sum of their recovery times (ns).
    public var standbyFailovers: [UInt64] = []
    public var standbyRecoveries: [UInt64] = []
    public var standbyRecoveryNanoseconds: [Double] = []

    /// Changes the number of requests in the system at `now`, bringing ∫ in-system dt and the
    /// time at each level (`tally`) up to `now`.
    @inline(__always)
    mutating func changeInSystem(by delta: Int, at now: SimTime, tally: inout LevelTally) {
        let dt = Double(now.nanoseconds &- inSystemSince.nanoseconds)
        inSystemIntegral += Double(inSystem) * dt
        tally.add(dt, at: inSystem)
        inSystemSince = now
        inSystem += delta
    }
}
