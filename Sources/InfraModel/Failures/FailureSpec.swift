import SimKernel
import SimRandom

/// How the instances of a station fail and come back: each alternates between up (a time to
/// failure drawn from `timeToFailure`) and down (a repair time drawn from `timeToRepair`),
/// independently of the others unless `repairCrews` limits the repairs in progress.
///
/// The process starts in its stationary state, not brand new: at time 0 an instance is down with
/// probability E[R]/(E[F] + E[R]), and the time left in its current up or down period is drawn
/// from the period's equilibrium (residual-life) distribution — a length-biased period times a
/// uniform share of it — so the first failures are not bunched at one "age".
public struct FailureSpec: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// The instance dies: its queued and in-service requests fail at once with
        /// `instance_failed`, and so do requests whose caller was holding a worker on it.
        case crash
        /// The instance stops answering: its requests wait (their callers hold on until their
        /// timeouts); when it restarts, the requests still stuck in it fail with `instance_failed`.
        case hang
    }

    /// Time to failure (up period), seconds. Families with an exact equilibrium draw only
    /// (see `Distribution.supportsResidualLife`).
    public var timeToFailure: Distribution
    /// Repair time (down period), seconds.
    public var timeToRepair: Distribution
    public var mode: Mode
    /// Repairs in progress at once in the station: failed instances wait for a crew in failure
    /// order. nil = every instance repaired on its own. Needs exponential times (then the
    /// stationary start, the number down in a birth–death chain, is exact).
    public var repairCrews: Int?
    /// Instances that must be up for the pool to count as available (k of a k-out-of-n
    /// system): reported as `availability.<pool>.instances`, the share of time with at least
    /// this many up. Default 1.
    public var required: Int

    public init(
        timeToFailure: Distribution, timeToRepair: Distribution, mode: Mode = .crash, repairCrews: Int? = nil,
        required: Int = 1
    ) {
        self.timeToFailure = timeToFailure
        self.timeToRepair = timeToRepair
        self.mode = mode
        self.repairCrews = repairCrews
        self.required = required
    }

    /// Long-run share of time an instance is up with its own repair crew: MTBF / (MTBF + MTTR).
    public var availability: Double { timeToFailure.mean / (timeToFailure.mean + timeToRepair.mean) }
}

/// How a balancer learns that an instance is down: a check every `interval` (at a phase of its
/// own per instance); `unhealthyAfter` failed checks in a row take the instance out of the
/// rotation, `healthyAfter` good ones in a row bring it back. A crashed or hung instance fails
/// its checks.
public struct HealthCheck: Sendable, Equatable {
    public var interval: SimDuration
    public var unhealthyAfter: Int
    public var healthyAfter: Int

    public init(interval: SimDuration, unhealthyAfter: Int = 3, healthyAfter: Int = 2) {
        self.interval = interval
        self.unhealthyAfter = unhealthyAfter
        self.healthyAfter = healthyAfter
    }

    /// When the balancer's belief changes after a change of state at `time` (ns, may be
    /// negative): the `count`-th check at or after it, checks falling at phase + k·interval.
    public func decided(after time: Int64, phase: Int64, count: Int) -> Int64 {
        let step = interval.nanoseconds
        // First check time ≥ time: phase + k·step with k = ceil((time − phase)/step).
        let d = time - phase
        var k = d / step
        if k * step < d { k += 1 }
        // Saturating: an interval of centuries puts the decision past the end of time ("never").
        return phase.saturatingAdd((k + Int64(count - 1)).saturatingMultiply(step))
    }
}
