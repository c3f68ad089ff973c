/// The time a count spent at each level (requests in the system, waiting at a station, present
/// at a station): `nanoseconds[k]` is the time in ns the count was k. The time-average
/// distribution of the count is these times over their sum.
///
/// A value for reports and pooling; the model accumulates into a `LevelTally` and hands out
/// its `times`. Invariant: every entry ≥ 0.
public struct LevelTimes: Sendable, Equatable {
    public private(set) var nanoseconds: [Double] = []

    public init(nanoseconds: [Double] = []) { self.nanoseconds = nanoseconds }

    @inline(never)
    private mutating func grow(to level: Int) {
        precondition(level >= 0, "a count's level is never negative")
        nanoseconds.append(contentsOf: repeatElement(0, count: level + 1 - nanoseconds.count))
    }

    /// Total time accumulated (ns).
    public var total: Double { nanoseconds.reduce(0, +) }

    /// The times accumulated since `earlier` (a snapshot of the same count taken before).
    public func since(_ earlier: LevelTimes) -> LevelTimes {
        var d = nanoseconds
        for (k, t) in earlier.nanoseconds.enumerated() where k < d.count { d[k] -= t }
        return LevelTimes(nanoseconds: d)
    }

    /// Adds another's times level by level (pooling replications of equal length).
    public mutating func merge(_ other: LevelTimes) {
        if other.nanoseconds.count > nanoseconds.count { grow(to: other.nanoseconds.count - 1) }
        for (k, t) in other.nanoseconds.enumerated() { nanoseconds[k] += t }
    }

    /// The time-average share of each level (sums to 1), without trailing levels of no time;
    /// empty when no time was accumulated.
    public var shares: [Double] {
        let sum = total
        guard sum > 0 else { return [] }
        let last = nanoseconds.lastIndex { $0 > 0 } ?? -1
        return nanoseconds[...last].map { $0 / sum }
    }

    /// The smallest level k whose time-average cumulative share reaches q (0 < q < 1); NaN when
    /// no time was accumulated.
    public func quantile(_ q: Double) -> Double {
        let sum = total
        guard sum > 0 else { return .nan }
        var cumulative = 0.0
        for (k, t) in nanoseconds.enumerated() {
            cumulative += t
            if cumulative >= q * sum { return Double(k) }
        }
        return Double(nanoseconds.count - 1)
    }

    /// The time-average level (the mean of the distribution); NaN when no time was accumulated.
    public var mean: Double {
        let sum = total
        guard sum > 0 else { return .nan }
        return nanoseconds.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element } / sum
    }
}
