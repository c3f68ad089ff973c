/// Every instance's concurrency limit (see `ConcurrencyLimitSpec`), in one flat table.
///
/// Invariant: `base[s] ≥ 0` exactly for the stations with a limit; their instances' limits are
/// `limit[base[s] ..< base[s] + instances(s)]`, each within [min, max] of the station.
struct ConcurrencyLimits {
    /// First limit of each station, −1 without one.
    let base: [Int32]
    let minimum: [Double]
    let maximum: [Double]
    /// A slow sample's threshold (ns); −1 for a fixed limit.
    let latency: [Int64]
    let backoff: [Double]
    var limit: [Double]
    /// Some station has a limit.
    let any: Bool

    init(spec: ModelSpec) {
        var base: [Int32] = []
        var limit: [Double] = []
        for st in spec.stations {
            guard let c = st.concurrencyLimit else {
                base.append(-1)
                continue
            }
            base.append(Int32(limit.count))
            limit += Array(repeating: c.initial, count: st.instances)
        }
        self.base = base
        self.limit = limit
        minimum = spec.stations.map { $0.concurrencyLimit?.min ?? 0 }
        maximum = spec.stations.map { $0.concurrencyLimit?.max ?? 0 }
        latency = spec.stations.map { $0.concurrencyLimit?.latency?.nanoseconds ?? -1 }
        backoff = spec.stations.map { $0.concurrencyLimit?.backoff ?? 1 }
        any = !limit.isEmpty
    }
}
