import ScenarioLanguage
import SimStats

/// The summary CSV: one row per scenario or sweep point, stable documented columns (README
/// "Metrics").
///
/// Columns: `scenario, file, scenario_hash, seed, replications, capsim_version, schema_version`;
/// then one column per sweep axis (its key path); then every metric followed by its `.hw95`
/// half-width (none for `.max`), and `availability.rare_failures` with its `.hw95` after `run
/// --rare-failures`; then one verdict column per SLO (`slo.<metric>.<max|min>`).
/// Rows of designs with different components share the union of the columns, in order of first
/// appearance; a cell a design does not have is empty, as is an undefined value (NaN).
public enum CSVReport {
    static let leading = [
        "scenario", "file", "scenario_hash", "seed", "replications", "capsim_version", "schema_version",
    ]

    /// A report's cells by column.
    static func cells(_ r: RunReport) -> [(String, String)] {
        var c: [(String, String)] = [
            ("scenario", r.scenario.name), ("file", r.scenario.file), ("scenario_hash", r.scenario.hash),
            ("seed", String(r.scenario.seed)), ("replications", String(r.summary.replications)),
            ("capsim_version", CapSimInfo.version), ("schema_version", String(CapSimInfo.schemaVersion)),
        ]
        for a in r.scenario.axes { c.append((a.path, a.text)) }
        for (m, e) in zip(r.summary.layout.metrics, r.summary.estimates) {
            c.append((m.id, csvNumber(e.value)))
            if case .maximum = m.kind { continue }
            c.append((m.id + ".hw95", e.halfWidth95.map(csvNumber) ?? ""))
        }
        if let strat = r.rareFailures {
            c.append((StratifiedAvailability.metricID, csvNumber(strat.estimate)))
            c.append((StratifiedAvailability.metricID + ".hw95", csvNumber(strat.halfWidth)))
        }
        for o in r.slos { c.append((o.slo.column, o.verdict.rawValue)) }
        return c
    }

    /// The whole file: one header (the union of every report's columns), a row per report.
    /// Each report's cells are made twice — once for the header, once for its row — rather
    /// than all held at once: a sweep of 10,000 designs would hold millions of small strings.
    public static func render(_ reports: [RunReport]) -> String {
        var axes = ColumnList()
        var metrics = ColumnList()
        var verdicts = ColumnList()
        let leadingSet = Set(leading)
        for r in reports {
            let axisNames = Set(r.scenario.axes.map(\.path))
            let sloNames = Set(r.slos.map(\.slo.column))
            for (name, _) in cells(r) where !leadingSet.contains(name) {
                if axisNames.contains(name) {
                    axes.add(name)
                } else if sloNames.contains(name) {
                    verdicts.add(name)
                } else {
                    metrics.add(name)
                }
            }
        }
        let header = leading + axes.names + metrics.names + verdicts.names
        var text = header.map(field).joined(separator: ",") + "\n"
        for r in reports {
            // The first cell of a column wins, should a report name one twice.
            let values = Dictionary(cells(r), uniquingKeysWith: { first, _ in first })
            text += header.map { field(values[$0] ?? "") }.joined(separator: ",")
            text += "\n"
        }
        return text
    }

    /// Column names in order of first appearance, without repeats.
    struct ColumnList {
        private(set) var names: [String] = []
        private var seen: Set<String> = []
        mutating func add(_ name: String) { if seen.insert(name).inserted { names.append(name) } }
    }

    /// The long form (`--per-replication`): one row per design, replication and metric.
    public static func renderPerReplication(_ reports: [RunReport]) -> String {
        var axes: [String] = []
        for r in reports { for a in r.scenario.axes where !axes.contains(a.path) { axes.append(a.path) } }
        var lines = [
            (["scenario", "point"] + axes + ["replication", "metric", "value"]).map(field).joined(separator: ",")
        ]
        for (p, r) in reports.enumerated() {
            let axisCells = axes.map { name in r.scenario.axes.first { $0.path == name }?.text ?? "" }
            for rep in r.results {
                for (m, v) in zip(r.summary.layout.metrics, rep.values) {
                    lines.append(
                        ([r.scenario.name, String(p)] + axisCells + [String(rep.replication), m.id, csvNumber(v)])
                            .map(field).joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting where needed.
    static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
        }
        return s
    }
}
