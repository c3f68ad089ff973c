import ScenarioLanguage
import SimStats

/// The per-window time series CSV (`capsim run --timeseries`): one row per design and window.
///
/// Columns: `scenario, point` (the design's index in the run, as in the per-replication CSV),
/// the sweep axes, `window` (0-based), `start, end` (seconds of simulated time from 0; windows
/// start at the warm-up), `replications`, then each column of `TimeSeriesLayout` followed by its
/// `.hw95` half-width. Designs with different components share the union of the columns (empty
/// cells where a design has none), like the summary CSV; an undefined value (no request in the
/// window, no success for a percentile) is empty.
public enum TimeSeriesReport {
    /// Column names of the designs' layouts, in order of first appearance, and the sweep axes.
    static func union(_ reports: [RunReport]) -> (axes: [String], columns: [String]) {
        var axes: [String] = []
        var columns: [String] = []
        for r in reports {
            for a in r.scenario.axes where !axes.contains(a.path) { axes.append(a.path) }
            for id in r.timeSeries?.layout.ids ?? [] where !columns.contains(id) { columns.append(id) }
        }
        return (axes, columns)
    }

    static func seconds(_ t: Int64) -> String { csvNumber(Double(t) / 1e9) }

    /// Means across replications with their 95 % half-widths.
    public static func render(_ reports: [RunReport]) -> String {
        let (axes, columns) = union(reports)
        var header = ["scenario", "point"] + axes + ["window", "start", "end", "replications"]
        for c in columns { header += [c, c + ".hw95"] }
        var out = header.map(CSVReport.field).joined(separator: ",") + "\n"
        for (p, r) in reports.enumerated() {
            guard let series = r.timeSeries else { continue }
            let layout = series.layout
            let lead =
                [r.scenario.name, String(p)]
                + axes.map { name in r.scenario.axes.first { $0.path == name }?.text ?? "" }
            let index = columns.map { layout.ids.firstIndex(of: $0) }
            for w in 0..<layout.windowCount {
                let (start, end) = layout.bounds(of: w)
                var cells =
                    lead + [
                        String(w), seconds(start.nanoseconds), seconds(end.nanoseconds), String(series.replications),
                    ]
                for i in index {
                    guard let i else {
                        cells += ["", ""]
                        continue
                    }
                    let e = series.estimate(window: w, column: i)
                    cells += [csvNumber(e.value), e.halfWidth95.map(csvNumber) ?? ""]
                }
                out += cells.map(CSVReport.field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// The per-replication form (`--timeseries-per-replication`): one row per design,
    /// replication and window, with each replication's own values and no half-widths.
    public static func renderPerReplication(_ reports: [RunReport]) -> String {
        let (axes, columns) = union(reports)
        let header = ["scenario", "point"] + axes + ["replication", "window", "start", "end"] + columns
        var out = header.map(CSVReport.field).joined(separator: ",") + "\n"
        for (p, r) in reports.enumerated() {
            guard let layout = r.timeSeries?.layout else { continue }
            let lead =
                [r.scenario.name, String(p)]
                + axes.map { name in r.scenario.axes.first { $0.path == name }?.text ?? "" }
            let index = columns.map { layout.ids.firstIndex(of: $0) }
            let width = layout.columns.count
            for rep in r.results {
                guard let rows = rep.windows?.series, rows.count == width * layout.windowCount else { continue }
                for w in 0..<layout.windowCount {
                    let (start, end) = layout.bounds(of: w)
                    var cells =
                        lead + [
                            String(rep.replication), String(w), seconds(start.nanoseconds), seconds(end.nanoseconds),
                        ]
                    for i in index { cells.append(i.map { csvNumber(rows[w * width + $0]) } ?? "") }
                    out += cells.map(CSVReport.field).joined(separator: ",") + "\n"
                }
            }
        }
        return out
    }
}
