import InfraModel

/// A metric's estimate across replications.
public struct MetricEstimate: Sendable, Equatable {
    public var id: String
    /// Point estimate (SI units). NaN when no replication had a value.
    public var value: Double
    /// Half-width of the 95 % confidence interval; nil where none is defined (`max`, or fewer
    /// than two replications with a value).
    public var halfWidth95: Double?
    /// Replications that contributed a value.
    public var replications: Int
}

/// The results of all replications of one model, summarised per metric.
///
/// Scalars: mean across replications ± t_{0.975,n−1}·s/√n. Quantiles and standard deviations:
/// point estimate from the pooled histogram (or pooled level times), half-width by sectioning
/// with a bias allowance (`sectioned`).
/// Replication results are taken in replication order, so the summary does not depend on
/// which thread finished first. The pooled histograms are read here and not kept (about 270 KB
/// each: a sweep of thousands of designs would hold gigabytes of them).
public struct Summary: Sendable {
    public var layout: MetricLayout
    public var estimates: [MetricEstimate]
    /// Pooled level times (sum over replications), aligned with `layout.distributions`.
    public var pooledDistributions: [LevelTimes]
    public var replications: Int
    /// Events delivered over all replications.
    public var events: UInt64
    /// Requests simulated over all replications (warm-up included).
    public var arrivals: UInt64
    /// Human-readable cautions (thin tails behind a percentile…).
    public var warnings: [String]
    /// The end-to-end latency's quantiles at `latencyLevels` (seconds, from the pooled
    /// histogram; NaN without a success): the points of a report's latency CDF, read here because
    /// the pooled histograms are not kept.
    public var latencyQuantiles: [Double]
    /// Successes in the pooled latency histogram: (1 − q) × this many lie beyond the q-quantile,
    /// so a reader can tell which tail points rest on a handful of requests.
    public var latencySamples: UInt64

    /// The levels of `latencyQuantiles`, ascending: the body in steps of 0.1, then the tail in
    /// 1-2-5 steps of 1 − q down to 10⁻⁵, so the tail is evenly spaced on a log axis of 1 − F.
    public static let latencyLevels: [Double] = [
        0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995,
        0.9998, 0.9999, 0.99995, 0.99998, 0.99999,
    ]

    /// `pool`: the results' histograms and level times already merged (and dropped from the
    /// results) as they finished; nil to merge them here.
    public init(layout: MetricLayout, results: [ReplicationResult], pool: Pool? = nil) {
        let results = results.sorted { $0.replication < $1.replication }
        self.layout = layout
        self.replications = results.count
        self.events = results.reduce(0) { $0 + $1.outcome.events }
        self.arrivals = results.reduce(0) { $0 + $1.outcome.arrivals }
        let (pooled, pooledDistributions) = Pool.pooled(results, layout: layout, pool: pool)
        self.pooledDistributions = pooledDistributions
        // Histogram 0 is the end-to-end latency (`MetricLayout.init` adds it first).
        latencyQuantiles = pooled[0].quantiles(Self.latencyLevels)
        latencySamples = pooled[0].count
        var warnings: [String] = []
        estimates = layout.metrics.enumerated().map { (i, m) in
            var t = Tally()
            for r in results where !r.values[i].isNaN { t.add(r.values[i]) }
            let hw =
                t.count >= 2
                ? StudentT.critical95(degreesOfFreedom: Int(t.count) - 1) * t.standardDeviation
                    / Double(t.count).squareRoot()
                : nil
            if let value = m.kind.pooledValue(histograms: pooled, distributions: pooledDistributions) {
                if case .quantile(let h, let q) = m.kind {
                    Self.warnAboutTail(
                        id: m.id, histogram: pooled[h], name: layout.histograms[h], q: q, value: value, sections: t,
                        halfWidth95: hw, into: &warnings)
                }
                return Self.sectioned(id: m.id, pooled: value, sections: t, halfWidth95: hw)
            }
            switch m.kind {
            case .outageMeanTime(let count, let share):
                return Self.ratioOfSums(
                    id: m.id, results: results, numerator: { r in share.map { r.values[$0] } ?? 1 },
                    denominator: { $0.values[count] }, scale: layout.windowSeconds)
            case .maximum(let h):
                return MetricEstimate(
                    id: m.id, value: pooled[h].maximumSeconds, halfWidth95: nil, replications: Int(t.count))
            default:
                return MetricEstimate(
                    id: m.id, value: t.isEmpty ? .nan : t.mean, halfWidth95: hw, replications: Int(t.count))
            }
        }
        if let j = layout.index(of: "availability.windows.judged"), estimates[j].value < 1 {
            warnings.append(
                "availability.time: \(((1 - estimates[j].value) * 100).formatted2) % of the windows had fewer than min_requests requests and were not judged"
            )
        }
        if let w = layout.costWarning { warnings.append(w) }
        self.warnings = warnings
    }

    /// The warnings a latency percentile's tail earns: fewer than 100 samples beyond it, or
    /// replications whose own percentiles disagree with the pooled one by more than their
    /// half-width (the tail rests on a few bursts; `sectioned` explains the gap).
    static func warnAboutTail(
        id: String, histogram: LatencyHistogram, name: String, q: Double, value: Double, sections: Tally,
        halfWidth95: Double?, into warnings: inout [String]
    ) {
        guard histogram.count > 0 && name == "latency" else { return }
        let beyond = Double(histogram.count) * (1 - q)
        if beyond < 100 {
            warnings.append("\(id): only \(Int(beyond)) samples lie beyond this quantile; its interval is rough")
        } else if let halfWidth95, value > 0, abs(value - sections.mean) > halfWidth95 {
            let gap = abs(sections.mean - value) / value * 100
            warnings.append(
                "\(id): the replications' own percentiles average \(gap.formatted2) % \(sections.mean < value ? "below" : "above") the pooled one, more than their spread explains: its tail rests on a few bursts of slow requests; the interval is widened by the gap, and longer replications narrow it"
            )
        }
    }

    /// An estimate from the pooled data of all replications (`pooled`) with its interval by
    /// sectioning: the Student-t half-width of the per-replication estimates (`sections`,
    /// `halfWidth95`), plus the gap between the pooled value and the sections' mean.
    ///
    /// Why the gap: a percentile or a standard deviation computed within one replication is
    /// biased — an extreme percentile of a replication whose tail holds a few bursts of slow
    /// requests falls short of the true one, and a replication's standard deviation is low by
    /// Jensen's inequality — and the bias does not shrink as replications are added, while the
    /// t half-width does. The pooled value does not carry that bias, so the sections' spread alone
    /// makes an interval centred on it too narrow exactly when the bias is large: M/M/1 at
    /// ρ = 0.8 in replications of 14 slow requests beyond the p999 each covered the p999 in
    /// about 70 % of runs. The gap is an estimate of that bias (with noise of the order of the
    /// half-width), so adding it keeps the interval's coverage near 95 % there and costs a
    /// slightly wider interval where replications are long (`IntervalCoverageTests`).
    static func sectioned(id: String, pooled: Double, sections: Tally, halfWidth95: Double?) -> MetricEstimate {
        MetricEstimate(
            id: id, value: pooled, halfWidth95: halfWidth95.map { $0 + abs(pooled - sections.mean) },
            replications: Int(sections.count))
    }

    /// Σ numerator / Σ denominator over the replications where both are defined (× `scale`), with
    /// the delta-method 95 % interval of a ratio estimator: s(x − R·y)/(√n·ȳ), Student-t. NaN
    /// when the denominators sum to 0.
    static func ratioOfSums(
        id: String, results: [ReplicationResult], numerator: (ReplicationResult) -> Double,
        denominator: (ReplicationResult) -> Double, scale: Double
    ) -> MetricEstimate {
        let pairs = results.map { (numerator($0) * scale, denominator($0)) }.filter { !$0.0.isNaN && !$0.1.isNaN }
        let sy = pairs.reduce(0) { $0 + $1.1 }
        guard sy > 0 else { return MetricEstimate(id: id, value: .nan, halfWidth95: nil, replications: pairs.count) }
        let ratio = pairs.reduce(0) { $0 + $1.0 } / sy
        let n = pairs.count
        guard n >= 2 else { return MetricEstimate(id: id, value: ratio, halfWidth95: nil, replications: n) }
        var residuals = Tally()
        for (x, y) in pairs { residuals.add(x - ratio * y) }
        let meanY = sy / Double(n)
        let se = residuals.standardDeviation / (Double(n).squareRoot() * meanY)
        return MetricEstimate(
            id: id, value: ratio, halfWidth95: StudentT.critical95(degreesOfFreedom: n - 1) * se, replications: n)
    }

    /// The estimate for a metric id, if the layout has it.
    public subscript(id: String) -> MetricEstimate? {
        layout.index(of: id).map { estimates[$0] }
    }
}

extension Double {
    /// Two decimals, for warnings (deterministic: the same value always prints the same).
    var formatted2: String {
        let hundredths = (self * 100).rounded()
        let whole = Int64(hundredths / 100)
        let fraction = Int64(abs(hundredths).truncatingRemainder(dividingBy: 100))
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
