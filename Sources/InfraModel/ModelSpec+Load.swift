/// The mean load a class brings over the horizon: the rate of an arrival process (the rate
/// profile applied) and the visits per call-tree node below caches. InfraModel's own estimates
/// (`classRates`, `expectedHitRatios`) use them, and so do the offered-load estimates of the
/// Theory module, which sees only what is public here.
extension ModelSpec {
    /// The mean rate of `process` over `[0, horizon)` (seconds), in requests per second, with the
    /// rate profile applied to Poisson processes; nil for no process.
    func meanRate(_ process: ArrivalProcess?, over horizon: Double) -> Double? {
        guard let process else { return nil }
        let base = process.meanRate(over: horizon)
        if case .poisson = process, let profile { return base * profile.mean(over: horizon) }
        return base
    }

    /// Mean visits per request to each node of class c, counting a node below a cache only on
    /// the cache's misses (`hits[s]`: the hit ratio of station s, nil if not a cache). The rule
    /// is `cacheVisits`'s, forwarded so that the two cannot disagree.
    public func meanVisits(_ c: RequestClass, hits: [Double?]) -> [Double] {
        cacheVisits(c, hits: hits)
    }
}
