import InfraModel

/// The mean load each class brings over the horizon: the rate of its arrival process, with the
/// rate profile applied.
extension ModelSpec {
    /// Mean arrivals per second of each class over the horizon: its own process's rate, or its
    /// weighted share of the workload's (a trace counts its arrivals before the horizon; a rate
    /// profile multiplies Poisson rates by its mean over the horizon).
    public var classRates: [Double] {
        let shared = classes.filter { $0.arrivals == nil }.reduce(0) { $0 + $1.weight }
        let h = window.horizon.seconds
        return classes.map { c in
            meanRate(c.arrivals, over: h) ?? (meanRate(arrivals, over: h) ?? 0) * c.weight / shared
        }
    }

    /// The mean rate of `process` over `[0, horizon)` (seconds), in requests per second, with the
    /// rate profile applied to Poisson processes; nil for no process.
    func meanRate(_ process: ArrivalProcess?, over horizon: Double) -> Double? {
        guard let process else { return nil }
        let base = process.meanRate(over: horizon)
        if case .poisson = process, let profile { return base * profile.mean(over: horizon) }
        return base
    }
}
