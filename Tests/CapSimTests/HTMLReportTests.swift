import CapSimTestSupport
import Foundation
import Reporting
import ScenarioLanguage
import Testing

/// The SVG writer, the JSON reader and the HTML report (`capsim report`, `--html`).
@Suite("HTML report")
struct HTMLReportTests {
    // MARK: the SVG writer

    @Test("the SVG writer gives exact bytes: one decimal, escaped text, marks classed as marks")
    func svgBytes() {
        var w = SVGWriter(width: 100, height: 50, title: "a<b & \"c\"")
        w.line(0, 0.25, 10.04, 20, cls: "axis")
        w.circle(x: 5, y: -0.01, r: 2, cls: "point", color: "#000", tooltip: "p&q")
        w.polyline([(1, 2), (3.333, 4)], cls: "line", color: "#0072b2")
        w.text("<i>", x: 1, y: 2, anchor: .end, rotate: -90)
        #expect(
            w.text
                == "<svg class=\"chart\" width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" role=\"img\"><title>a&lt;b &amp; &quot;c&quot;</title>"
                + "<line class=\"axis\" x1=\"0\" y1=\"0.3\" x2=\"10\" y2=\"20\"/>"
                + "<circle class=\"mark point\" fill=\"#000\" cx=\"5\" cy=\"0\" r=\"2\"><title>p&amp;q</title></circle>"
                + "<polyline class=\"mark line\" stroke=\"#0072b2\" points=\"1,2 3.3,4\"></polyline>"
                + "<text class=\"label\" x=\"1\" y=\"2\" text-anchor=\"end\" transform=\"rotate(-90 1 2)\">&lt;i&gt;</text></svg>"
        )
    }

    @Test("linear scales widen to 1-2-5 steps and map ends to pixels; a y axis grows upwards")
    func linearScale() {
        let x = PlotScale.linear(covering: [0.3, 9.2], from: 0, to: 100)
        #expect(x.low == 0 && x.high == 10)
        #expect(x.ticks == [0, 2, 4, 6, 8, 10])
        #expect(x(5) == 50)
        let y = PlotScale.linear(covering: [120, 180], from: 200, to: 0)
        #expect(y.ticks == [120, 140, 160, 180])
        #expect(y(120) == 200 && y(180) == 0)
        // A flat series of zeros from zero stays above the axis.
        let flat = PlotScale.linear(covering: [0, 0], from: 0, to: 10, zero: true)
        #expect(flat.low == 0 && flat.high == 1)
        #expect(XYChart.plain(0.05, step: 0.01) == "0.05" && XYChart.plain(1.05, step: 0.05) == "1.05")
        #expect(XYChart.plain(250, step: 50) == "250" && XYChart.plain(0.001, step: 0) == "0.001")
    }

    @Test("log scales cover whole decades, tick each decade, and place decades evenly")
    func logScale() {
        let y = PlotScale.log(covering: [0.002, 0.5, 0, -1, .nan], from: 300, to: 0)
        #expect(y.low == 0.001 && y.high == 1)
        #expect(y.ticks == [0.001, 0.01, 0.1, 1])
        #expect(abs(y(0.01) - 200) < 1e-9 && abs(y(0.1) - 100) < 1e-9)
        #expect(!y.contains(0) && y.contains(0.5))
        let one = PlotScale.log(covering: [3, 7], from: 0, to: 100)
        #expect(one.ticks == [1, 2, 5, 10])
    }

    @Test("a chart on log axes drops points it cannot place, breaks its line there, and is the same bytes twice")
    func chartOnLogAxes() {
        func make() -> String {
            var chart = XYChart(title: "t", xTitle: "x", yTitle: "y")
            chart.xLog = true
            chart.yLog = true
            var s = XYChart.Series(
                label: "a", color: "#111", points: [(1, 1), (10, 0.1), (0, 0.01), (100, 0.01), (1000, 0.001)])
            s.markers = true
            chart.series = [s]
            return chart.svg
        }
        let svg = make()
        #expect(svg == make())
        #expect(svg.components(separatedBy: "class=\"mark point\"").count - 1 == 4)
        #expect(svg.components(separatedBy: "class=\"mark line\"").count - 1 == 2)
        #expect(svg.contains(">0.001</text>") && svg.contains(">1000</text>"))
    }

    @Test("text from a scenario is escaped for HTML: markup, quotes and control characters")
    func escaping() {
        #expect(
            HTMLText.escape("<script>alert('x')</script> & \"y\"")
                == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;")
        #expect(HTMLText.escape("a\u{1}b\u{85}c\td") == "a\u{FFFD}b\u{FFFD}c\td")
    }

    // MARK: reading JSON

    @Test("JSON reads back in key order, numbers bit for bit, and bad text is a located error, never a crash")
    func jsonParsing() throws {
        let value = JSONValue.object([
            ("z", .number(0.1 + 0.2)), ("a", .array([.number(1e-300), .number(-12), .null, .bool(true)])),
            ("s", .string("é \"q\" \\ \n \u{1} 😀")),
        ])
        #expect(try JSONValue.parse(Array(value.text.utf8)) == value)
        #expect(try JSONValue.parse(Array("\"\\ud83d\\ude00\"".utf8)) == .string("😀"))
        func failure(_ text: String) -> String {
            do {
                _ = try JSONValue.parse(Array(text.utf8))
                return "parsed"
            } catch { return error.description }
        }
        #expect(failure("[1,") == "unexpected end of the text at byte 3")
        #expect(failure("{\"a\" 1}") == "expected ':' after a key at byte 5")
        #expect(failure("[01]") == "expected ',' or ']' in an array at byte 2")
        #expect(failure("{} x") == "expected the end of the text at byte 3")
        #expect(failure(String(repeating: "[", count: 100_000)) == "nested deeper than 256 levels at byte 256")
    }

    // MARK: the command

    static let quick = ["--set", "horizon=20s", "--set", "warmup=2s", "--replications", "3"]

    @Test("run --html writes the same bytes as capsim report of the run's --json, and again on a second run")
    func sameReportBothWays() throws {
        let dir = temporaryDirectory()
        let json = dir.appendingPathComponent("r.json").path
        let html = dir.appendingPathComponent("r.html").path
        let again = dir.appendingPathComponent("again.html").path
        let made = dir.appendingPathComponent("made.html").path
        let r = capsim(["run", scenarioPath("three-tier.yaml"), "-q", "--json", json, "--html", html] + Self.quick)
        #expect(r.status == 0, "\(r.err)")
        #expect(capsim(["run", scenarioPath("three-tier.yaml"), "-q", "--html", again] + Self.quick).status == 0)
        let report = capsim(["report", json, "-o", made])
        #expect(report.status == 0 && report.out == "" && report.err == "", "\(report.err)")
        let a = try String(contentsOfFile: html, encoding: .utf8)
        #expect(a == (try String(contentsOfFile: made, encoding: .utf8)))
        #expect(a == (try String(contentsOfFile: again, encoding: .utf8)))
        try Self.expectSelfContained(a)
        // The three-tier design tracks hops: the tail breakdown has a bar segment per component.
        #expect(a.components(separatedBy: "class=\"mark bar\"").count - 1 == 4)
        #expect(a.contains("<h2>Where the latency tail comes from</h2>"))
    }

    /// No script, no URL, nothing a browser would fetch, the policy that forbids fetching, and
    /// every chart with marks.
    static func expectSelfContained(_ html: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let lower = html.lowercased()
        for banned in ["<script", "http:", "https:", "src=", "href=", "url(", "@import", "<link", "<iframe", "<object"]
        {
            #expect(!lower.contains(banned), "the report holds '\(banned)'", sourceLocation: sourceLocation)
        }
        #expect(
            html.contains(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
            ), sourceLocation: sourceLocation)
        let charts = html.components(separatedBy: "<svg class=\"chart").dropFirst()
        #expect(!charts.isEmpty, sourceLocation: sourceLocation)
        for chart in charts {
            let svg = chart.components(separatedBy: "</svg>")[0]
            #expect(
                svg.contains("class=\"mark "), "a chart without marks: \(svg.prefix(300))",
                sourceLocation: sourceLocation)
        }
    }

    @Test("a sweep's report has its metric-against-axis plots with bands, its Pareto front and its SLO verdicts")
    func sweepReport() throws {
        let dir = temporaryDirectory()
        let html = dir.appendingPathComponent("s.html").path
        let r = capsim(
            [
                "check", scenarioPath("sizing.yaml"), "-q", "--sweep", "components.pool.workers=10,12,14", "--html",
                html, "--set", "horizon=30s", "--set", "warmup=5s", "--replications", "3",
            ])
        #expect([0, 1, 2].contains(r.status), "\(r.err)")
        let text = try String(contentsOfFile: html, encoding: .utf8)
        try Self.expectSelfContained(text)
        for heading in [
            "SLO verdicts", "Designs at a glance", "Latency distribution", "Sweep", "Pareto front: cost against p99",
        ] {
            #expect(text.contains("<h2>\(heading)</h2>"), "no section \(heading)")
        }
        #expect(text.contains("<title>latency.p99 against components.pool.workers</title>"))
        #expect(text.contains("class=\"mark band\""))
        #expect(text.contains("<th>Pareto front</th>"))
        #expect(text.contains("<span class=\"verdict "))
    }

    @Test("compare --html reports every design compared, and the time series of run --timeseries are drawn")
    func compareAndTimeSeries() throws {
        let dir = temporaryDirectory()
        let html = dir.appendingPathComponent("c.html").path
        let c = capsim(
            ["compare", scenarioPath("mm1.yaml"), scenarioPath("md1.yaml"), "-q", "--html", html] + Self.quick)
        #expect(c.status == 0, "\(c.err)")
        let compared = try String(contentsOfFile: html, encoding: .utf8)
        #expect(compared.contains("capsim report — mm1, md1"))
        try Self.expectSelfContained(compared)
        let series = dir.appendingPathComponent("t.html").path
        let t = capsim(
            [
                "run", scenarioPath("mm1.yaml"), "-q", "--timeseries", "/dev/null", "--timeseries-window", "5s",
                "--html", series,
            ]
                + Self.quick)
        #expect(t.status == 0, "\(t.err)")
        let text = try String(contentsOfFile: series, encoding: .utf8)
        try Self.expectSelfContained(text)
        for title in ["arrival rate and throughput", "errors", "latency", "instances"] {
            #expect(text.contains("<title>mm1: \(title)</title>"), "no time series chart \(title)")
        }
    }

    @Test("report refuses what is not a capsim JSON report, naming the file (65), and a missing file (66)")
    func badInput() throws {
        let dir = temporaryDirectory()
        let out = dir.appendingPathComponent("o.html").path
        func file(_ name: String, _ text: String) throws -> String {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let missing = dir.appendingPathComponent("missing.json").path
        var r = capsim(["report", missing, "-o", out])
        #expect(r.status == 66)
        #expect(r.err == "\(missing): error: cannot read the JSON report: no such file\n")
        let text = try file("t.json", "hello")
        r = capsim(["report", text, "-o", out])
        #expect(r.status == 65)
        #expect(r.err == "\(text): error: not a capsim JSON report: not JSON: expected a value at byte 0\n")
        let version = try file("v.json", "{\"schema_version\": 2}")
        r = capsim(["report", version, "-o", out])
        #expect(r.status == 65)
        #expect(
            r.err == "\(version): error: not a capsim JSON report: schema_version 2 is not one this capsim reads (1)\n")
        let other = try file("o.json", "[{\"schema_version\": 1, \"scenario\": {\"name\": 3}}]")
        r = capsim(["report", other, "-o", out])
        #expect(r.status == 65)
        #expect(
            r.err == "\(other): error: not a capsim JSON report: report 1 of 1: expected a string at 'scenario.name'\n")
        let empty = try file("e.json", "[]")
        r = capsim(["report", empty, "-o", out])
        #expect(r.status == 65)
        #expect(
            r.err
                == "\(empty): error: not a capsim JSON report: expected a capsim JSON report (an object, or an array of them)\n"
        )
        #expect(!FileManager.default.fileExists(atPath: out))
        r = capsim(["run", scenarioPath("mm1.yaml"), "--html", "-"])
        #expect(r.status == 64 && r.err == "--html: expected a file path ('-' is for `capsim report -o -`)\n")
        r = capsim(["run", scenarioPath("mm1.yaml"), "--html", dir.appendingPathComponent("no/r.html").path])
        #expect(r.status == 73 && r.out == "")
    }

    // MARK: hostile names

    /// A scenario whose name and description are markup, with a sweep whose values are too.
    static func hostileScenario() throws -> String {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("hostile.yaml").path
        try """
        version: 1
        name: "<script>alert(1)</script>"
        description: "<img src=x onerror=alert(2)>"
        horizon: 20s
        warmup: 2s
        replications: 3
        workload:
          arrivals: {process: poisson, rate: 50/s}
        components:
          server:
            kind: server_pool
            workers: 1
            service: {exponential: {mean: 10ms}}
        slos:
          - {metric: latency.p99, max: 1s, name: "<b>p99</b>"}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("names from a scenario are shown as text: no script or tag of theirs reaches the page")
    func hostileNamesEscaped() throws {
        let dir = temporaryDirectory()
        let html = dir.appendingPathComponent("h.html").path
        let r = capsim(["run", try Self.hostileScenario(), "-q", "--html", html])
        #expect(r.status == 0, "\(r.err)")
        let text = try String(contentsOfFile: html, encoding: .utf8)
        #expect(text.contains("<h1>capsim report — &lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
        #expect(text.contains("&lt;b&gt;p99&lt;/b&gt;"))
        #expect(!text.contains("<b>p99") && !text.contains("<img"))
        try Self.expectSelfContained(text)
    }
}
