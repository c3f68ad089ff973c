import ScenarioLanguage
import SimStats

/// How a metric of one design differs from the baseline design's.
public struct MetricDifference: Sendable, Equatable {
    public enum Judgement: String, Sendable {
        case better, worse
        /// The interval of the difference contains 0.
        case same = "no significant difference"
        /// Significantly different, for a metric with no better direction (e.g. utilisation).
        case different
    }

    public var metric: String
    public var unit: MetricUnit
    /// Means over the paired replications; for a percentile or a standard deviation, the
    /// pooled values the runs print.
    public var baseline: Double
    public var value: Double
    /// value − baseline, and the half-width of its 95 % interval from the paired differences
    /// (common random numbers make them far less variable than two independent estimates).
    public var difference: Double
    public var halfWidth95: Double
    /// The half-width the same data would give if the runs were independent (Welch), to show
    /// what pairing buys.
    public var unpairedHalfWidth95: Double
    public var replications: Int
    public var judgement: Judgement

    /// Relative difference (difference / baseline); NaN for a zero baseline.
    public var relative: Double { baseline == 0 ? .nan : difference / baseline }
}

/// Paired comparison of designs under common random numbers: replication r of every design
/// sees the same arrivals and demands, so the per-replication differences cancel most of the
/// noise the designs share. The statistics of each difference are `PairedDifference`'s
/// (SimStats); this type judges them (better, worse, the same) and formats them.
public enum Comparison {
    /// Every metric the two designs share (not `max`, which has no interval), in the baseline's order.
    public static func differences(_ design: RunReport, against base: RunReport) -> [MetricDifference] {
        var out: [MetricDifference] = []
        let layout = design.summary.layout
        for (i, m) in base.summary.layout.metrics.enumerated() {
            if case .maximum = m.kind { continue }
            guard let j = layout.index(of: m.id) else { continue }
            let pairs = zip(base.results, design.results).lazy.map { (baseline: $0.values[i], design: $1.values[j]) }
            // A percentile or a standard deviation: the pooled values each run prints, and
            // their difference, with a sectioned interval (`PairedDifference`); a pair of
            // prefixes (fewer replications in one run) has no pooled values to compare.
            let pooled = m.kind.isPooled && base.results.count == design.results.count
            guard
                let d = pooled
                    ? PairedDifference(
                        pairs: pairs, pooledBaseline: base.summary.estimates[i].value,
                        pooledDesign: design.summary.estimates[j].value)
                    : PairedDifference(pairs: pairs)
            else { continue }
            let judgement: MetricDifference.Judgement
            if abs(d.difference) <= d.halfWidth95 {
                judgement = .same
            } else if let up = m.kind.higherIsBetter {
                judgement = (d.difference > 0) == up ? .better : .worse
            } else {
                judgement = .different
            }
            out.append(
                MetricDifference(
                    metric: m.id, unit: m.unit, baseline: d.baselineMean, value: d.mean, difference: d.difference,
                    halfWidth95: d.halfWidth95, unpairedHalfWidth95: d.unpairedHalfWidth95,
                    replications: d.count, judgement: judgement))
        }
        return out
    }

    /// For each SLO of the baseline: the design whose mean is best, if it beats every other
    /// design significantly (paired), else nil.
    public static func winners(_ reports: [RunReport]) -> [(slo: SLOSpec, winner: String?)] {
        guard let base = reports.first else { return [] }
        return base.scenario.slos.map { slo in
            let lowerIsBetter = if case .max = slo.bound { true } else { false }
            let means = reports.map { r in r.summary[slo.metric]?.value ?? .nan }
            guard
                let best = means.indices.filter({ !means[$0].isNaN })
                    .min(by: { lowerIsBetter ? means[$0] < means[$1] : means[$0] > means[$1] })
            else { return (slo, nil) }
            let beatsAll = reports.indices.allSatisfy { k in
                k == best
                    || differences(reports[best], against: reports[k]).first { $0.metric == slo.metric }
                        .map { abs($0.difference) > $0.halfWidth95 } == true
            }
            return (slo, beatsAll ? reports[best].designLabel : nil)
        }
    }

    /// The comparison as CSV: one row per design and metric.
    public static func csv(_ reports: [RunReport]) -> String {
        guard let base = reports.first else { return "" }
        var lines = [
            "design,baseline,metric,baseline_value,value,difference,difference.hw95,unpaired.hw95,relative,replications,judgement"
        ]
        for r in reports.dropFirst() {
            for d in differences(r, against: base) {
                lines.append(
                    [
                        r.designLabel, base.designLabel, d.metric, csvNumber(d.baseline), csvNumber(d.value),
                        csvNumber(d.difference), csvNumber(d.halfWidth95), csvNumber(d.unpairedHalfWidth95),
                        csvNumber(d.relative), String(d.replications), d.judgement.rawValue,
                    ]
                    .map(CSVReport.field).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The comparison as a readable table.
    public static func table(_ reports: [RunReport]) -> String {
        guard let base = reports.first else { return "" }
        var out = "baseline: \(base.designLabel)\n"
        for r in reports.dropFirst() {
            out +=
                "\n\(r.designLabel) vs baseline (paired over \(min(r.results.count, base.results.count)) replications)\n"
            var rows: [[String]] = [["metric", "baseline", "design", "difference", "relative", ""]]
            // Metrics that are zero in both designs (no errors of a cause) say nothing: CSV only.
            for d in differences(r, against: base) where !(d.baseline == 0 && d.value == 0 && d.halfWidth95 == 0) {
                rows.append([
                    d.metric, TableReport.format(d.baseline, d.unit), TableReport.format(d.value, d.unit),
                    signed(d.difference, d.unit) + " ± " + TableReport.format(d.halfWidth95, d.unit),
                    d.relative.isNaN ? "" : signedPercent(d.relative), d.judgement.rawValue,
                ])
            }
            out += TableReport.align(rows)
        }
        let wins = winners(reports)
        if !wins.isEmpty {
            out += "\nSLO winners\n"
            for (slo, w) in wins { out += "  \(slo.name): \(w ?? "no design is significantly best")\n" }
        }
        return out
    }

    static func signed(_ x: Double, _ unit: MetricUnit) -> String {
        (x > 0 ? "+" : x < 0 ? "−" : "") + TableReport.format(abs(x), unit)
    }
    static func signedPercent(_ x: Double) -> String {
        (x > 0 ? "+" : x < 0 ? "−" : "") + TableReport.fixed(abs(x) * 100, 2) + " %"
    }
}
