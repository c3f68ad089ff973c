/// The time series across replications: per window and column, the mean of the replications'
/// values and the half-width of its 95 % Student-t interval (as for the run's scalar metrics;
/// for the latency quantiles this is the mean of per-replication window quantiles, with the
/// sectioning interval — a pooled histogram per window would need every window's histogram of
/// every replication at once).
///
/// Replications are added in replication order (`Experiment.run(inOrder:)`), so the sums do not
/// depend on thread count. Memory: 24 bytes per window and column (e.g. 43,200 one-minute
/// windows of a 30-day horizon × 20 columns ≈ 21 MB), whatever the number of replications.
public struct TimeSeriesSummary: Sendable {
    public let layout: TimeSeriesLayout
    /// Welford accumulators, window-major: count, mean, sum of squared deviations.
    private var counts: [Int32]
    private var means: [Double]
    private var m2: [Double]
    public private(set) var replications = 0
    /// t_{0.975, n−1} for n = 0, 1, … replications (index n; NaN below 2): one GSL call per n,
    /// not one per cell.
    private var critical: [Double] = [.nan, .nan]

    public init(layout: TimeSeriesLayout) {
        self.layout = layout
        let n = layout.windowCount * layout.columns.count
        counts = Array(repeating: 0, count: n)
        means = Array(repeating: 0, count: n)
        m2 = Array(repeating: 0, count: n)
    }

    /// Adds one replication's rows (NaN values — undefined in that window — are skipped).
    public mutating func add(_ rows: [Double]) {
        precondition(rows.count == counts.count, "a time series of another layout")
        replications += 1
        if replications >= 2 { critical.append(StudentT.critical95(degreesOfFreedom: replications - 1)) }
        for i in rows.indices where !rows[i].isNaN {
            counts[i] += 1
            let d = rows[i] - means[i]
            means[i] += d / Double(counts[i])
            m2[i] += d * (rows[i] - means[i])
        }
    }

    /// Mean of window `w`'s column `c` (NaN when no replication had a value) and its 95 %
    /// half-width (nil with fewer than two values).
    public func estimate(window w: Int, column c: Int) -> (value: Double, halfWidth95: Double?) {
        let i = w * layout.columns.count + c
        let n = Int(counts[i])
        guard n > 0 else { return (.nan, nil) }
        guard n > 1 else { return (means[i], nil) }
        let sd = (m2[i] / Double(n - 1)).squareRoot()
        return (means[i], critical[n] * sd / Double(n).squareRoot())
    }
}
