import ScenarioLanguage
import SimKernel
import SimStats
import Theory

/// The parts of the JSON report that `capsim report` draws from besides the metrics: the
/// components in the scenario's order with capsim's analytic estimates, the latency quantiles of
/// a CDF, and the per-window time series. Added keys only (schema version 1 unchanged): a reader
/// of the earlier report finds every key it knew, with the same meaning.
extension JSONReport {
    /// `[{"name", "utilization_theory", "wait_mean_theory", "wait_p99_theory"}]`, one per component in the
    /// scenario's order: the utilisation carried (offered load over capacity, less what a
    /// bounded queue turns away by M/M/c/K and what gives up waiting by M/M/c+G) and the mean
    /// wait (Erlang C, or M/M/c/K for a bounded queue, with the Allen–Cunneen correction, or
    /// M/M/c+G's) — over the instances, each fed its own share, when they are loaded unequally
    /// (`OfferedLoad.poolUtilizationTheory`) — as the terminal table's "(theory)"
    /// columns (`TableReport.componentTable`, `OfferedLoad.poolWaitTheory`), and the wait's p99
    /// where its law is exact (`ModelSpec.exactWaitLaws`: M/M/c, GI/M/c, M/M/c/K);
    /// null where capsim has no estimate (a database: its estimate is its busiest instance's,
    /// not the pool's mean the run reports; an autoscaled pool: its estimate is at its largest
    /// fleet, while the run decides the fleet).
    static func components(_ r: RunReport) -> JSONValue {
        let loads = r.scenario.model.offeredLoad()
        let laws = r.scenario.model.exactWaitLaws(loads)
        return .array(
            r.scenario.model.stations.map { station in
                let k =
                    station.database == nil && station.autoscale == nil
                    ? loads.firstIndex { $0.name == station.name } : nil
                let load = k.map { loads[$0] }
                return .object([
                    ("name", .string(station.name)),
                    ("utilization_theory", .number(load?.poolUtilizationTheory)),
                    ("wait_mean_theory", .number(load?.poolWaitTheory)),
                    ("wait_p99_theory", .number(k.flatMap { laws[$0] }?.quantile(0.99))),
                ])
            })
    }

    /// `{"samples", "q", "seconds"}`: the end-to-end latency's quantiles at `Summary.latencyLevels`
    /// from the pooled histogram (null without a success), and how many successes it holds.
    static func latencyQuantiles(_ s: Summary) -> JSONValue {
        .object([
            ("samples", .number(Double(s.latencySamples))),
            ("q", .array(Summary.latencyLevels.map { .number($0) })),
            ("seconds", .array(s.latencyQuantiles.map { .number($0) })),
        ])
    }

    /// `{"window", "replications", "start", "end", "columns": [{"id", "unit", "value", "hw95"}]}`:
    /// the time series of `--timeseries` (as its CSV: means across replications with their 95 %
    /// half-widths; null where a window has no value or no interval), times in seconds.
    static func timeSeries(_ t: TimeSeriesSummary) -> JSONValue {
        let layout = t.layout
        let windows = 0..<layout.windowCount
        let bounds = windows.map { layout.bounds(of: $0) }
        return .object([
            ("window", .number(layout.length.seconds)),
            ("replications", .number(Double(t.replications))),
            ("start", .array(bounds.map { .number(Double($0.start.nanoseconds) / 1e9) })),
            ("end", .array(bounds.map { .number(Double($0.end.nanoseconds) / 1e9) })),
            (
                "columns",
                .array(
                    zip(layout.ids, layout.columns).enumerated().map { c, column in
                        let estimates = windows.map { t.estimate(window: $0, column: c) }
                        return .object([
                            ("id", .string(column.0)), ("unit", .string(column.1.unit.jsonName)),
                            ("value", .array(estimates.map { .number($0.value) })),
                            ("hw95", .array(estimates.map { .number($0.halfWidth95) })),
                        ])
                    })
            ),
        ])
    }
}

extension MetricUnit {
    /// The unit's name in the JSON report (`"unit"` of a metric): `seconds`, `fraction` (a share
    /// in [0, 1]), `per_second`, `count` or `money` (in `scenario.currency`).
    public var jsonName: String {
        switch self {
        case .seconds: "seconds"
        case .fraction: "fraction"
        case .perSecond: "per_second"
        case .count: "count"
        case .money: "money"
        }
    }

    /// The unit a JSON report names (`jsonName`), money in `currency`; nil for a name capsim
    /// does not write.
    public init?(jsonName: String, currency: String) {
        switch jsonName {
        case "seconds": self = .seconds
        case "fraction": self = .fraction
        case "per_second": self = .perSecond
        case "count": self = .count
        case "money": self = .money(currency: currency)
        default: return nil
        }
    }
}

extension TimeSeriesLayout.Column {
    /// The unit of a column's values.
    var unit: MetricUnit {
        switch self {
        case .requests, .busyMean, .instances: .count
        case .arrivalRate, .throughput: .perSecond
        case .availability, .errorRate, .utilization, .databaseUtilization, .cacheHitRatio: .fraction
        case .latency: .seconds
        }
    }
}
