import SimStats

/// The summary CSV: one row per scenario, stable documented columns (README "Metrics").
///
/// Columns: `scenario, file, scenario_hash, seed, replications, capsim_version, schema_version`,
/// then every metric of the layout followed by its `.hw95` half-width (none for `.max`).
public enum CSVReport {
    public static func header(for layout: MetricLayout) -> [String] {
        var h = ["scenario", "file", "scenario_hash", "seed", "replications", "capsim_version", "schema_version"]
        for m in layout.metrics {
            h.append(m.id)
            if case .maximum = m.kind { continue }
            h.append(m.id + ".hw95")
        }
        return h
    }

    public static func row(for r: RunReport) -> [String] {
        var row = [r.scenario.name, r.scenario.file, r.scenario.hash, String(r.scenario.seed),
                   String(r.summary.replications), CapSimInfo.version, String(CapSimInfo.schemaVersion)]
        for (m, e) in zip(r.summary.layout.metrics, r.summary.estimates) {
            row.append(csvNumber(e.value))
            if case .maximum = m.kind { continue }
            row.append(e.halfWidth95.map(csvNumber) ?? "")
        }
        return row
    }

    /// The whole file for reports of one layout (one header, a row each).
    public static func render(_ reports: [RunReport]) -> String {
        guard let first = reports.first else { return "" }
        var lines = [header(for: first.summary.layout).map(field).joined(separator: ",")]
        for r in reports { lines.append(row(for: r).map(field).joined(separator: ",")) }
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
