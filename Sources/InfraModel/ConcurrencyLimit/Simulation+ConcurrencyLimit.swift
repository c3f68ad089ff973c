import SimKernel

/// Concurrency limits at admission and their adaptation as visits end (see
/// `ConcurrencyLimitSpec`).
extension Simulation {
    /// Whether instance i of station s takes one more request under its concurrency limit.
    @inline(__always)
    func underConcurrencyLimit(instance i: Int32, station s: Int) -> Bool {
        let base = concurrency.base[s]
        guard base >= 0 else { return true }
        let k = Int(base) + Int(i &- stations[s].firstInstance)
        return Double(inFlight(i)) < concurrency.limit[k].rounded(.down)
    }

    /// A visit at instance i of station s that arrived at `arrived` ends now (before its worker
    /// is released): with an adaptive limit, its latency shrinks or grows the instance's limit.
    @inline(__always)
    mutating func concurrencySample(instance i: Int32, station s: Int, arrived: SimTime) {
        let base = concurrency.base[s]
        guard base >= 0, concurrency.latency[s] >= 0 else { return }
        let k = Int(base) + Int(i &- stations[s].firstInstance)
        var limit = concurrency.limit[k]
        if kernel.now.nanoseconds &- arrived.nanoseconds > concurrency.latency[s] {
            limit = Swift.max(concurrency.minimum[s], limit * concurrency.backoff[s])
        } else if Double(inFlight(i) * 2) >= limit {
            limit = Swift.min(concurrency.maximum[s], limit + 1)
        }
        concurrency.limit[k] = limit
    }
}
