import ScenarioLanguage
import SimStats

/// What `capsim size` prints and writes: a line per probe, the answer, and the probes as CSV and
/// JSON. `reports` holds each probe's run report, in the order of `outcome.probes`.
public struct SizingReport: Sendable {
    public var search: CapacitySearch
    public var outcome: SizingOutcome
    public var reports: [RunReport]

    /// The metric a cheaper setting is judged by.
    public static let costMetric = "cost.monthly"

    public init(search: CapacitySearch, outcome: SizingOutcome, reports: [RunReport]) {
        precondition(outcome.probes.count == reports.count, "a report per probe")
        self.search = search
        self.outcome = outcome
        self.reports = reports
    }

    /// `components.web.workers=9, components.web.instances=2`.
    public func label(_ setting: [Int]) -> String {
        zip(search.axes, setting).map { "\($0.path)=\($0.values[$1])" }.joined(separator: ", ")
    }

    /// The probe's cost estimate and its half-width, if the scenario prices anything.
    static func cost(_ r: RunReport) -> MetricEstimate? { r.summary[Self.costMetric] }

    /// `probe 2: components.pool.workers=8 → FAIL (5 replications): slo … FAIL · cost.monthly …`.
    public static func probeLine(number: Int, label: String, report r: RunReport, verdict: Verdict) -> String {
        var line = "probe \(number): \(label) → \(verdict.rawValue) (\(r.summary.replications) replications)"
        if !r.unstableReplications.isEmpty { line += ": overloaded (requests piled up until the run was stopped)" }
        let open = r.slos.filter { $0.verdict != .pass }
        if !open.isEmpty { line += ": " + open.map { "\($0.slo.name) \($0.verdict.rawValue)" }.joined(separator: ", ") }
        if let c = cost(r), let i = r.summary.layout.index(of: costMetric), c.value != 0 {
            line += " · \(costMetric) " + TableReport.format(c.value, r.summary.layout.metrics[i].unit)
        }
        return line
    }

    /// The closing lines: the answer (or why there is none) and the undecided settings below it.
    public var answerText: String {
        var lines: [String] = []
        if let a = outcome.answer, let k = outcome.probes.firstIndex(where: { $0.setting == a.setting }) {
            var line = "cheapest passing: \(label(a.setting))"
            let r = reports[k]
            if let c = Self.cost(r), let i = r.summary.layout.index(of: Self.costMetric), c.value != 0 {
                let unit = r.summary.layout.metrics[i].unit
                line += " — \(Self.costMetric) " + TableReport.format(c.value, unit)
                if let hw = c.halfWidth95, hw > 0 { line += " ± " + TableReport.format(hw, unit) }
            }
            lines.append(line)
            for u in outcome.undecided {
                lines.append(
                    "note: \(label(u.setting)) was INCONCLUSIVE: it might pass too (a larger 'replications: {max: …}' would decide it)"
                )
            }
        } else if outcome.probes.contains(where: { $0.verdict == .inconclusive }) {
            lines.append("no setting in range was shown to pass every SLO (some were INCONCLUSIVE)")
        } else {
            lines.append("no setting in range passes every SLO")
        }
        return lines.joined(separator: "\n")
    }

    /// One row per probe, in the order they ran: the setting, the verdict, the replications it
    /// took, the cost and every SLO's verdict (the union of the SLOs' columns).
    public var csv: String {
        var sloColumns: [String] = []
        for r in reports {
            for o in r.slos where !sloColumns.contains(o.slo.column) { sloColumns.append(o.slo.column) }
        }
        let header =
            ["probe"] + search.axes.map(\.path)
            + ["verdict", "replications", Self.costMetric, Self.costMetric + ".hw95", "answer"] + sloColumns
        var text = header.map(CSVReport.field).joined(separator: ",") + "\n"
        for (k, (p, r)) in zip(outcome.probes, reports).enumerated() {
            let c = Self.cost(r)
            var row = [String(k + 1)] + zip(search.axes, p.setting).map { $0.values[$1] }
            row += [
                p.verdict.rawValue, String(r.summary.replications), c.map { csvNumber($0.value) } ?? "",
                c?.halfWidth95.map(csvNumber) ?? "", p.setting == outcome.answer?.setting ? "yes" : "",
            ]
            row += sloColumns.map { column in r.slos.first { $0.slo.column == column }?.verdict.rawValue ?? "" }
            text += row.map(CSVReport.field).joined(separator: ",") + "\n"
        }
        return text
    }

    /// `{axes, probes, answer, undecided}`; each probe with its setting, verdict, replications,
    /// cost and SLO outcomes (as in `run --json`).
    public var json: JSONValue {
        func setting(_ s: [Int]) -> JSONValue {
            .object(zip(search.axes, s).map { ($0.path, .string($0.values[$1])) })
        }
        let probes: [JSONValue] = zip(outcome.probes, reports).map { p, r in
            let c = Self.cost(r)
            return .object([
                ("setting", setting(p.setting)), ("verdict", .string(p.verdict.rawValue)),
                ("replications", .number(Double(r.summary.replications))),
                (Self.costMetric, c.map { .number($0.value) } ?? .null),
                (Self.costMetric + ".hw95", c?.halfWidth95.map { .number($0) } ?? .null),
                ("slos", .array(r.slos.map(JSONReport.slo))),
            ])
        }
        return .object([
            ("capsim_version", .string(CapSimInfo.version)),
            ("file", .string(reports.first?.scenario.file ?? "")),
            (
                "axes",
                .array(
                    search.axes.map {
                        .object([("path", .string($0.path)), ("values", .array($0.values.map { .string($0) }))])
                    })
            ),
            ("probes", .array(probes)),
            ("answer", outcome.answer.map { setting($0.setting) } ?? .null),
            ("undecided", .array(outcome.undecided.map { setting($0.setting) })),
        ])
    }
}
