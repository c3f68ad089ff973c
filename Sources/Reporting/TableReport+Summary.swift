import SimStats
import Theory

/// The default terminal summary's parts: the headline figures and a row per component.
extension TableReport {
    /// The metrics a person reads first, each with its 95 % interval (none shown when it is 0).
    static let headlineMetrics = [
        "latency.p50", "latency.p95", "latency.p99", "latency.p999", "latency.mean", "availability.request",
        "throughput", "cost.monthly",
    ]

    static func headline(_ r: RunReport) -> String {
        var rows: [[String]] = [["headline", "value", "± 95% CI"]]
        for id in headlineMetrics {
            guard let e = r.summary[id], !e.value.isNaN, let i = r.summary.layout.index(of: id) else { continue }
            let unit = r.summary.layout.metrics[i].unit
            rows.append([id, format(e.value, unit), halfWidth(e, unit)])
        }
        return align(rows)
    }

    /// With more than one class, a row per class: its share of the measured requests (attack
    /// classes included), its availability, its latency p99 and its most frequent error cause
    /// with that cause's rate. Attack classes are marked: the headline above leaves them out.
    /// nil with one class (the headline is its own).
    static func classTable(_ r: RunReport) -> String? {
        let s = r.summary
        let classes = r.scenario.model.classes
        guard classes.count > 1 else { return nil }
        func value(_ id: String) -> Double? { s[id].map(\.value).flatMap { $0.isNaN ? nil : $0 } }
        let rates = classes.map { value("class.\($0.name).arrival_rate") ?? 0 }
        let total = rates.reduce(0, +)
        let p99s = classes.compactMap { value("class.\($0.name).latency.p99") }
        var rows: [[String]] = [["class", "share", "availability", "p99", "top error"]]
        for (k, c) in classes.enumerated() {
            let base = "class.\(c.name)"
            // The class's error rates, by cause, as the layout lists them (first of equals wins).
            let errors = zip(s.layout.metrics, s.estimates).compactMap { m, e -> (String, Double)? in
                guard case .classErrorRate(k, let cause) = m.kind, e.value > 0 else { return nil }
                return (cause.id, e.value)
            }
            let top = errors.reduce(nil as (String, Double)?) { best, x in x.1 > (best?.1 ?? 0) ? x : best }
            rows.append([
                c.attack ? c.name + " (attack)" : c.name,
                total > 0 ? cell(rates[k] / total, .fraction, column: []) : "",
                value(base + ".availability.request").map { cell($0, .fraction, column: []) } ?? "",
                value(base + ".latency.p99").map { cell($0, .seconds, column: p99s) } ?? "",
                top.map { "\($0.0) \(cell($0.1, .fraction, column: []))" } ?? "",
            ])
        }
        var text = align(rows)
        if classes.contains(where: \.attack) {
            text += "(attack classes load the components but are left out of the headline figures)\n"
        }
        return text
    }

    /// `± 1.435 ms`, or nothing when the interval is 0 or unknown: a figure without
    /// uncertainty (a price) shows none rather than "± 0".
    static func halfWidth(_ e: MetricEstimate, _ unit: MetricUnit) -> String {
        guard let hw = e.halfWidth95, hw > 0 else { return "" }
        return "± " + format(hw, unit)
    }

    /// A row per component: instances, utilisation (simulated, then from the spec alone the
    /// offered load over capacity, less what a bounded queue turns away by M/M/c/K), mean wait
    /// (simulated, then Erlang C — M/M/c/K for a bounded queue — with the Allen–Cunneen
    /// correction where it applies), p99 of the wait (simulated, then from the wait's law where
    /// it is exact: `ModelSpec.exactWaitLaws`), of the component's own time and of the
    /// time including what it calls, the share of requests it failed, and its monthly cost.
    /// Point estimates (their intervals: `--all`, CSV, JSON); a column no component has is left
    /// out; each time column has one unit, so values compare at a glance.
    static func componentTable(_ r: RunReport) -> String {
        let s = r.summary
        let loads = r.scenario.model.offeredLoad()
        let theory = Dictionary(loads.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let laws = Dictionary(
            zip(loads, r.scenario.model.exactWaitLaws(loads)).map { ($0.name, $1) }, uniquingKeysWith: { a, _ in a })
        func value(_ id: String) -> Double? { s[id].map(\.value).flatMap { $0.isNaN ? nil : $0 } }
        let stations = r.scenario.model.stations
        let names = stations.map(\.name)
        // A database's offered load is its busiest instance's, not the pool's mean the run
        // reports, and an autoscaled pool's is at its largest fleet, while the run decides the
        // fleet: no theory beside them.
        func estimate(_ name: String) -> OfferedLoad? {
            guard let station = stations.first(where: { $0.name == name }), station.database == nil,
                station.autoscale == nil
            else { return nil }
            return theory[name]
        }
        let currency = s.layout.index(of: "cost.monthly").map { s.layout.metrics[$0].unit }
        let costTitle = if case .money(let c)? = currency { "cost/month (\(c))" } else { "cost/month" }
        let (header, rows) = componentCells(
            names: names, value: value, utilizationTheory: { estimate($0)?.poolUtilizationTheory },
            waitTheory: { estimate($0)?.poolWaitTheory },
            waitP99Theory: { name in estimate(name).flatMap { _ in laws[name] ?? nil }?.quantile(0.99) },
            costTitle: costTitle)
        return align([header] + rows)
    }

    /// The component table as text cells, shared by the terminal summary and the HTML report
    /// (each with its own source of values): the header ("component", then the columns some
    /// component has), and a row per component of `names`. `value` gives a metric's point
    /// estimate by id (nil where there is none); the theory functions give a component's
    /// analytic utilisation, mean wait and, where the wait's law is exact, its p99.
    static func componentCells(
        names: [String], value: @escaping (String) -> Double?, utilizationTheory: @escaping (String) -> Double?,
        waitTheory: @escaping (String) -> Double?, waitP99Theory: @escaping (String) -> Double?, costTitle: String
    ) -> (header: [String], rows: [[String]]) {
        // Columns of one group share a unit (a simulated value and its theory beside it).
        typealias Column = (title: String, unit: MetricUnit, group: Int, cell: (String) -> Double?)
        let columns: [Column] = [
            ("instances", .count, 0, { value("instances.\($0).mean") }),
            ("utilisation", .fraction, 1, { value("utilization.\($0)") }),
            ("(theory)", .fraction, 1, utilizationTheory),
            ("wait mean", .seconds, 2, { value("hop.\($0).wait.mean") }),
            ("(theory)", .seconds, 2, waitTheory),
            ("wait p99", .seconds, 3, { value("hop.\($0).wait.p99") }),
            ("(theory)", .seconds, 3, waitP99Theory),
            ("self p99", .seconds, 4, { value("hop.\($0).self.p99") }),
            ("inclusive p99", .seconds, 5, { value("hop.\($0).inclusive.p99") }),
            ("errors caused", .fraction, 6, { value("errors.at.\($0).rate") }),
            (costTitle, .money(currency: ""), 7, { value("cost.\($0).monthly") }),
        ]
        let kept = columns.filter { c in names.contains { c.cell($0) != nil } }
        var groupValues: [Int: [Double]] = [:]
        for c in kept { groupValues[c.group, default: []] += names.compactMap(c.cell) }
        let rows = names.map { name in
            [name] + kept.map { c in c.cell(name).map { cell($0, c.unit, column: groupValues[c.group] ?? []) } ?? "" }
        }
        return (["component"] + kept.map(\.title), rows)
    }

    /// A value in a column's unit: times in the one unit that suits the column's largest value
    /// (s, ms or µs), shares in %, money and counts with two decimals.
    static func cell(_ x: Double, _ unit: MetricUnit, column: [Double]) -> String {
        switch unit {
        case .seconds:
            let largest = column.map(abs).max() ?? 0
            if largest >= 1 { return fixed(x, 3) + " s" }
            if largest >= 1e-3 { return fixed(x * 1e3, 3) + " ms" }
            return fixed(x * 1e6, 3) + " µs"
        case .fraction: return fixed(x * 100, 2) + " %"
        case .count, .perSecond: return fixed(x, 2)
        case .money: return money(x)
        }
    }
}
