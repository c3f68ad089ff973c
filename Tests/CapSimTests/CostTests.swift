import CapSimTestSupport
import Foundation
import InfraModel
import Reporting
import ScenarioLanguage
import SimKernel
import Testing

@testable import SimStats

/// The cost model (issue 8): what a design costs for the horizon and per 730-hour month, exact
/// where the answer is exact — a fixed fleet costs instances × hours × price; requests and
/// egress cost their price × the counts the run measured.
@Suite("Cost")
struct CostTests {
    static let month = 730.0 * 3600

    /// A small pool: horizon 90 s, warm-up 30 s (so the measured window, 60 s, differs from the horizon).
    static func yaml(cost: String, extra: String = "", size: String = "") -> String {
        """
        version: 1
        horizon: 90s
        warmup: 30s
        replications: 3
        seed: 11
        \(extra)workload:
          arrivals: {process: poisson, rate: 200/s}
        \(size.isEmpty ? "" : "  response_size: \(size)\n")components:
          web: {kind: server_pool, instances: 3, workers: 4, service: {exponential: {mean: 10ms}}, cost: \(cost)}
        """
    }

    struct Result {
        let layout: MetricLayout
        let results: [ReplicationResult]
        let summary: Summary
        func values(_ id: String) throws -> [Double] {
            let i = try #require(layout.index(of: id), "no metric \(id)")
            return results.map { $0.values[i] }
        }
    }

    func run(_ yaml: String) throws -> Result {
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: "cost.yaml")
        let layout = MetricLayout(spec: scenario.model)
        let results = Experiment(
            spec: scenario.model, seed: scenario.seed, replications: 0..<scenario.replications, jobs: 2
        ).run()
        return Result(layout: layout, results: results, summary: Summary(layout: layout, results: results))
    }

    func expectClose(
        _ a: Double, _ b: Double, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(abs(a - b) <= 1e-12 * max(abs(a), abs(b)), "\(label): \(a) vs \(b)", sourceLocation: sourceLocation)
    }

    @Test("a fixed fleet costs instances × hours × price: per second for the horizon, per month 730 h")
    func fixedFleetPerSecond() throws {
        let r = try run(Self.yaml(cost: "0.36/h"))
        for v in try r.values("cost.horizon") { expectClose(v, 3 * 90.0 / 3600 * 0.36, "cost.horizon") }
        for v in try r.values("cost.monthly") { expectClose(v, 3 * 730 * 0.36, "cost.monthly") }
        for v in try r.values("cost.web.monthly") { expectClose(v, 3 * 730 * 0.36, "cost.web.monthly") }
        for v in try r.values("cost.monthly.instances") { expectClose(v, 3 * 730 * 0.36, "cost.monthly.instances") }
        #expect(r.layout.index(of: "cost.monthly.requests") == nil && r.layout.index(of: "cost.monthly.egress") == nil)
        // Only instances are priced: the month is exact whatever the horizon, so no warning.
        #expect(!r.summary.warnings.contains { $0.hasPrefix("cost.") })
        #expect(r.summary["cost.monthly"]?.halfWidth95 == 0)
    }

    @Test("per-hour billing rounds each instance's holding period (the whole horizon) up to whole hours")
    func fixedFleetPerHour() throws {
        let r = try run(Self.yaml(cost: "{instance: 0.36/h, billing: per_hour}"))
        for v in try r.values("cost.horizon") { expectClose(v, 3 * 1 * 0.36, "cost.horizon") }  // 90 s bills 1 h each
        for v in try r.values("cost.monthly") { expectClose(v, 3 * 730 * 0.36, "cost.monthly") }  // held all month
        let long = try run(
            Self.yaml(cost: "{instance: 0.36/h, billing: per_hour}").replacingOccurrences(
                of: "horizon: 90s", with: "horizon: 61m"
            )
            .replacingOccurrences(of: "replications: 3", with: "replications: 1").replacingOccurrences(
                of: "rate: 200/s", with: "rate: 5/s"))
        for v in try long.values("cost.horizon") { expectClose(v, 3 * 2 * 0.36, "cost.horizon over 61m") }
        #expect(CostAccount.rounding(.perHour, horizon: SimTime.zero + SimDuration.seconds(7200)) == 1)
        #expect(CostAccount.rounding(.perSecond, horizon: SimTime.zero + SimDuration.milliseconds(1500)) == 2 / 1.5)
    }

    @Test(
        "requests and egress cost price × the measured counts; per million successful is the window's spending per success"
    )
    func requestsAndEgress() throws {
        let r = try run(
            Self.yaml(cost: "{instance: 0.36/h, per_million_requests: 0.8, egress_per_gb: 0.09}", size: "20KB"))
        let window = 60.0
        let horizon = 90.0
        let requests = try r.values("cost.monthly.requests")
        let egress = try r.values("cost.monthly.egress")
        let monthly = try r.values("cost.monthly")
        let horizonCost = try r.values("cost.horizon")
        let perMillion = try r.values("cost.per_million_successful")
        let throughput = try r.values("throughput")
        for (k, rep) in r.results.enumerated() {
            // Every measured request visits web once and succeeds (unlimited queue, full drain).
            #expect(rep.measuredEnded == rep.measuredSuccesses && rep.measuredEnded > 10_000)
            let n = Double(rep.measuredEnded)
            let requestsWindow = n * 0.8 / 1e6
            let egressWindow = n * 20_000 * 0.09 / 1e9
            expectClose(requests[k], requestsWindow * Self.month / window, "cost.monthly.requests")
            expectClose(egress[k], egressWindow * Self.month / window, "cost.monthly.egress")
            expectClose(monthly[k], 3 * 730 * 0.36 + requests[k] + egress[k], "cost.monthly")
            expectClose(
                horizonCost[k], 3 * 90 / 3600 * 0.36 + (requestsWindow + egressWindow) * horizon / window,
                "cost.horizon")
            expectClose(perMillion[k], monthly[k] / (throughput[k] * Self.month) * 1e6, "cost.per_million_successful")
        }
        // The month depends on the load of a 60 s slice: a warning says so.
        #expect(
            r.summary.warnings.contains(
                "cost.monthly extrapolates 1m of measured time to a 730-hour month; its request and egress costs assume that slice's load all month, which a slice shorter than a day (such as a peak hour) does not represent"
            ))
    }

    @Test("telemetry costs the bytes each handled request emits × (ingest + storage × retention in months)")
    func telemetry() throws {
        let r = try run(
            Self.yaml(
                cost:
                    "{instance: 0.36/h, telemetry: {per_request: 2KB, ingest_per_gb: 0.5, storage_per_gb_month: 0.03, retention: 15d}}"
            ))
        let telemetry = try r.values("cost.monthly.telemetry")
        let web = try r.values("cost.web.monthly")
        // 15 days of a 730-hour month, stored.
        let perGB = 0.5 + 0.03 * (15 * 24.0 / 730)
        for (k, rep) in r.results.enumerated() {
            #expect(rep.measuredEnded == rep.measuredSuccesses && rep.measuredEnded > 10_000)
            let gb = Double(rep.measuredEnded) * 2_000 / 1e9
            expectClose(telemetry[k], gb * perGB * Self.month / 60, "cost.monthly.telemetry")
            expectClose(web[k], 3 * 730 * 0.36 + telemetry[k], "cost.web.monthly")
        }
        #expect(
            r.summary.warnings.contains(
                "cost.monthly extrapolates 1m of measured time to a 730-hour month; its request, egress and telemetry costs assume that slice's load all month, which a slice shorter than a day (such as a peak hour) does not represent"
            ))
        #expect(
            problems(Self.yaml(cost: "{telemetry: {per_request: 2KB, storage_per_gb_month: 0.03}}")) == [
                "s.yaml:9:151: error: components.web.cost.telemetry.storage_per_gb_month: a storage price needs how long the telemetry is kept: give 'retention' (e.g. 15d)"
            ])
        #expect(
            problems(Self.yaml(cost: "{telemetry: {per_request: 2KB}}")).first?.contains(
                "expected a price for the telemetry") == true)
    }

    @Test("egress is billed at each class's entry component with the class's own response size")
    func egressPerClass() throws {
        let yaml = """
            version: 1
            horizon: 40s
            replications: 2
            workload:
              arrivals: {process: poisson, rate: 300/s}
              response_size: 1KiB
              classes:
                - {name: page, weight: 2, path: [edge, web]}
                - {name: image, weight: 1, path: [cdn], response_size: 1.5MB}
            components:
              edge: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}, cost: {egress_per_gb: 0.09}}
              web: {kind: server_pool, workers: 8, service: {exponential: {mean: 5ms}}}
              cdn: {kind: server_pool, workers: unlimited, service: {deterministic: 2ms}, cost: {egress_per_gb: 0.02, per_million_requests: 1}}
            """
        let r = try run(yaml)
        let edge = try r.values("cost.edge.monthly")
        let cdn = try r.values("cost.cdn.monthly")
        #expect(r.layout.index(of: "cost.web.monthly") == nil)
        for (k, rep) in r.results.enumerated() {
            let pages = Double(rep.histograms[try #require(r.layout.classBase)].count)
            let images = Double(rep.histograms[try #require(r.layout.classBase) + 1].count)
            #expect(pages + images == Double(rep.measuredSuccesses))
            expectClose(edge[k], pages * 1024 * 0.09 / 1e9 * Self.month / 40, "cost.edge.monthly")
            expectClose(cdn[k], (images * 1.5e6 * 0.02 / 1e9 + images * 1 / 1e6) * Self.month / 40, "cost.cdn.monthly")
        }
    }

    @Test("an SLO on cost.monthly is decided in money, and the table labels money with the currency")
    func sloAndCurrency() throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("c.yaml").path
        try
            (Self.yaml(cost: "0.36/h", extra: "currency: EUR\n") + """

                slos:
                  - {metric: cost.monthly, max: 800 EUR}
                  - {metric: cost.monthly, max: 700}
                """).write(toFile: path, atomically: true, encoding: .utf8)
        let check = capsim(["check", path])
        #expect(check.status == 1, "\(check.err)")
        #expect(
            check.out.contains("cost.monthly <= 800 EUR     PASS  788.40 EUR  [788.40 EUR, 788.40 EUR] at 95.00 %  3"),
            "\(check.out)")
        #expect(check.out.contains("cost.monthly <= 700         FAIL  788.40 EUR"), "\(check.out)")
        let run = capsim(["run", path, "--csv", dir.appendingPathComponent("c.csv").path])
        let lines = run.out.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        // The headline shows no "± 0"; the component table names the currency in its title.
        #expect(lines.contains("cost.monthly 788.40 EUR"), "\(run.out)")
        #expect(lines.contains { $0.hasSuffix(" cost/month (EUR)") } && lines.contains { $0.hasSuffix(" 788.40") })
        let all = capsim(["run", path, "--all"])
        let allLines = all.out.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(allLines.contains("cost.monthly 788.40 EUR ± 0.00 EUR"), "\(all.out)")
        #expect(allLines.contains("cost.horizon 0.0270 EUR ± 0.00 EUR"), "\(all.out)")
        let json = capsim(["run", path, "-q", "--json", "-"])
        #expect(json.out.contains("\"currency\": \"EUR\""), "\(json.out.prefix(400))")
        let csv = try String(contentsOfFile: dir.appendingPathComponent("c.csv").path, encoding: .utf8)
        let header = csv.split(separator: "\n")[0].split(separator: ",").map(String.init)
        for id in [
            "cost.horizon", "cost.horizon.hw95", "cost.monthly", "cost.monthly.hw95", "cost.per_million_successful",
            "cost.monthly.instances", "cost.web.monthly", "cost.web.monthly.hw95",
        ] {
            #expect(header.contains(id), "\(id)")
        }
        #expect(TableReport.format(1_234_567.891, .money(currency: "USD")) == "1,234,567.89 USD")
        #expect(TableReport.format(0.0123, .money(currency: "USD")) == "0.0123 USD")
        #expect(TableReport.format(-1234.5, .money(currency: "EUR")) == "-1,234.50 EUR")
    }

    @Test(
        "cost-comparison.yaml (shortened): fleets cost their instances × 730 h × price exactly; the small fleet's p99 is longer"
    )
    func costComparison() throws {
        let run = try Run("cost-comparison.yaml", ["horizon=2m", "warmup=20s", "replications=2"])
        let points = run.scenario.points
        #expect(points.count == 2)
        var p99: [Double] = []
        for (point, expected) in zip(points, [4 * 0.68 * 730, 16 * 0.145 * 730]) {
            let layout = MetricLayout(spec: point.model)
            let results = Experiment(spec: point.model, seed: point.seed, replications: 0..<point.replications, jobs: 2)
                .run()
            let web = try #require(layout.index(of: "cost.web.monthly"))
            for r in results { expectClose(r.values[web], expected, "cost.web.monthly") }
            let summary = Summary(layout: layout, results: results)
            p99.append(try #require(summary["latency.p99"]?.value))
            #expect(summary["cost.monthly.egress"] != nil && summary["cost.monthly.requests"] != nil)
        }
        #expect(p99[0] < p99[1], "4 × 16 workers pool better than 16 × 4: \(p99)")
    }

    @Test("three-tier.yaml prices its tiers per instance-hour; its other results are unchanged by prices")
    func threeTier() throws {
        let run = try Run("three-tier.yaml", ["horizon=10s", "warmup=1s", "replications=2"])
        for v in run.values("cost.monthly") {
            expectClose(v, (0.0225 + 4 * 0.17 + 4 * 0.34 + 2 * 1.36) * 730, "cost.monthly")
        }
        for v in run.values("cost.horizon") {
            expectClose(v, (0.0225 + 4 * 0.17 + 4 * 0.34 + 2 * 1.36) * 10 / 3600, "cost.horizon")
        }
        var spec = run.scenario.model
        spec.cost = nil
        let free = Experiment(spec: spec, seed: run.scenario.seed, replications: 0..<2, jobs: 2).run()
        #expect(free.map(\.outcome.fingerprint) == run.results.map(\.outcome.fingerprint))
        let layout = MetricLayout(spec: spec)
        for (i, m) in layout.metrics.enumerated() {
            let j = try #require(run.layout.index(of: m.id))
            for (a, b) in zip(free, run.results) {
                #expect(
                    a.values[i].bitPattern == b.values[j].bitPattern || (a.values[i].isNaN && b.values[j].isNaN),
                    "\(m.id)")
            }
        }
    }
}
