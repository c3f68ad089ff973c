/// The difference of one metric between a design and a baseline, paired replication by
/// replication under common random numbers: replication r of both saw the same arrivals and
/// demands, so the per-replication differences cancel most of the noise the two share.
public struct PairedDifference: Sendable, Equatable {
    /// Means over the pairs, in the metric's unit (for a pooled metric, the pooled values).
    public var baselineMean: Double
    public var mean: Double
    /// mean − baselineMean (the mean of the per-pair differences), and the half-width of its
    /// 95 % Student-t interval from those differences.
    public var difference: Double
    public var halfWidth95: Double
    /// The half-width the same values would give if the two runs were independent (Welch's
    /// interval, with Welch–Satterthwaite degrees of freedom; 0 when neither varies), to show
    /// what pairing buys.
    public var unpairedHalfWidth95: Double
    /// Pairs in which both values are defined (neither NaN).
    public var count: Int

    /// The difference over `pairs` of (baseline, design) values, skipping a pair in which either
    /// is NaN; nil with fewer than two pairs left.
    public init?(pairs: some Sequence<(baseline: Double, design: Double)>) {
        var a = Tally()
        var b = Tally()
        var d = Tally()
        for (x, y) in pairs {
            guard !x.isNaN, !y.isNaN else { continue }
            a.add(x)
            b.add(y)
            d.add(y - x)
        }
        let n = Int(d.count)
        guard n >= 2 else { return nil }
        let paired = StudentT.critical95(degreesOfFreedom: n - 1) * d.standardDeviation / Double(n).squareRoot()
        let va = a.variance / Double(n)
        let vb = b.variance / Double(n)
        let df = (va + vb) * (va + vb) / (va * va / Double(n - 1) + vb * vb / Double(n - 1))
        let unpaired = va + vb > 0 ? StudentT.quantile(0.975, realDegreesOfFreedom: df) * (va + vb).squareRoot() : 0
        self.init(
            baselineMean: a.mean, mean: b.mean, difference: d.mean, halfWidth95: paired,
            unpairedHalfWidth95: unpaired, count: n)
    }

    /// The difference of a metric estimated from pooled data (a percentile, a standard
    /// deviation: `MetricKind.isPooled`): `pooledBaseline` and `pooledDesign` are the values
    /// the two runs print, and the difference is theirs. The interval is by sectioning, as
    /// `Summary` gives each value's: the paired Student-t half-width of the per-replication
    /// differences (`pairs`, the replications' own values), plus the gap between the pooled
    /// difference and the mean of those differences. A percentile computed within one short
    /// replication is biased; under common random numbers the two designs' biases largely
    /// cancel in each difference, and the gap covers what is left (Welch's half-width gets the
    /// same gap). Nil with fewer than two pairs, or a pooled value that is NaN.
    public init?(pairs: some Sequence<(baseline: Double, design: Double)>, pooledBaseline: Double, pooledDesign: Double)
    {
        guard !pooledBaseline.isNaN, !pooledDesign.isNaN, let sections = PairedDifference(pairs: pairs) else {
            return nil
        }
        let difference = pooledDesign - pooledBaseline
        let gap = abs(difference - sections.difference)
        self.init(
            baselineMean: pooledBaseline, mean: pooledDesign, difference: difference,
            halfWidth95: sections.halfWidth95 + gap, unpairedHalfWidth95: sections.unpairedHalfWidth95 + gap,
            count: sections.count)
    }

    public init(
        baselineMean: Double, mean: Double, difference: Double, halfWidth95: Double,
        unpairedHalfWidth95: Double, count: Int
    ) {
        self.baselineMean = baselineMean
        self.mean = mean
        self.difference = difference
        self.halfWidth95 = halfWidth95
        self.unpairedHalfWidth95 = unpairedHalfWidth95
        self.count = count
    }
}
