import SimStats

/// The charts of the HTML report, each an `XYChart` or `StackedBarChart` built from the designs.
extension HTMLReport {
    /// A time axis's unit for values up to `largest` seconds: the factor to multiply by and its name.
    static func timeUnit(_ largest: Double) -> (factor: Double, name: String) {
        if largest >= 1 { return (1, "s") }
        if largest >= 1e-3 { return (1e3, "ms") }
        return (1e6, "µs")
    }

    /// The axis title and scaling of a metric unit (shares in %, times in one unit).
    static func axisScaling(_ unit: MetricUnit, largest: Double) -> (factor: Double, suffix: String) {
        switch unit {
        case .seconds:
            let t = timeUnit(largest)
            return (t.factor, " (\(t.name))")
        case .fraction: return (100, " (%)")
        case .perSecond: return (1, " (/s)")
        case .count: return (1, "")
        case .money(let c): return (1, c.isEmpty ? "" : " (\(c))")
        }
    }

    static func color(_ k: Int) -> String { palette[k % palette.count] }

    /// A design's name in a legend: its sweep values alone (`workers=10, instances=2`, by the
    /// last part of each path) when every design drawn is a point of the same scenario, else
    /// its full label. The full label stays in the tooltips and tables.
    static func legendLabel(_ d: ReportDesign, among designs: [ReportDesign]) -> String {
        guard !d.axes.isEmpty, designs.allSatisfy({ $0.name == d.name }) else { return d.label }
        return d.axes.map { "\($0.path.split(separator: ".").last.map(String.init) ?? $0.path)=\($0.text)" }
            .joined(separator: ", ")
    }

    /// The share of requests slower than a point of the CDF: 100 %, 10 %, … 0.001 %.
    static func percentTick(_ v: Double, _ step: Double) -> String {
        XYChart.plain(v * 100, step: step * 100) + " %"
    }

    // MARK: latency

    /// The complementary CDF of each design's latency, 1 − F on a log axis against latency, so
    /// the tail (p99, p99.9, p99.99) is spread out instead of squeezed against 1. A point whose
    /// tail holds fewer than one request (1 − q below 1 / samples) is not drawn: it would be the
    /// largest value seen, not a quantile. Latency is on a log axis too when the drawn points
    /// span more than a factor of 50.
    static func latencyFigure(_ designs: [ReportDesign]) -> String {
        let shown = Array(designs.prefix(palette.count))
        let points = shown.map { d in
            d.latencyQuantiles.filter { $0.seconds.isFinite && $0.seconds > 0 && (1 - $0.q) * d.latencySamples >= 1 }
        }
        let all = points.flatMap { $0.map(\.seconds) }
        guard let largest = all.max(), let smallest = all.min() else {
            return note("No successful request: there is no latency distribution to draw.")
        }
        let unit = timeUnit(largest)
        var chart = XYChart(
            title: "Latency: share of requests slower than x", xTitle: "latency (\(unit.name))",
            yTitle: "share slower (1 − F)")
        chart.xLog = largest / smallest > 50
        chart.yLog = true
        chart.yTick = percentTick
        chart.height = 320
        for (k, d) in shown.enumerated() {
            var s = XYChart.Series(
                label: legendLabel(d, among: shown), color: color(k),
                points: points[k].map { ($0.seconds * unit.factor, 1 - $0.q) })
            s.markers = true
            s.tooltips = points[k].map {
                "\(d.label): p\(quantileName($0.q)) = \(TableReport.format($0.seconds, .seconds))"
            }
            chart.series.append(s)
        }
        return figure(
            chart.svg,
            caption:
                "Each line is a design's latency distribution from its pooled histogram: at latency x, the share of successful requests slower than x (log scale: 10 % is p90, 1 % p99, 0.1 % p99.9). Points resting on fewer than one request are left out."
        ) + drawnNote(shown.count, of: designs.count, "designs")
    }

    /// `50`, `99`, `99.9`, `99.99`: a quantile level as the suffix of p.
    static func quantileName(_ q: Double) -> String {
        var digits = 0
        while digits < 6
            && abs((q * 100 * PlotScale.pow10(Double(digits))).rounded() - q * 100 * PlotScale.pow10(Double(digits)))
                > 1e-6
        {
            digits += 1
        }
        return TableReport.fixed(q * 100, digits)
    }

    /// Per design, the mean time the requests slower than p99 spent at each component
    /// (`hop.<c>.self.beyond_p99`: these add up along a path, where per-hop p99s do not), as a
    /// stacked bar. Nil when the designs do not track hops.
    static func tailFigure(_ designs: [ReportDesign]) -> String? {
        var names: [String] = []
        for d in designs {
            for c in d.components where d.metrics["hop.\(c.name).self.beyond_p99"] != nil && !names.contains(c.name) {
                names.append(c.name)
            }
        }
        guard !names.isEmpty else { return nil }
        let shown = Array(designs.prefix(barDesigns))
        let rows = shown.map { d in
            StackedBarChart.Row(
                label: legendLabel(d, among: shown),
                values: names.map { d.metrics["hop.\($0).self.beyond_p99"]?.value ?? .nan })
        }
        let largest = rows.map { $0.values.filter(\.isFinite).reduce(0, +) }.max() ?? 0
        let unit = timeUnit(largest)
        var chart = StackedBarChart(
            title: "Mean time of the requests slower than p99, by component",
            xTitle: "mean time of the requests slower than p99 (\(unit.name))",
            segments: names.enumerated().map { ($1, color($0)) },
            rows: rows.map { StackedBarChart.Row(label: $0.label, values: $0.values.map { $0 * unit.factor }) })
        let factor = unit.factor
        chart.valueText = { TableReport.format($0 / factor, .seconds) }
        return figure(
            chart.svg,
            caption:
                "For the requests slower than the design's p99, the mean time (waiting and own service) each component held them: the parts add up to their mean latency, so the longest segment is where the tail comes from."
        ) + drawnNote(shown.count, of: designs.count, "designs")
    }

    // MARK: sweeps

    /// A metric's value plus `sign` times its half-width; NaN without an interval.
    static func bound(_ d: ReportDesign, _ id: String, _ sign: Double) -> Double {
        guard let m = d.metrics[id], let hw = m.halfWidth95 else { return .nan }
        return m.value + sign * hw
    }

    /// The headline metrics a sweep is plotted for.
    static let sweepMetrics = ["latency.p99", "availability.request", "throughput", "cost.monthly"]

    /// For each axis of a sweep, each headline metric against the axis's values, with its 95 %
    /// interval as a band; one line per setting of the other axes (and per scenario). The axis is
    /// numeric when every value reads as a number, else its values are categories in the order
    /// they first appear. Nil without a sweep of two or more points.
    static func sweepFigures(_ designs: [ReportDesign]) -> String? {
        var axes: [String] = []
        for d in designs { for a in d.axes where !axes.contains(a.path) { axes.append(a.path) } }
        guard !axes.isEmpty, designs.filter({ !$0.axes.isEmpty }).count >= 2 else { return nil }
        var out = ""
        for axis in axes {
            let members = designs.filter { d in d.axes.contains { $0.path == axis } }
            var texts: [String] = []
            for d in members {
                if let t = d.axes.first(where: { $0.path == axis })?.text, !texts.contains(t) { texts.append(t) }
            }
            guard texts.count >= 2 else { continue }
            let numeric = texts.allSatisfy { Double($0)?.isFinite == true }
            func position(_ d: ReportDesign) -> Double {
                let t = d.axes.first { $0.path == axis }?.text ?? ""
                return numeric ? Double(t) ?? .nan : Double(texts.firstIndex(of: t) ?? 0)
            }
            // One line per scenario and setting of the other axes, in order of first appearance.
            var groups: [(key: String, designs: [ReportDesign])] = []
            for d in members {
                var others = d.axes.filter { $0.path != axis }
                others = others.map { ($0.path.split(separator: ".").last.map(String.init) ?? $0.path, $0.text) }
                let named = members.contains { $0.name != d.name } || others.isEmpty
                let key = ((named ? [d.name] : []) + others.map { "\($0.path)=\($0.text)" }).joined(separator: ", ")
                if let g = groups.firstIndex(where: { $0.key == key }) {
                    groups[g].designs.append(d)
                } else {
                    groups.append((key, [d]))
                }
            }
            let drawn = Array(groups.prefix(palette.count))
            out += "<h3>\(e(axis))</h3>\n"
            for id in sweepMetrics {
                guard let unit = members.lazy.compactMap({ $0.metrics[id]?.unit }).first else { continue }
                let values = members.compactMap { $0.metrics[id] }.flatMap { [$0.value + ($0.halfWidth95 ?? 0)] }
                let scaling = axisScaling(unit, largest: values.filter(\.isFinite).map(abs).max() ?? 0)
                var chart = XYChart(title: "\(id) against \(axis)", xTitle: axis, yTitle: id + scaling.suffix)
                chart.yFromZero = id == "throughput" || id == "cost.monthly"
                chart.height = 260
                if !numeric { chart.xCategories = texts }
                for (k, g) in drawn.enumerated() {
                    let sorted = g.designs.sorted { position($0) < position($1) }
                    let f = scaling.factor
                    var s = XYChart.Series(
                        label: g.key, color: color(k),
                        points: sorted.map { (position($0), ($0.metrics[id]?.value ?? .nan) * f) })
                    s.yLow = sorted.map { bound($0, id, -1) * f }
                    s.yHigh = sorted.map { bound($0, id, 1) * f }
                    s.markers = true
                    s.tooltips = sorted.map { "\($0.label): \(id) \(valueText($0, id))" }
                    chart.series.append(s)
                }
                out += figure(
                    chart.svg, caption: "\(id) at each value of \(axis); the shaded band is its 95 % interval.")
            }
            out += drawnNote(drawn.count, of: groups.count, "lines")
        }
        return out.isEmpty ? nil : out
    }

    /// Every design's cost against its p99 latency, the designs no other beats on both joined by
    /// a line (`ParetoFront.front`), each with its 95 % intervals as error bars; then the front
    /// as a table. Nil unless two or more designs have a cost and a p99.
    static func paretoFigure(_ designs: [ReportDesign]) -> String? {
        let metric = "latency.p99"
        let cost = ParetoFront.costMetric
        let priced = designs.filter { d in
            (d.metrics[cost]?.value.isNaN == false) && (d.metrics[metric]?.value.isNaN == false)
        }
        guard priced.count >= 2 else { return nil }
        let front = ParetoFront.front(
            costs: priced.map { $0.metrics[cost]?.value ?? .nan },
            values: priced.map { $0.metrics[metric]?.value ?? .nan },
            higherIsBetter: false)
        let largest = priced.compactMap { $0.metrics[metric] }.map { $0.value + ($0.halfWidth95 ?? 0) }.max() ?? 0
        let unit = timeUnit(largest)
        let currency = priced[0].currency ?? ""
        var chart = XYChart(
            title: "Cost against p99 latency", xTitle: "cost.monthly" + (currency.isEmpty ? "" : " (\(currency))"),
            yTitle: "latency.p99 (\(unit.name))")
        func series(_ label: String, _ color: String, _ ds: [ReportDesign], line: Bool) -> XYChart.Series {
            var s = XYChart.Series(
                label: label, color: color,
                points: ds.map { ($0.metrics[cost]?.value ?? .nan, ($0.metrics[metric]?.value ?? .nan) * unit.factor) })
            func interval(_ id: String, _ sign: Double, _ f: Double) -> [Double] { ds.map { bound($0, id, sign) * f } }
            s.yLow = interval(metric, -1, unit.factor)
            s.yHigh = interval(metric, 1, unit.factor)
            s.xLow = interval(cost, -1, 1)
            s.xHigh = interval(cost, 1, 1)
            s.line = line
            s.markers = true
            s.tooltips = ds.map { "\($0.label): \(valueText($0, cost)) · p99 \(valueText($0, metric))" }
            return s
        }
        let onFront = Set(front)
        let others = priced.indices.filter { !onFront.contains($0) }.map { priced[$0] }
        let frontDesigns = front.map { priced[$0] }
        if !others.isEmpty { chart.series.append(series("dominated designs", "#9a9a9a", others, line: false)) }
        // The front as a plain line (a band would hide the points), then its points with their
        // intervals as error bars.
        var frontLine = series("Pareto front", color(0), frontDesigns, line: true)
        (frontLine.yLow, frontLine.yHigh, frontLine.xLow, frontLine.xHigh) = (nil, nil, nil, nil)
        frontLine.markers = false
        chart.series.append(frontLine)
        chart.series.append(series("designs on the front", color(0), frontDesigns, line: false))
        let caption =
            "Each point is a design; the line joins the designs that no other design beats on both cost and p99 (judged on point estimates). Error bars are 95 % intervals: neighbours whose bars overlap are within noise of each other."
        return figure(chart.svg, caption: caption)
            + table(
                ["Pareto front", cost, metric],
                frontDesigns.map { [$0.label, valueText($0, cost), valueText($0, metric)] })
    }

    // MARK: time series

    /// For each design with a time series (`run --timeseries`): the arrival rate and throughput,
    /// the error share, latency p50 and p99 with their 95 % bands, and the instances of each
    /// component, per window. Nil when no design has one.
    static func timeSeriesFigures(_ designs: [ReportDesign]) -> String? {
        let withSeries = designs.filter { $0.timeSeries != nil }
        guard !withSeries.isEmpty else { return nil }
        var out = ""
        for d in withSeries.prefix(seriesDesigns) {
            guard let t = d.timeSeries, !t.starts.isEmpty else { continue }
            let span = (t.ends.last ?? 0)
            let (factor, name): (Double, String) =
                span >= 3 * 3600 ? (1.0 / 3600, "h") : span >= 600 ? (1.0 / 60, "min") : (1, "s")
            // Windows are drawn at their middles; a long series is thinned to about 1,200 points.
            let stride = max(1, (t.starts.count + 1199) / 1200)
            let windows = Swift.stride(from: 0, to: t.starts.count, by: stride).map { $0 }
            let xs = windows.map { (t.starts[$0] + t.ends[$0]) / 2 * factor }
            func column(_ id: String) -> ReportDesign.SeriesColumn? { t.columns.first { $0.id == id } }
            func series(
                _ c: ReportDesign.SeriesColumn, _ label: String, _ k: Int, _ f: Double, complement: Bool = false
            )
                -> XYChart.Series
            {
                let value = { (v: Double) in complement ? (1 - v) * f : v * f }
                var s = XYChart.Series(
                    label: label, color: color(k),
                    points: windows.enumerated().map { (xs[$0.offset], value(c.values[$0.element])) })
                s.yLow = windows.map { w in c.halfWidths[w].map { value(c.values[w] + (complement ? $0 : -$0)) } ?? .nan
                }
                s.yHigh = windows.map { w in
                    c.halfWidths[w].map { value(c.values[w] - (complement ? $0 : -$0)) } ?? .nan
                }
                return s
            }
            out += "<h3>\(e(d.label))</h3>\n"
            let xTitle = "simulated time (\(name)), windows of \(TableReport.format(t.window, .seconds))"
            if let a = column("arrival_rate"), let s = column("throughput") {
                var chart = XYChart(
                    title: "\(d.label): arrival rate and throughput", xTitle: xTitle, yTitle: "requests/s")
                chart.yFromZero = true
                chart.height = 240
                chart.series = [series(a, "arrival_rate", 0, 1), series(s, "throughput", 1, 1)]
                out += figure(
                    chart.svg, caption: "Requests arriving and succeeding per second in each window (95 % bands).")
            }
            if let a = column("availability.request") {
                var chart = XYChart(title: "\(d.label): errors", xTitle: xTitle, yTitle: "errors (%)")
                chart.yFromZero = true
                chart.height = 240
                chart.series = [series(a, "error share (1 − availability.request)", 1, 100, complement: true)]
                out += figure(chart.svg, caption: "The share of the window's requests that failed (95 % band).")
            }
            if let p50 = column("latency.p50"), let p99 = column("latency.p99") {
                let largest = (p99.values + p50.values).filter(\.isFinite).max() ?? 0
                let unit = timeUnit(largest)
                var chart = XYChart(title: "\(d.label): latency", xTitle: xTitle, yTitle: "latency (\(unit.name))")
                chart.yFromZero = true
                chart.height = 240
                chart.series = [series(p50, "latency.p50", 0, unit.factor), series(p99, "latency.p99", 1, unit.factor)]
                out += figure(
                    chart.svg, caption: "Latency percentiles of each window's successful requests (95 % bands).")
            }
            let instances = t.columns.filter { $0.id.hasPrefix("instances.") && $0.id.hasSuffix(".mean") }
            if !instances.isEmpty {
                var chart = XYChart(title: "\(d.label): instances", xTitle: xTitle, yTitle: "instances (mean)")
                chart.yFromZero = true
                chart.height = 240
                chart.series = instances.prefix(palette.count).enumerated().map { k, c in
                    series(c, String(c.id.dropFirst("instances.".count).dropLast(".mean".count)), k, 1)
                }
                out += figure(chart.svg, caption: "Instances held by each component, time-averaged over each window.")
            }
            if stride > 1 { out += note("Every \(stride)th of \(t.starts.count) windows is drawn.") }
        }
        if withSeries.count > seriesDesigns {
            out += note("The time series of the first \(seriesDesigns) of \(withSeries.count) designs are drawn.")
        }
        return out
    }
}
