import InfraModel

extension MetricKind {
    /// The metric's estimate from the pooled data of several replications, for the metrics that
    /// are estimated that way — a percentile, a count's percentile, a standard deviation — and
    /// nil for those estimated as the mean of per-replication values.
    ///
    /// `histograms` and `distributions` are the replications' histograms and level times merged
    /// (aligned with `MetricLayout.histograms` and `.distributions`). The summary's figures and
    /// the SLO gate's estimates both come from here, so a percentile's verdict and its printed
    /// value are the same number.
    public func pooledValue(histograms: [LatencyHistogram], distributions: [LevelTimes]) -> Double? {
        switch self {
        case .quantile(let h, let q): return histograms[h].quantile(q)
        case .levelQuantile(let d, let q): return distributions[d].quantile(q)
        case .standardDeviation(let h): return histograms[h].standardDeviation
        default: return nil
        }
    }

    /// Whether the metric is estimated from pooled data (`pooledValue` is not nil).
    public var isPooled: Bool {
        switch self {
        case .quantile, .levelQuantile, .standardDeviation: true
        default: false
        }
    }
}
