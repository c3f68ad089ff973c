import InfraModel

/// Peak arrival rates under time-varying load (rate profiles, bursts, traces), for the offered-load
/// check's "peak" figures. (Mean rates over the horizon are InfraModel's `classRates`.)
extension ModelSpec {
    /// The highest rate `process` reaches over `[0, horizon)` (seconds), with the rate profile
    /// applied to Poisson processes; nil for no process or a stationary one.
    func peakRate(_ process: ArrivalProcess?, over horizon: Double) -> Double? {
        guard let process else { return nil }
        if case .poisson(let r) = process, let profile { return r * profile.peak(over: horizon) }
        return process.peakRate(over: horizon)
    }

    /// True when some arrival rate varies in time (a rate profile, mmpp2 or a trace): the
    /// offered load is then a mean, and its peak is worth a look of its own.
    public var loadVaries: Bool {
        let h = window.horizon.seconds
        return ([arrivals] + classes.map(\.arrivals)).contains { peakRate($0, over: h) != nil }
    }

    /// The highest arrival rate of each class over the horizon, in requests per second (its mean
    /// rate, `classRates`, where it does not vary); nil when no rate varies. Classes may peak at
    /// different times, so sums of these are upper bounds. A class without a process of its own
    /// takes its weighted share of the workload's, as in `classRates`.
    public var peakClassRates: [Double]? {
        guard loadVaries else { return nil }
        let h = window.horizon.seconds
        let shared = classes.filter { $0.arrivals == nil }.reduce(0) { $0 + $1.weight }
        let mean = classRates
        return classes.enumerated().map { k, c in
            if c.arrivals != nil { return peakRate(c.arrivals, over: h) ?? mean[k] }
            guard let peak = peakRate(arrivals, over: h) else { return mean[k] }
            return peak * c.weight / shared
        }
    }
}
