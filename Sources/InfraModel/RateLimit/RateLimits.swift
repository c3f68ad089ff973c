import SimKernel

/// The token buckets of every rate-limited component, in one flat table, by the generic cell
/// rate algorithm (GCRA): a bucket is its theoretical arrival time `tat`, the instant it would
/// next be full-minus-one-interval. A request arriving at `now` is admitted when
/// `tat − now ≤ (burst − 1) · interval`, and then `tat = max(tat, now) + interval`. This is a
/// token bucket of `burst` tokens refilled one per interval, in integers: no rounding drifts.
///
/// Invariant: `base[s] ≥ 0` exactly for the stations with a limit; their buckets are
/// `tat[base[s] ..< base[s] + count(s)]`, all starting at 0 (full).
struct RateLimits {
    /// First bucket of each station, −1 without a limit.
    var base: [Int32]
    /// Buckets per instance (`.instance` scope) or for the station: the classes for `.class`,
    /// the most keys of a class for `.key`, else 1.
    var perUnit: [Int32]
    var instanceScoped: [Bool]
    /// The station's buckets are per key (`per: key`): a request's is its key's rank − 1.
    var keyed: [Bool]
    var interval: [Int64]
    /// (burst − 1) · interval, saturating.
    var tolerance: [Int64]
    var tat: [Int64]
    /// Some station has a limit.
    let any: Bool

    init(spec: ModelSpec) {
        var base: [Int32] = []
        var perUnit: [Int32] = []
        var scoped: [Bool] = []
        var keyed: [Bool] = []
        var interval: [Int64] = []
        // The decoder checked that every class visiting a per-key limit has keys, and the count.
        let keyCount = spec.classes.compactMap { $0.keys.map { Int($0.count) } }.max() ?? 1
        var tolerance: [Int64] = []
        var count = 0
        for st in spec.stations {
            guard let limit = st.rateLimit else {
                base.append(-1)
                perUnit.append(0)
                scoped.append(false)
                keyed.append(false)
                interval.append(0)
                tolerance.append(0)
                continue
            }
            let unit =
                switch limit.per {
                case .component: 1
                case .class: spec.classes.count
                case .key: keyCount
                }
            base.append(Int32(count))
            perUnit.append(Int32(unit))
            scoped.append(limit.scope == .instance)
            keyed.append(limit.per == .key)
            interval.append(limit.interval)
            let (t, overflow) = Int64(limit.burst - 1).multipliedReportingOverflow(by: limit.interval)
            tolerance.append(overflow ? .max : t)
            count += unit * (limit.scope == .instance ? st.instances : 1)
        }
        self.base = base
        self.perUnit = perUnit
        self.instanceScoped = scoped
        self.keyed = keyed
        self.interval = interval
        self.tolerance = tolerance
        tat = Array(repeating: 0, count: count)
        any = count > 0
    }

    /// Takes a token from bucket `b` at `now`, if it has one.
    @inline(__always)
    mutating func admit(bucket b: Int, station s: Int, at now: SimTime) -> Bool {
        let t = max(tat[b], now.nanoseconds)
        guard t &- now.nanoseconds <= tolerance[s] else { return false }
        let (next, overflow) = t.addingReportingOverflow(interval[s])
        tat[b] = overflow ? .max : next
        return true
    }
}
