/// What a ``Simulation``'s model may contain, fixed by a type so that the compiler builds the
/// event handlers twice: once for any model (``FullModel``), once for models without the
/// optional components (``CoreModel``), where every test for those components is the constant
/// `false` and the code behind it is gone.
///
/// The optional components ("features") are those the request path tests for on every request
/// or visit: caches, databases, clients (timeouts, retries, patience), closed workloads' users,
/// request keys, DNS, regions, TLS, inspection stages, rate limits, concurrency limits, deploys,
/// clusters and preemptive priority. A core model is stations, balancers, their queues and
/// disciplines, failures, health checks, zones, scheduled events and autoscaling.
///
/// Why: on M/M/1, M/M/8 and the tandem the tests cost about 60 instructions an event and 6–11 %
/// of the CPU time (Benchmarks/README.md, section 6). Every handler tests the feature the same
/// way, `Shape.hasFeatures && caches.any` (or a station's flag of one, `Shape.hasFeatures &&
/// stations[s].preempts`), so the core copy is the full one with those branches removed: the
/// same code, not a second implementation.
public protocol ModelShape {
    /// Whether the model may use a feature; false lets the compiler drop every feature's code.
    static var hasFeatures: Bool { get }
}

/// Any model: each feature's code runs when the model uses it.
public enum FullModel: ModelShape {
    @inlinable public static var hasFeatures: Bool { true }
}

/// A model without features (see ``ModelShape``). A `Simulation<CoreModel>` of a model that
/// uses one must not run: ``Simulation/usesFeatures`` says which shape a model needs.
public enum CoreModel: ModelShape {
    @inlinable public static var hasFeatures: Bool { false }
}

extension ModelSpec {
    /// False when the model certainly uses no feature (see ``ModelShape``), read from the
    /// specification before a replication is built: the run then builds a
    /// `Simulation<CoreModel>`. It errs towards true (a core model judged otherwise only runs
    /// the full handlers); the built simulation's ``Simulation/usesFeatures`` is the exact test.
    public var mayUseFeatures: Bool {
        if dns != nil || !regions.list.isEmpty || !deploys.isEmpty || !clusters.isEmpty { return true }
        if case .closed? = arrivals { return true }
        for c in classes {
            if c.keys != nil || c.client != nil { return true }
            if case .closed? = c.arrivals { return true }
        }
        for s in stations {
            if s.database != nil || s.cache != nil || s.tls != nil || s.rateLimit != nil || s.inspection != nil
                || s.concurrencyLimit != nil || s.region != nil || s.pod != nil || s.balance == .consistentHash
                || s.preemption != .never
            {
                return true
            }
        }
        return false
    }
}
