import SimStats

/// The HTML report (`capsim report`, `run/check/compare --html`): one self-contained file with
/// the scenario, SLO verdicts with their intervals, latency CDFs, the per-hop breakdown of the
/// tail, a sweep's metric-versus-axis plots and Pareto front, time series, and each design's
/// headline and component tables.
///
/// Invariants: no script, no external resource — charts are inline SVG (`SVGWriter`), styles
/// one inline `<style>`, and a Content-Security-Policy (`default-src 'none'`) makes the browser
/// refuse any fetch or script even if one slipped in; every text from a scenario or a report is
/// escaped (`HTMLText.escape`); the same document gives the same bytes (no date, no clock, no
/// dictionary order).
public enum HTMLReport {
    /// The policy of the page: nothing may load; inline styles and `data:` images only.
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

    /// Colours of designs and components, in order (Okabe–Ito first: readable by most colour-blind
    /// readers); a chart shows at most this many series.
    static let palette = [
        "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f3c8d", "#444444", "#a6761d", "#e7298a",
    ]
    /// The most designs given their own headline and component tables (a sweep of thousands
    /// gets the one-row-per-design table instead), and the most bars of the tail breakdown.
    static let detailedDesigns = 20
    static let barDesigns = 30
    /// The most designs whose time series are drawn.
    static let seriesDesigns = 4

    public static func render(_ doc: ReportDocument) -> String {
        let designs = doc.designs
        var names: [String] = []
        for d in designs where !names.contains(d.name) { names.append(d.name) }
        let title = "capsim report — " + names.joined(separator: ", ")
        var body = "<h1>\(e(title))</h1>\n"
        body +=
            "<p class=\"meta\">capsim \(e(CapSimInfo.version)) · \(designs.count) design\(designs.count == 1 ? "" : "s") · every interval is a 95 % confidence interval across replications unless stated</p>\n"
        // Verdicts and pictures first, then the tables; the runs' provenance last.
        if designs.contains(where: { !$0.slos.isEmpty }) { body += section("slos", "SLO verdicts", sloTable(designs)) }
        body += section("latency", "Latency distribution", latencyFigure(designs))
        if let breakdown = tailFigure(designs) {
            body += section("tail", "Where the latency tail comes from", breakdown)
        }
        if let sweep = sweepFigures(designs) { body += section("sweep", "Sweep", sweep) }
        if let front = paretoFigure(designs) { body += section("pareto", "Pareto front: cost against p99", front) }
        if let series = timeSeriesFigures(designs) { body += section("timeseries", "Time series", series) }
        if designs.count > 1 { body += section("designs", "Designs at a glance", glanceTable(designs)) }
        body += section("details", "Each design", designDetails(designs))
        body += section("scenario", "Scenario and runs", scenarioTable(designs))
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:24px auto;max-width:1040px;padding:0 16px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
        .meta,.note{color:#555}table{border-collapse:collapse;margin:6px 0 12px}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #eee;vertical-align:middle}
        td{white-space:nowrap}td.text{white-space:normal;min-width:140px}.wide{overflow-x:auto}th:first-child,td:first-child{text-align:left;white-space:normal}th{font-weight:600;background:#f6f6f6}td.text{text-align:left}
        .PASS{color:#fff;background:#1a7f37}.FAIL{color:#fff;background:#cf222e}.INCONCLUSIVE{color:#1b1b1b;background:#f2cc60}
        .verdict{padding:1px 6px;border-radius:3px;font-weight:600;font-size:12px}.warning{color:#9a6700}
        svg.chart{display:block;margin:6px 0 14px;max-width:100%;height:auto}svg.glyph{display:inline-block;vertical-align:middle}
        svg text{font:11px system-ui,sans-serif;fill:#333}svg .axis-title{font-size:12px;fill:#1b1b1b}
        svg .grid{stroke:#e6e6e6}svg .axis{stroke:#888}svg .line{fill:none;stroke-width:2}svg .band{fill-opacity:.18;stroke:none}
        svg .errorbar{stroke-width:1.5}svg .point{stroke:#fff;stroke-width:1}svg .rule{stroke:#1b1b1b;stroke-dasharray:3 2}
        svg .other{fill-opacity:.35}figure{margin:0}figcaption{color:#555;font-size:13px;max-width:760px}
        """

    /// Escaped text (`HTMLText.escape`).
    static func e(_ s: String) -> String { HTMLText.escape(s) }

    static func section(_ id: String, _ title: String, _ content: String) -> String {
        "<section id=\"\(id)\">\n<h2>\(e(title))</h2>\n\(content)</section>\n"
    }

    /// A table; `header` and `rows` are escaped here. Cells in `left` columns are text (left-aligned).
    static func table(_ header: [String], _ rows: [[String]], left: Set<Int> = [0], raw: Set<Int> = []) -> String {
        var out = "<div class=\"wide\"><table>\n<tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            out += "<tr>"
            for (i, c) in row.enumerated() {
                let cls = left.contains(i) && i > 0 ? " class=\"text\"" : ""
                out += "<td\(cls)>\(raw.contains(i) ? c : e(c))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</table></div>\n"
    }

    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\(svg)<figcaption>\(e(caption))</figcaption></figure>\n"
    }

    static func note(_ text: String) -> String { "<p class=\"note\">\(e(text))</p>\n" }

    /// The note under a chart that draws only the first `drawn` of `total` things (designs,
    /// lines); nothing when it draws them all.
    static func drawnNote(_ drawn: Int, of total: Int, _ things: String) -> String {
        total > drawn ? note("The first \(drawn) of \(total) \(things) are drawn.") : ""
    }

    // MARK: tables

    static func scenarioTable(_ designs: [ReportDesign]) -> String {
        table(
            ["design", "file", "hash", "seed", "replications", "warm-up", "requests", "events"],
            designs.map { d in
                var reps = String(d.replications)
                if let cut = d.interrupted { reps = "\(cut.finished) of \(cut.planned) (interrupted)" }
                return [
                    d.label, d.file, d.hash, d.seed, reps, TableReport.format(d.warmupSeconds, .seconds),
                    TableReport.fixed(d.requests, 0), TableReport.fixed(d.events, 0),
                ]
            }, left: [0, 1, 2])
    }

    /// A metric's value with its interval, in its unit (`± …` left out when it is 0 or unknown).
    static func valueText(_ d: ReportDesign, _ id: String) -> String {
        guard let m = d.metrics[id], !m.value.isNaN else { return "" }
        let hw = halfWidthText(m)
        return TableReport.format(m.value, m.unit) + (hw.isEmpty ? "" : " " + hw)
    }

    /// `± 1.435 ms`, or nothing when the interval is 0 or unknown (as `TableReport.halfWidth`).
    static func halfWidthText(_ m: ReportDesign.Metric) -> String {
        guard let hw = m.halfWidth95, hw > 0 else { return "" }
        return "± " + TableReport.format(hw, m.unit)
    }

    static func glanceTable(_ designs: [ReportDesign]) -> String {
        let ids = TableReport.headlineMetrics.filter { id in designs.contains { $0.metrics[id] != nil } }
        var rows: [[String]] = []
        for d in designs {
            let verdict = d.slos.map(\.verdict).max { rank($0) < rank($1) } ?? ""
            rows.append(
                [d.label] + ids.map { valueText(d, id: $0) } + (designs.contains { !$0.slos.isEmpty } ? [verdict] : []))
        }
        let header = ["design"] + ids + (designs.contains { !$0.slos.isEmpty } ? ["SLOs"] : [])
        return table(header, rows)
    }

    static func valueText(_ d: ReportDesign, id: String) -> String { valueText(d, id) }

    static func rank(_ verdict: String) -> Int {
        switch verdict {
        case Verdict.fail.rawValue: 2
        case Verdict.inconclusive.rawValue: 1
        default: 0
        }
    }

    static func sloTable(_ designs: [ReportDesign]) -> String {
        var rows: [[String]] = []
        for d in designs {
            for o in d.slos {
                let unit = d.metrics[o.metric]?.unit ?? .count
                let finite = o.lower.isFinite && o.upper.isFinite
                let interval =
                    finite ? "[\(TableReport.format(o.lower, unit)), \(TableReport.format(o.upper, unit))]" : ""
                let level = finite ? TableReport.fixed(o.level * 100, 2) + " %" : ""
                let verdict = "<span class=\"verdict \(e(verdictClass(o.verdict)))\">\(e(o.verdict))</span>"
                rows.append([
                    d.label, o.name, verdict, (o.isMaximum ? "≤ " : "≥ ") + TableReport.format(o.threshold, unit),
                    o.estimate.isNaN ? "" : TableReport.format(o.estimate, unit), interval, level,
                    sloGlyph(o, unit: unit), String(o.replications), o.reason,
                ])
            }
        }
        // Columns 2 and 7 are markup made here (a verdict badge, an SVG); the rest is escaped.
        return table(
            ["design", "SLO", "verdict", "objective", "estimate", "interval", "level", "", "n", "reason"],
            rows.map { r in r.enumerated().map { [2, 7].contains($0.offset) ? $0.element : e($0.element) } },
            left: [0, 1, 9], raw: Set(0..<10))
            + note(
                "The interval is the one the verdict was decided on (its level spends the error budget across looks and SLOs); the dashed line is the objective."
            )
    }

    static func verdictClass(_ v: String) -> String {
        [Verdict.pass, .fail, .inconclusive].map(\.rawValue).contains(v) ? v : "INCONCLUSIVE"
    }

    /// A small chart of one SLO: its interval as a bar, the estimate as a dot and the objective
    /// as a dashed rule, on an axis covering all three.
    static func sloGlyph(_ o: ReportDesign.SLO, unit: MetricUnit) -> String {
        let values = [o.lower, o.upper, o.estimate, o.threshold].filter(\.isFinite)
        let scale = PlotScale.linear(covering: values, from: 8, to: 172)
        var w = SVGWriter(width: 180, height: 22, title: "\(o.name): interval and objective", cssClass: "chart glyph")
        let color =
            o.verdict == Verdict.pass.rawValue ? "#1a7f37" : o.verdict == Verdict.fail.rawValue ? "#cf222e" : "#9a6700"
        w.line(8, 11, 172, 11, cls: "grid")
        if o.lower.isFinite && o.upper.isFinite {
            w.rect(
                x: scale(o.lower), y: 7, width: max(scale(o.upper) - scale(o.lower), 1.5), height: 8, cls: "interval",
                color: color,
                tooltip: "[\(TableReport.format(o.lower, unit)), \(TableReport.format(o.upper, unit))]")
        }
        if o.estimate.isFinite {
            w.circle(
                x: scale(o.estimate), y: 11, r: 3.5, cls: "point", color: "#1b1b1b",
                tooltip: TableReport.format(o.estimate, unit))
        }
        w.line(scale(o.threshold), 2, scale(o.threshold), 20, cls: "rule", mark: true)
        return w.text
    }

    static func designDetails(_ designs: [ReportDesign]) -> String {
        var out = ""
        for d in designs.prefix(detailedDesigns) {
            out += "<h3>\(e(d.label))</h3>\n"
            out += table(
                ["headline", "value", "± 95% CI"],
                TableReport.headlineMetrics.compactMap { id in
                    guard let m = d.metrics[id], !m.value.isNaN else { return nil }
                    return [id, TableReport.format(m.value, m.unit), halfWidthText(m)]
                })
            out += componentTable(d)
            for w in d.warnings { out += "<p class=\"warning\">warning: \(e(w))</p>\n" }
            if d.unstableReplications > 0 {
                out +=
                    "<p class=\"warning\">warning: \(d.unstableReplications) replication(s) stopped early: the design is overloaded</p>\n"
            }
            if d.eventLimitedReplications > 0 {
                out +=
                    "<p class=\"warning\">warning: \(d.eventLimitedReplications) replication(s) stopped early at --max-events: these figures cover less than the horizon</p>\n"
            }
            if let cut = d.interrupted {
                out +=
                    "<p class=\"warning\">warning: interrupted: these figures use the \(cut.finished) of \(cut.planned) replication(s) that finished</p>\n"
            }
        }
        if designs.count > detailedDesigns {
            out += note(
                "The first \(detailedDesigns) of \(designs.count) designs are shown in detail; \"Designs at a glance\" lists every one."
            )
        }
        return out
    }

    /// The terminal's component table (`TableReport.componentTable`), from the report's metrics
    /// and its components' analytic estimates.
    static func componentTable(_ d: ReportDesign) -> String {
        func value(_ id: String) -> Double? { d.metrics[id].map(\.value).flatMap { $0.isNaN ? nil : $0 } }
        let theory = Dictionary(d.components.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let names = d.components.map(\.name)
        let costTitle = d.currency.map { "cost/month (\($0))" } ?? "cost/month"
        let (header, rows) = TableReport.componentCells(
            names: names, value: value, utilizationTheory: { theory[$0]?.utilizationTheory },
            waitTheory: { theory[$0]?.waitMeanTheory }, waitP99Theory: { theory[$0]?.waitP99Theory },
            costTitle: costTitle)
        return table(header, rows)
    }
}
