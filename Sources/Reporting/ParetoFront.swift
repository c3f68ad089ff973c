import SimStats

/// The designs no other design beats on both cost and a chosen metric (`--pareto METRIC`): the
/// trade-off a planner chooses along. Design d is dominated when another costs no more
/// (`cost.monthly`) and is no worse on the metric (by its direction: lower latency, higher
/// availability), and is strictly better on one of the two. Judged on point estimates; each
/// point's 95 % half-widths are reported beside it, so a reader sees which neighbours are
/// within noise of each other.
public struct ParetoFront: Sendable {
    public let metric: String
    /// The reports on the front, cheapest first (then best on the metric).
    public let reports: [RunReport]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unknownMetric(String)
        case noDirection(String)
        case noPrices

        public var description: String {
            switch self {
            case .unknownMetric(let m): "--pareto: no metric '\(m)' in these designs (see the README's \"Metrics\")"
            case .noDirection(let m): "--pareto: '\(m)' has no better direction (neither higher nor lower is better)"
            case .noPrices: "--pareto: the designs have no \(costMetric) (give the components prices)"
            }
        }
    }

    public static let costMetric = "cost.monthly"

    /// Whether a front over `metric` can be drawn for designs of these layouts: before
    /// simulating, so a misspelt metric fails at once.
    public static func check(_ layouts: [MetricLayout], metric: String) throws(Failure) {
        for layout in layouts {
            guard let m = layout.index(of: metric) else { throw .unknownMetric(metric) }
            guard layout.metrics[m].kind.higherIsBetter != nil else { throw .noDirection(metric) }
            guard layout.index(of: costMetric) != nil else { throw .noPrices }
        }
    }

    /// The front of `reports` over cost and `metric`. Designs lacking either value (NaN) are
    /// left out.
    public init(_ reports: [RunReport], metric: String) throws(Failure) {
        self.metric = metric
        try Self.check(reports.map(\.summary.layout), metric: metric)
        let up =
            reports.first.flatMap { r in r.summary.layout.index(of: metric).map { r.summary.layout.metrics[$0] } }?
            .kind.higherIsBetter ?? false
        let costs = reports.map { $0.summary[Self.costMetric]?.value ?? .nan }
        let values = reports.map { $0.summary[metric]?.value ?? .nan }
        self.reports = Self.front(costs: costs, values: values, higherIsBetter: up).map { reports[$0] }
    }

    /// The indices of the points on the front over cost (lower is better) and a value (better
    /// by `higherIsBetter`), cheapest first (then best on the value). Points lacking either (NaN)
    /// are left out. Shared by `init` and the HTML report, which reads designs from JSON.
    public static func front(costs: [Double], values: [Double], higherIsBetter up: Bool) -> [Int] {
        let points = costs.indices.filter { !costs[$0].isNaN && !values[$0].isNaN }
        func better(_ a: Double, than b: Double) -> Bool { up ? a > b : a < b }
        // Quadratic, and plainly the definition: at most 10,000 designs (a sweep's limit).
        let front = points.filter { p in
            !points.contains { q in
                costs[q] <= costs[p] && !better(values[p], than: values[q])
                    && (costs[q] < costs[p] || better(values[q], than: values[p]))
            }
        }
        // Stable: equal points keep their order, as the sort of the reports did.
        return front.enumerated().sorted { a, b in
            let (i, j) = (a.element, b.element)
            if costs[i] != costs[j] { return costs[i] < costs[j] }
            if values[i] != values[j] { return better(values[i], than: values[j]) }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// `design, <axes…>, cost.monthly, cost.monthly.hw95, METRIC, METRIC.hw95`, a row per design
    /// on the front.
    public var csv: String {
        var axes: [String] = []
        for r in reports { for a in r.scenario.axes where !axes.contains(a.path) { axes.append(a.path) } }
        let header = ["design"] + axes + [Self.costMetric, Self.costMetric + ".hw95", metric, metric + ".hw95"]
        var text = header.map(CSVReport.field).joined(separator: ",") + "\n"
        for r in reports {
            let c = r.summary[Self.costMetric]
            let m = r.summary[metric]
            let row =
                [r.designLabel] + axes.map { path in r.scenario.axes.first { $0.path == path }?.text ?? "" }
                + [
                    c.map { csvNumber($0.value) } ?? "", c?.halfWidth95.map(csvNumber) ?? "",
                    m.map { csvNumber($0.value) } ?? "", m?.halfWidth95.map(csvNumber) ?? "",
                ]
            text += row.map(CSVReport.field).joined(separator: ",") + "\n"
        }
        return text
    }

    /// The front as an aligned table, values in their units with ± half-widths.
    public var table: String {
        var rows = [["Pareto front", Self.costMetric, metric]]
        for r in reports {
            func cell(_ id: String) -> String {
                guard let e = r.summary[id], let i = r.summary.layout.index(of: id) else { return "" }
                let unit = r.summary.layout.metrics[i].unit
                let hw = TableReport.halfWidth(e, unit)
                return TableReport.format(e.value, unit) + (hw.isEmpty ? "" : " " + hw)
            }
            rows.append([r.designLabel, cell(Self.costMetric), cell(metric)])
        }
        return TableReport.align(rows)
    }
}
