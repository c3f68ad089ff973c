import SimKernel
import SimRandom

/// Target-tracking autoscaling of a server pool (`autoscale:`), as Kubernetes' horizontal pod
/// autoscaler and the clouds' target-tracking policies do it.
///
/// The pool's `StationSpec.instances` is `max` (every instance the pool may ever hold is
/// allocated up front); `initial` of them are provisioned and serving at time 0, the rest are
/// "not provisioned" (down for `DownReason.unprovisioned`, out of the rotation, not billed).
///
/// Every `interval` (from time `interval` on, until the horizon) the autoscaler samples its
/// metric over the interval just ended and acts on the sample taken `metricLag` earlier (the
/// newest sample at least that old; none yet: no action). From a sample m measured while b
/// instances served on average: desired = ⌈b × m / target⌉, unless m / target is within the
/// tolerance band (±10 %), when desired = the current count (serving + provisioning). A scale-in
/// uses the highest desired count of the last `scaleInWindow` (stabilisation), a scale-out the
/// lowest of the last `scaleOutWindow`; the result is clamped to [minimum now, max].
public struct AutoscalePolicy: Sendable, Equatable {
    /// What the autoscaler tracks, per serving instance.
    public enum Metric: String, Sendable, CaseIterable {
        /// Busy workers / (serving instances × workers), over the interval (a fraction).
        case utilization
        /// Requests at the pool (in service or waiting) per serving instance, time-averaged.
        case inFlight = "in_flight"
        /// Requests arriving at the pool per second per serving instance.
        case requestRate = "request_rate"
    }

    public var metric: Metric
    /// The metric's target value (a fraction, a count, or requests/s per instance).
    public var target: Double
    /// Instances provisioned and serving at time 0 (the pool's `instances:`).
    public var initial: Int
    public var min: Int
    public var max: Int
    /// Time between evaluations; the sample's age when it is acted on.
    public var interval: SimDuration
    public var metricLag: SimDuration
    /// No scale-out sooner than this after the last scale-out; no scale-in sooner than this
    /// after the last scaling action of either kind.
    public var scaleOutCooldown: SimDuration
    public var scaleInCooldown: SimDuration
    /// Stabilisation windows (see above); zero: the latest recommendation alone.
    public var scaleOutWindow: SimDuration
    public var scaleInWindow: SimDuration
    /// At most this many instances added or removed by one action (nil: no limit).
    public var maxStep: Int?
    /// How long a new instance takes before it serves (billed from the start).
    public var provisioning: Distribution
    /// How long a removed instance drains (out of the rotation, its work finishing) before it
    /// stops; what is left fails with `instance_failed`.
    public var drain: SimDuration
    /// Scheduled scaling: from `at` on the minimum is `min` (in time order).
    public var schedule: [(at: SimTime, min: Int)]
    /// The tolerance band around the target (Kubernetes' default 10 %).
    public static let tolerance = 0.1

    public init(
        metric: Metric, target: Double, initial: Int, min: Int, max: Int,
        interval: SimDuration = .seconds(15), metricLag: SimDuration = .zero,
        scaleOutCooldown: SimDuration = .zero, scaleInCooldown: SimDuration = .seconds(300),
        scaleOutWindow: SimDuration = .zero, scaleInWindow: SimDuration = .seconds(300),
        maxStep: Int? = nil, provisioning: Distribution = .deterministic(value: 60), drain: SimDuration = .seconds(30),
        schedule: [(at: SimTime, min: Int)] = []
    ) {
        self.metric = metric
        self.target = target
        self.initial = initial
        self.min = min
        self.max = max
        self.interval = interval
        self.metricLag = metricLag
        self.scaleOutCooldown = scaleOutCooldown
        self.scaleInCooldown = scaleInCooldown
        self.scaleOutWindow = scaleOutWindow
        self.scaleInWindow = scaleInWindow
        self.maxStep = maxStep
        self.provisioning = provisioning
        self.drain = drain
        self.schedule = schedule
    }

    public static func == (a: AutoscalePolicy, b: AutoscalePolicy) -> Bool {
        a.metric == b.metric && a.target == b.target && a.initial == b.initial && a.min == b.min && a.max == b.max
            && a.interval == b.interval && a.metricLag == b.metricLag && a.scaleOutCooldown == b.scaleOutCooldown
            && a.scaleInCooldown == b.scaleInCooldown && a.scaleOutWindow == b.scaleOutWindow
            && a.scaleInWindow == b.scaleInWindow
            && a.maxStep == b.maxStep && a.provisioning == b.provisioning && a.drain == b.drain
            && a.schedule.map(\.at) == b.schedule.map(\.at) && a.schedule.map(\.min) == b.schedule.map(\.min)
    }

    /// The minimum in force at `t`.
    public func minimum(at t: SimTime) -> Int {
        var m = min
        for s in schedule where s.at <= t { m = s.min }
        return m
    }

    /// The desired-count rule: from a sample `metric` taken while `basis` instances served on
    /// average, with `current` instances serving or provisioning now. Within the tolerance band:
    /// `current`; otherwise ⌈basis × metric / target⌉ (a 1e-9 slack keeps 4 × 1.5 at 6).
    public func desired(metric m: Double, basis: Double, current: Int) -> Int {
        let ratio = m / target
        if abs(ratio - 1) <= Self.tolerance { return current }
        let x = basis * ratio
        guard x.isFinite else { return max }
        return Int(Swift.min((x - 1e-9).rounded(.up), Double(Int32.max)))
    }
}

/// One scaling change of a pool, for event-trace tests and debugging: when, which pool
/// (station index), and its held and serving counts after the change.
public struct ScalingLogEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A scale-out or scale-in decision (`count` instances added or taken out).
        case scaleOut(count: Int)
        case scaleIn(count: Int)
        /// An instance finished provisioning (serves now), or finished draining (released).
        case ready(instance: Int)
        case released(instance: Int)
    }
    public var time: SimTime
    public var station: Int
    public var kind: Kind
    public var held: Int
    public var serving: Int
    /// The desired count the decision aimed at (decisions only; 0 otherwise).
    public var desired: Int
}
