import CapSimCLI
import CapSimTestSupport
import Foundation
import Reporting
import ScenarioLanguage
import SimStats
import Testing

@Suite("Sweeps and comparisons")
struct SweepCompareTests {
    @Test("a sweep is the cartesian product of its axes in file order, last axis fastest")
    func points() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("mmc.yaml"),
            overrides: [
                try Override(
                    parsing: "sweep={components.pool.workers: [8, 9], components: {pool: {queue: [10, unlimited, 3]}}}")
            ])
        #expect(s.points.count == 6)
        #expect(
            s.points.map { $0.axes.map(\.text) } == [
                ["8", "10"], ["8", "unlimited"], ["8", "3"], ["9", "10"], ["9", "unlimited"], ["9", "3"],
            ])
        #expect(s.points[4].model.stations[0].workers == 9 && s.points[4].model.stations[0].queueCapacity == nil)
        #expect(Set(s.points.map(\.hash)).count == 6)
    }

    @Test("every point sees the same arrivals (common random numbers)")
    func commonRandomNumbers() throws {
        let r = capsim(
            [
                "run", scenarioPath("mmc.yaml"), "-q", "--per-replication", "-", "--sweep",
                "components.pool.workers=8,10,12",
            ] + short)
        #expect(r.status == 0)
        let rows = r.out.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        // columns: scenario, point, components.pool.workers, replication, metric, value
        let rates = rows.filter { $0[4] == "arrival_rate" }
        #expect(rates.count == 9)
        for rep in ["0", "1", "2"] {
            let perPoint = rates.filter { $0[3] == Substring(rep) }.map { $0[5] }
            #expect(perPoint.count == 3 && Set(perPoint).count == 1, "replication \(rep): \(perPoint)")
        }
        let latencies = rows.filter { $0[4] == "latency.mean" }.map { $0[5] }
        #expect(Set(latencies).count == 9)
    }

    @Test("sweep CSV has the axes as leading columns and a row per point")
    func csv() {
        let r = capsim(
            ["run", scenarioPath("mmc.yaml"), "--csv", "-", "--sweep", "components.pool.workers=8,9"] + short)
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(
            lines[0].hasPrefix(
                "scenario,file,scenario_hash,seed,replications,capsim_version,schema_version,components.pool.workers,latency.mean,"
            ))
        #expect(lines[1].contains(",8,") && lines[2].contains(",9,"))
    }

    @Test("a bad sweep value is reported at its place with the point")
    func badValue() {
        let r = capsim(["run", scenarioPath("mmc.yaml"), "--sweep", "components.pool.workers=8,lots"])
        #expect(r.status == 65)
        #expect(
            r.err.contains(
                "components.pool.workers: expected a whole number or 'unlimited', found 'lots' (at sweep point components.pool.workers=lots)"
            ))
        #expect(
            capsim(["run", scenarioPath("mmc.yaml"), "--sweep", "seed=1,2"]).err.contains("'seed' cannot be swept"))
    }

    @Test("pairing under common random numbers narrows the interval of a difference")
    func pairing() {
        let r = capsim([
            "compare", scenarioPath("mm1.yaml"), "--sweep",
            "components.server.service={exponential: {mean: 1ms}},{exponential: {mean: 0.98ms}}",
            "--csv", "-", "--set", "horizon=60s", "--set", "warmup=5s", "--replications", "10", "--jobs", "2",
        ])
        #expect(r.status == 0, "\(r.err)")
        func row(_ metric: String) -> (difference: Double, paired: Double, unpaired: Double, judgement: Substring) {
            // design,baseline,metric,baseline_value,value,difference,difference.hw95,unpaired.hw95,relative,replications,judgement
            let cells = r.out.split(separator: "\n").first { $0.contains(",\(metric),") }!.split(separator: ",")
            return (Double(cells[5])!, Double(cells[6])!, Double(cells[7])!, cells.last!)
        }
        let latency = row("latency.mean")
        let utilization = row("utilization.server")
        #expect(latency.difference < 0 && abs(latency.difference) > latency.paired)
        #expect(latency.paired < latency.unpaired / 2, "paired \(latency.paired) vs unpaired \(latency.unpaired)")
        #expect(latency.judgement == "better")
        // Utilisation moves with the service scale almost exactly: pairing removes nearly all noise.
        #expect(utilization.paired < utilization.unpaired / 10)
        #expect(abs(utilization.difference) > utilization.paired)
    }

    @Test("compare prints a table and names SLO winners")
    func compareTable() {
        let r = capsim([
            "compare", scenarioPath("slo-gate.yaml"), "--sweep", "components.web.instances=4,5",
            "--set", "horizon=20s", "--set", "warmup=2s", "--replications", "4", "--jobs", "2",
        ])
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("baseline: web-slo-gate (components.web.instances=4)\n"))
        // The mean's difference is clear in 4 replications of 20 s; the p99's (pooled values,
        // a sectioned interval: about −0.5 ± 0.9 ms) is not, so no design wins it.
        #expect(r.out.contains("SLO winners\n  latency.p99 <= 150ms: no design is significantly best\n"), "\(r.out)")
        #expect(r.out.contains("\n  latency.mean <= 40ms: web-slo-gate (components.web.instances=5)\n"), "\(r.out)")
        #expect(capsim(["compare", scenarioPath("mm1.yaml")]).status == 64)
    }
}

@Suite("check")
struct CheckCommandTests {
    func scenarioFile(rate: Int, slo: String) throws -> String {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("gate.yaml")
        try """
        version: 1
        name: gate
        horizon: 1s
        replications: {min: 5, max: 40, until: slo-decided}
        workload: {arrivals: {process: poisson, rate: \(rate)/s}}
        components:
          delay: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}}
        slos:
          - \(slo)
        """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test("exit 0 when every SLO passes, 1 when one fails, 2 when one is inconclusive")
    func exitCodes() throws {
        #expect(capsim(["check", try scenarioFile(rate: 800, slo: "{metric: arrival_rate, max: 1000/s}")]).status == 0)
        #expect(
            capsim(["check", try scenarioFile(rate: 1200, slo: "{metric: arrival_rate, max: 1000/s}")]).status == 1)
        #expect(
            capsim(["check", try scenarioFile(rate: 1000, slo: "{metric: arrival_rate, max: 1000/s}")]).status == 2)
        #expect(
            capsim(["run", try scenarioFile(rate: 1200, slo: "{metric: arrival_rate, max: 1000/s}"), "-q"]).status == 0)
        #expect(
            capsim(["run", try scenarioFile(rate: 1200, slo: "{metric: arrival_rate, max: 1000/s}"), "-q", "--strict"])
                .status == 1)
        let none = capsim(["check", scenarioPath("mm1.yaml")])
        #expect(none.status == 65)
        #expect(
            none.err
                == "\(scenarioPath("mm1.yaml")): error: slos: nothing to check: the scenario has no 'slos:' section\n")
    }

    @Test("JUnit XML, Markdown and GitHub annotations")
    func ciOutputs() throws {
        let file = try scenarioFile(rate: 1200, slo: "{metric: arrival_rate, max: 1000/s, name: offered load}")
        let dir = temporaryDirectory()
        let junit = dir.appendingPathComponent("slo.xml").path
        let md = dir.appendingPathComponent("slo.md").path
        let c = Captured()
        var console = c.console
        console.environment = ["GITHUB_ACTIONS": "true"]
        let status = CapSimCommand.main(
            arguments: ["check", file, "-q", "--junit", junit, "--markdown", md], console: console)
        #expect(status == 1)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(
            xml.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"capsim check\" tests=\"1\" failures=\"1\" skipped=\"0\">\n  <testsuite name=\"gate\" tests=\"1\" failures=\"1\" skipped=\"0\" file=\"\(file)\">\n    <testcase classname=\"gate\" name=\"offered load\">\n      <failure type=\"slo\" message=\"FAIL: estimate "
            ))
        let summary = try String(contentsOfFile: md, encoding: .utf8)
        #expect(
            summary.hasPrefix(
                "## capsim check\n\n| design | SLO | verdict | estimate | interval | n |\n|---|---|---|---|---|---|\n| gate | offered load | ❌ FAIL | "
            ))
        #expect(c.stdout.hasPrefix("::error file=\(file),line=9,title=SLO FAIL%3A offered load::gate: FAIL: estimate "))
    }

    @Test("a regression against a baseline fails the gate")
    func baseline() throws {
        let dir = temporaryDirectory()
        let base = dir.appendingPathComponent("base.json").path
        let good = try scenarioFile(rate: 800, slo: "{metric: arrival_rate, max: 2000/s}")
        #expect(capsim(["check", good, "-q", "--json", base]).status == 0)
        // Same design: no regression.
        #expect(capsim(["check", good, "-q", "--baseline", base]).status == 0)
        // Latency doubles (service 1 ms → 2 ms): a regression although the SLO still passes.
        let r = capsim(["check", good, "--baseline", base, "--set", "components.delay.service={deterministic: 2ms}"])
        #expect(r.status == 1)
        #expect(
            r.out.contains(
                "regression: gate: latency.mean 1.000 ms → 2.000 ms (100.0 % worse, beyond both 95 % intervals)"))
        #expect(capsim(["check", good, "--baseline", dir.appendingPathComponent("none.json").path]).status == 66)
    }
}
