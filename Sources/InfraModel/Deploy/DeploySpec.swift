import SimKernel

/// A deploy of a new version to a server pool (`rolling_deploy:`, `canary_deploy:` and
/// `blue_green_deploy:` events).
///
/// The new version is `version`: its service times are `serviceFactor` × the old version's, and
/// each response it gives is an error (`server_error`) with probability `errorRate`. An
/// `analysis`, when given, judges the new version's responses at the end of the bake and
/// decides between promoting it and rolling it back; without one the deploy always promotes.
public struct DeploySpec: Sendable, Equatable {
    public enum Strategy: Sendable, Equatable {
        /// The pool's instances in batches of `batch` (`max_unavailable`), in order: each batch
        /// leaves the rotation, drains for `DeploySpec.drain`, restarts for `DeploySpec.restart`
        /// on the new version and comes back — then the next (with `DeploySpec.surge`, more
        /// per step: see there). Nothing judges it: it always promotes. `batch` may be 0 when
        /// `surge` is not.
        case rolling(batch: Int)
        /// The pool's first `instances` instances take the new version (each drains for
        /// `DeploySpec.drain`, restarts for `DeploySpec.restart`), serve it for `bake`, and are
        /// judged. Promotion rolls the other instances over in batches of `batch`; a rollback
        /// restarts the canaries on the old version. With even balancing the canary takes the
        /// share instances / pool size of the traffic.
        case canary(instances: Int, bake: SimDuration, batch: Int)
        /// A second fleet as large as the pool is provisioned (billed) for `provision`; then all
        /// traffic switches to it at once; the old fleet stays idle (billed) for `bake`, the
        /// window in which a rollback switches traffic straight back, and is released at the
        /// decision. The extra instance-time is pool size × (provision + bake).
        case blueGreen(provision: SimDuration, bake: SimDuration)
    }

    /// The pool deployed to (a station index), and when the deploy begins.
    public var station: Int
    public var at: SimTime
    public var strategy: Strategy
    /// A canary step's drain (out of the rotation, in-flight work finishing) and restart.
    public var drain: SimDuration
    public var restart: SimDuration
    public var version: DeployVersion
    public var analysis: DeployAnalysis?
    /// `max_surge` of a rolling deploy and of a canary's promotion: each step also replaces
    /// this many instances without taking them out — their replacements start beside them
    /// (billed extra for the whole rollout) and take over at the step's end, so capacity never
    /// drops below the pool size − `batch`.
    public var surge = 0

    public init(
        station: Int, at: SimTime, strategy: Strategy, drain: SimDuration, restart: SimDuration,
        version: DeployVersion, analysis: DeployAnalysis?
    ) {
        self.station = station
        self.at = at
        self.strategy = strategy
        self.drain = drain
        self.restart = restart
        self.version = version
        self.analysis = analysis
    }

    /// The bake: how long the new version serves before it is judged.
    public var bake: SimDuration {
        switch strategy {
        case .rolling: .zero
        case .canary(_, let bake, _), .blueGreen(_, let bake): bake
        }
    }

    /// How many instances a promotion step takes out of the rotation at once (the batch;
    /// `max_unavailable`). A step replaces `batch + surge`.
    public var batch: Int {
        switch strategy {
        case .rolling(let batch), .canary(_, _, let batch): batch
        case .blueGreen: 0
        }
    }

    /// The longest the deploy can last on a pool of `n` instances, from `at` to its last step,
    /// whatever the analysis decides.
    public func longestDuration(instances n: Int) -> SimDuration {
        let step = drain + restart
        func steps(_ k: Int, _ b: Int) -> SimDuration {
            SimDuration(nanoseconds: step.nanoseconds * Int64((k + b - 1) / b))
        }
        switch strategy {
        case .rolling(let b): return steps(n, b + surge)
        case .canary(let k, let bake, let b):
            let after = max(step, steps(n - k, b + surge))
            return step + bake + after
        case .blueGreen(let provision, let bake): return provision + bake
        }
    }

    public var isBlueGreen: Bool {
        if case .blueGreen = strategy { true } else { false }
    }

    /// Whether the deploy holds (bills) instances beyond the pool's: a blue-green deploy's
    /// second fleet, or a surge.
    public var holdsExtra: Bool { isBlueGreen || surge > 0 }
}

/// What a deployed version does differently: service-time factor (1 = as before) and the
/// probability that a response is an error (0 = none).
public struct DeployVersion: Sendable, Equatable {
    public var serviceFactor: Double
    public var errorRate: Double
    public init(serviceFactor: Double = 1, errorRate: Double = 0) {
        self.serviceFactor = serviceFactor
        self.errorRate = errorRate
    }
}
