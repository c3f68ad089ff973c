import SimKernel

/// A standby pool's phase: idle at its autoscaler's `min`, or failed over (its minimum raised
/// to `scaleTo`) and either recovering (fewer than `scaleTo` serving) or recovered.
enum StandbyPhase: Equatable {
    case idle
    case recovering
    case recovered

    /// Asserts that moving from `self` to `next` is one of the phase's transitions: a failover
    /// starts recovering (or is recovered at once), recovery completes, and a failback returns
    /// to idle from either.
    func assertTransition(to next: StandbyPhase) {
        switch (self, next) {
        case (.idle, .recovering), (.idle, .recovered), (.recovering, .recovered), (.recovering, .idle),
            (.recovered, .idle):
            break
        default: assertionFailure("a standby pool cannot go from \(self) to \(next)")
        }
    }
}

/// What a standby failover asks of a pool's autoscaler (`AutoscaleState.hold`).
enum StandbyHold: Equatable {
    /// Not a standby pool: the autoscaler alone decides.
    case none
    /// An idle standby: held at its `min`; the autoscaler does not act (the pool serves nobody,
    /// and a sample taken as traffic leaves it would scale a cold standby back to one).
    case idle
    /// Failed over: the autoscaler tracks its metric with its minimum raised to `scaleTo`.
    case failedOver(scaleTo: Int)
}

/// The run-time state of one standby pool.
struct StandbyPool {
    /// Its station and its autoscaler (an index into `Autoscaling.scalers`).
    let station: Int32
    let scaler: Int32
    let scaleTo: Int
    var phase = StandbyPhase.idle
    /// Outages of the primary region the failover is for now: each from `detect` after it began
    /// to `detect + ttl` after it ended (when DNS knows it back and the last client's answer
    /// naming the standby has expired), so their starts and ends come in the outages' order.
    var known = 0
    /// The starts of the primary's outages whose detection is still to come, oldest first (nil:
    /// down at time 0, begun before it).
    var noticed: [SimTime?] = []
    /// When the outage that started the present failover began (nil: before time 0, so its
    /// recovery time is unknown and not measured).
    var outageBegan: SimTime?
    /// Failovers begun, recoveries completed (scaleTo serving while failed over), and the sum of
    /// their recovery times (outage start → scaleTo serving, ns), since time 0.
    var failovers: UInt64 = 0
    var recoveries: UInt64 = 0
    var recoveryNanoseconds = 0.0
}

/// The standby pools (empty without any) and the primary region whose outages move them.
struct StandbyState {
    var pools: [StandbyPool] = []
    /// DNS's primary region (index into `ModelSpec.regions.list`); −1 without standby pools.
    var primary = -1
    /// DNS's detection time (ns): a failover begins this long after the primary's outage.
    var detect: Int64 = 0
    /// The clients' TTL (ns): the standby stands down `detect + ttl` after the outage ends.
    var ttl: Int64 = 0
}
