#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A chart of series over two axes (linear or log), drawn with `SVGWriter`: lines, confidence
/// bands, points with error bars, a legend. The report's latency CDFs, sweep plots, Pareto
/// fronts and time series are all this one kind of chart.
public struct XYChart: Sendable {
    public struct Series: Sendable {
        public var label: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        /// The interval of each point's y (its 95 % CI), drawn as a band under a line or as error
        /// bars on points; nil or NaN: none.
        public var yLow: [Double]? = nil
        public var yHigh: [Double]? = nil
        /// The interval of each point's x, drawn as horizontal error bars.
        public var xLow: [Double]? = nil
        public var xHigh: [Double]? = nil
        public var line = true
        public var markers = false
        /// Each point's tooltip (`<title>`), when markers are drawn.
        public var tooltips: [String]? = nil

        public init(label: String, color: String, points: [(x: Double, y: Double)]) {
            self.label = label
            self.color = color
            self.points = points
        }
    }

    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var xLog = false
    public var yLog = false
    /// Start the linear y axis at 0 (rates, counts, shares), not at the smallest value.
    public var yFromZero = false
    /// Tick labels: from the tick's value (and the linear step, for its decimals).
    public var xTick: @Sendable (Double, Double) -> String = { v, step in Self.plain(v, step: step) }
    public var yTick: @Sendable (Double, Double) -> String = { v, step in Self.plain(v, step: step) }
    /// Categories of a categorical x axis: x values are their indices 0, 1, …
    public var xCategories: [String]? = nil
    public var series: [Series] = []
    public var width = 640.0
    public var height = 300.0

    public init(title: String, xTitle: String, yTitle: String) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
    }

    static let left = 70.0
    static let top = 12.0
    static let bottom = 46.0
    static let legendWidth = 190.0

    /// Tick text with the decimals the step needs (`step` 0 on a log axis: the value's own).
    public static func plain(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        let reference = step > 0 ? step : abs(v)
        let decimals = max(0, min(12, -Int(log10(reference).rounded(.down))))
        return TableReport.fixed(v, decimals)
    }

    /// Whether a value can be drawn on an axis.
    static func drawable(_ v: Double, log: Bool) -> Bool { v.isFinite && (!log || v > 0) }

    public var svg: String {
        let showLegend = series.count > 1
        let plotRight = width - (showLegend ? Self.legendWidth : 16)
        let plotBottom = height - Self.bottom
        var xs: [Double] = []
        var ys: [Double] = []
        for s in series {
            for (i, p) in s.points.enumerated() where Self.drawable(p.x, log: xLog) && Self.drawable(p.y, log: yLog) {
                xs.append(p.x)
                ys.append(p.y)
                for v in [s.yLow?[i], s.yHigh?[i]] { if let v { ys.append(v) } }
                for v in [s.xLow?[i], s.xHigh?[i]] { if let v { xs.append(v) } }
            }
        }
        if let c = xCategories { xs = [-0.5, Double(max(c.count, 1)) - 0.5] }
        let xScale =
            xLog
            ? PlotScale.log(covering: xs, from: Self.left, to: plotRight)
            : xCategories != nil
                ? PlotScale(kind: .linear, low: xs[0], high: xs[1], from: Self.left, to: plotRight)
                : PlotScale.linear(covering: xs, from: Self.left, to: plotRight)
        let yScale =
            yLog
            ? PlotScale.log(covering: ys, from: plotBottom, to: Self.top)
            : PlotScale.linear(covering: ys, from: plotBottom, to: Self.top, zero: yFromZero)
        var w = SVGWriter(width: width, height: height, title: title)
        axes(&w, x: xScale, y: yScale, right: plotRight, bottom: plotBottom)
        for s in series { draw(s, on: &w, x: xScale, y: yScale) }
        if showLegend { legend(&w, left: plotRight + 12) }
        return w.text
    }

    func axes(_ w: inout SVGWriter, x: PlotScale, y: PlotScale, right: Double, bottom: Double) {
        let xStep = x.kind == .linear ? PlotScale.niceStep((x.high - x.low) / 5) : 0
        let yStep = y.kind == .linear ? PlotScale.niceStep((y.high - y.low) / 5) : 0
        for t in y.ticks {
            w.line(Self.left, y(t), right, y(t), cls: "grid")
            w.text(yTick(t, yStep), x: Self.left - 6, y: y(t) + 4, anchor: .end, cls: "tick")
        }
        if let categories = xCategories {
            for (i, c) in categories.enumerated() {
                w.line(x(Double(i)), bottom, x(Double(i)), bottom + 4, cls: "axis")
                w.text(Self.shortened(c, 14), x: x(Double(i)), y: bottom + 16, anchor: .middle, cls: "tick")
            }
        } else {
            for t in x.ticks {
                w.line(x(t), Self.top, x(t), bottom, cls: "grid")
                w.text(xTick(t, xStep), x: x(t), y: bottom + 16, anchor: .middle, cls: "tick")
            }
        }
        w.line(Self.left, bottom, right, bottom, cls: "axis")
        w.line(Self.left, Self.top, Self.left, bottom, cls: "axis")
        w.text(xTitle, x: (Self.left + right) / 2, y: height - 8, anchor: .middle, cls: "axis-title")
        w.text(yTitle, x: 14, y: (Self.top + bottom) / 2, anchor: .middle, cls: "axis-title", rotate: -90)
    }

    func draw(_ s: Series, on w: inout SVGWriter, x: PlotScale, y: PlotScale) {
        let ok = s.points.indices.filter {
            Self.drawable(s.points[$0].x, log: xLog) && Self.drawable(s.points[$0].y, log: yLog)
        }
        func bound(_ a: [Double]?, _ i: Int) -> Double? {
            guard let v = a?[i], Self.drawable(v, log: yLog) else { return nil }
            return v
        }
        // Runs of consecutive drawable points: a missing value breaks the line and the band.
        var runs: [[Int]] = []
        for i in ok {
            if let last = runs.last?.last, last == i - 1 { runs[runs.count - 1].append(i) } else { runs.append([i]) }
        }
        if s.line {
            for run in runs {
                let banded = run.filter { bound(s.yLow, $0) != nil && bound(s.yHigh, $0) != nil }
                if banded.count == run.count && run.count >= 2 {
                    let upper = run.map { (x(s.points[$0].x), y(bound(s.yHigh, $0) ?? 0)) }
                    let lower = run.reversed().map { (x(s.points[$0].x), y(bound(s.yLow, $0) ?? 0)) }
                    w.polygon(upper + lower, cls: "band", color: s.color, tooltip: s.label + ": 95 % interval")
                }
                w.polyline(
                    run.map { (x(s.points[$0].x), y(s.points[$0].y)) }, cls: "line", color: s.color, tooltip: s.label)
            }
        }
        guard s.markers || !s.line else { return }
        for i in ok {
            let px = x(s.points[i].x)
            let py = y(s.points[i].y)
            // On a line the interval is its band; on points alone, error bars.
            if !s.line, let lo = bound(s.yLow, i), let hi = bound(s.yHigh, i) {
                w.line(px, y(lo), px, y(hi), cls: "errorbar", mark: true, color: s.color)
            }
            if !s.line, let lo = s.xLow?[i], let hi = s.xHigh?[i], Self.drawable(lo, log: xLog),
                Self.drawable(hi, log: xLog)
            {
                w.line(x(lo), py, x(hi), py, cls: "errorbar", mark: true, color: s.color)
            }
            w.circle(x: px, y: py, r: 3.5, cls: "point", color: s.color, tooltip: s.tooltips?[i] ?? s.label)
        }
    }

    func legend(_ w: inout SVGWriter, left: Double) {
        for (k, s) in series.enumerated() {
            let y = Self.top + 8 + Double(k) * 17
            w.rect(x: left, y: y - 8, width: 12, height: 10, cls: "swatch", mark: false, color: s.color)
            w.text(Self.shortened(s.label, 28), x: left + 17, y: y + 1, cls: "legend")
        }
    }

    /// At most `n` characters, the cut marked with an ellipsis (the full text is in the tables).
    static func shortened(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}

/// Horizontal stacked bars, one per row, segments in a fixed order and colour: the per-hop
/// breakdown of the latency tail.
public struct StackedBarChart: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var values: [Double]
        public init(label: String, values: [Double]) {
            self.label = label
            self.values = values
        }
    }

    public var title: String
    public var xTitle: String
    public var segments: [(name: String, color: String)]
    public var rows: [Row]
    public var xTick: @Sendable (Double, Double) -> String = { v, step in XYChart.plain(v, step: step) }
    /// Each segment's tooltip value text.
    public var valueText: @Sendable (Double) -> String = { XYChart.plain($0, step: 0) }
    public var width = 640.0

    public init(title: String, xTitle: String, segments: [(name: String, color: String)], rows: [Row]) {
        self.title = title
        self.xTitle = xTitle
        self.segments = segments
        self.rows = rows
    }

    static let labelWidth = 170.0
    static let barHeight = 18.0
    static let gap = 8.0

    public var svg: String {
        let legendRows = segments.count
        let plotTop = 10.0
        let plotBottom = plotTop + Double(rows.count) * (Self.barHeight + Self.gap)
        let height = plotBottom + 40 + Double(legendRows) * 17 + 8
        let plotRight = width - 16
        let totals = rows.map { $0.values.filter { $0.isFinite && $0 > 0 }.reduce(0, +) }
        let x = PlotScale.linear(covering: totals + [0], from: Self.labelWidth, to: plotRight, zero: true)
        let step = PlotScale.niceStep((x.high - x.low) / 5)
        var w = SVGWriter(width: width, height: height, title: title)
        for t in x.ticks {
            w.line(x(t), plotTop, x(t), plotBottom, cls: "grid")
            w.text(xTick(t, step), x: x(t), y: plotBottom + 16, anchor: .middle, cls: "tick")
        }
        w.line(Self.labelWidth, plotBottom, plotRight, plotBottom, cls: "axis")
        w.text(xTitle, x: (Self.labelWidth + plotRight) / 2, y: plotBottom + 34, anchor: .middle, cls: "axis-title")
        for (r, row) in rows.enumerated() {
            let y = plotTop + Double(r) * (Self.barHeight + Self.gap) + Self.gap / 2
            w.text(
                XYChart.shortened(row.label, 26), x: Self.labelWidth - 6, y: y + Self.barHeight - 5, anchor: .end,
                cls: "tick")
            var start = 0.0
            for (k, v) in row.values.enumerated() where v.isFinite && v > 0 && k < segments.count {
                w.rect(
                    x: x(start), y: y, width: x(start + v) - x(start), height: Self.barHeight, cls: "bar",
                    color: segments[k].color, tooltip: "\(row.label): \(segments[k].name) \(valueText(v))")
                start += v
            }
        }
        for (k, s) in segments.enumerated() {
            let y = plotBottom + 52 + Double(k) * 17
            w.rect(x: Self.labelWidth, y: y - 8, width: 12, height: 10, cls: "swatch", mark: false, color: s.color)
            w.text(XYChart.shortened(s.name, 60), x: Self.labelWidth + 17, y: y + 1, cls: "legend")
        }
        return w.text
    }
}
