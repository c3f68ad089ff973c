import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimStats
import Testing

/// Windowed statistics: time-based availability (issue 7) and the per-window time series (issue 8).
@Suite("Windows: availability over time and time series")
struct WindowTests {
    static let mm1k = ["horizon=2m", "warmup=10s", "replications=4", "components.server.queue=12"]

    /// Runs a loaded scenario with a time series of `window`, replications in order.
    func series(_ scenario: Scenario, window: SimDuration, jobs: Int = 2) -> (TimeSeriesLayout, [ReplicationResult]) {
        var spec = scenario.model
        spec.timeSeriesWindow = window
        let results = Experiment(spec: spec, seed: scenario.seed, replications: 0..<scenario.replications, jobs: jobs)
            .run()
        return (TimeSeriesLayout(spec: spec, length: window), results)
    }

    @Test("ticks observe only: with windows, the trajectory fingerprint and every other metric are unchanged")
    func ticksChangeNothing() throws {
        let plain = try Run("three-tier.yaml", ["horizon=20s", "warmup=2s", "replications=3"])
        let windowed = try Run(
            "three-tier.yaml",
            [
                "horizon=20s", "warmup=2s", "replications=3",
                "availability={objective: 99%, window: 3s, min_requests: 5}",
            ])
        #expect(plain.results.map(\.outcome.fingerprint) == windowed.results.map(\.outcome.fingerprint))
        #expect(plain.results.map(\.outcome.arrivals) == windowed.results.map(\.outcome.arrivals))
        // Ticks are kernel events: 6 boundaries (5 after warm-up + 3 s·k < 20 s) per replication.
        #expect(zip(plain.results, windowed.results).allSatisfy { $1.outcome.events == $0.outcome.events + 5 })
        for (i, m) in plain.layout.metrics.enumerated() {
            let j = try #require(windowed.layout.index(of: m.id))
            for (a, b) in zip(plain.results, windowed.results) {
                #expect(
                    a.values[i].bitPattern == b.values[j].bitPattern || (a.values[i].isNaN && b.values[j].isNaN),
                    "\(m.id)")
            }
        }
    }

    @Test("per-window requests add up to the run's measured requests, in every replication")
    func requestsAddUp() throws {
        let scenario = try ScenarioLoader.load(
            path: scenarioPath("three-tier.yaml"),
            overrides: ["horizon=30s", "warmup=3s", "replications=3"].map { try Override(parsing: $0) })
        let (layout, results) = series(scenario, window: .seconds(4))
        #expect(layout.windowCount == 7)  // 27 s in 4 s windows: 6 full and one of 3 s
        let width = layout.columns.count
        let requests = try #require(layout.ids.firstIndex(of: "requests"))
        for r in results {
            let rows = try #require(r.windows?.series)
            #expect(rows.count == width * layout.windowCount)
            let sum = (0..<layout.windowCount).reduce(0.0) { $0 + rows[$1 * width + requests] }
            #expect(UInt64(sum) == r.measuredEnded, "replication \(r.replication)")
            #expect(r.measuredEnded > 0)
        }
    }

    @Test("constant arrivals: every window's throughput is the rate, within its interval")
    func constantRate() throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("ts.csv").path
        let r = capsim([
            "run", scenarioPath("mm1.yaml"), "-q", "--set", "horizon=5m", "--set", "warmup=30s", "--replications", "3",
            "--set", "workload.arrivals={process: constant, rate: 500/s}", "--timeseries", path,
        ])
        #expect(r.status == 0, "\(r.err)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = lines[0]
        let rows = lines.dropFirst()
        #expect(rows.count == 5)
        let t = try #require(header.firstIndex(of: "throughput"))
        let hw = try #require(header.firstIndex(of: "throughput.hw95"))
        for row in rows {
            let value = try #require(Double(row[t]))
            let half = try #require(Double(row[hw]))
            #expect(abs(value - 500) <= half + 0.002 * 500, "window \(row[2]): \(value) ± \(half)")
        }
    }

    @Test("the time series header, exactly")
    func header() throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("ts.csv").path
        let r = capsim(
            ["run", scenarioPath("tandem.yaml"), "-q", "--timeseries", path, "--timeseries-window", "5s"] + short)
        #expect(r.status == 0, "\(r.err)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let errors = ErrorCause.allCases.map { "errors.\($0.id).rate,errors.\($0.id).rate.hw95" }.joined(separator: ",")
        let stations = ["edge", "app", "store"].map {
            "utilization.\($0),utilization.\($0).hw95,busy.\($0).mean,busy.\($0).mean.hw95,instances.\($0).mean,instances.\($0).mean.hw95"
        }.joined(separator: ",")
        #expect(
            text.split(separator: "\n")[0]
                == "scenario,point,window,start,end,replications,requests,requests.hw95,arrival_rate,arrival_rate.hw95,throughput,throughput.hw95,availability.request,availability.request.hw95,"
                + errors + ",latency.p50,latency.p50.hw95,latency.p99,latency.p99.hw95," + stations)
        #expect(errors.hasPrefix("errors.queue_full.rate,errors.queue_full.rate.hw95,errors.timeout.rate,"))
        // 18 s measured in 5 s windows: 4 rows, the last 3 s long.
        let rows = text.split(separator: "\n").dropFirst()
        #expect(rows.count == 4)
        #expect(rows.first!.hasPrefix("tandem,0,0,2,7,3,"))
        #expect(rows.last!.hasPrefix("tandem,0,3,17,20,3,"))
    }

    @Test("a 1-hour run in 1-minute windows has 60 rows; a 1-minute warm-up leaves 59")
    func rowCount() throws {
        for (warmup, rows) in [("0s", 60), ("1m", 59)] {
            let r = capsim([
                "run", scenarioPath("mm1.yaml"), "--set", "horizon=1h", "--set", "warmup=\(warmup)", "--replications",
                "2",
                "--set", "workload.arrivals={process: poisson, rate: 20/s}", "--timeseries", "-",
            ])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.split(separator: "\n").count == rows + 1, "warm-up \(warmup)")
        }
    }

    @Test("time series and its per-replication form are byte-identical for --jobs 1 and 2, also over a sweep")
    func determinism() throws {
        let dir = temporaryDirectory()
        var outputs: [String] = []
        for jobs in ["1", "2"] {
            let ts = dir.appendingPathComponent("t\(jobs).csv").path
            let per = dir.appendingPathComponent("p\(jobs).csv").path
            let r = capsim([
                "run", scenarioPath("three-tier.yaml"), "-q", "--jobs", jobs, "--timeseries", ts,
                "--timeseries-per-replication", per,
                "--timeseries-window", "4s", "--set", "horizon=20s", "--set", "warmup=2s", "--replications", "4",
                "--sweep", "components.web.instances=3,4",
            ])
            #expect(r.status == 0, "\(r.err)")
            outputs.append(
                try String(contentsOfFile: ts, encoding: .utf8) + String(contentsOfFile: per, encoding: .utf8))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].contains("components.web.instances"))
        // 5 windows × 2 points; 5 windows × 4 replications × 2 points.
        let ts = try String(contentsOfFile: dir.appendingPathComponent("t1.csv").path, encoding: .utf8)
        let per = try String(contentsOfFile: dir.appendingPathComponent("p1.csv").path, encoding: .utf8)
        #expect(ts.split(separator: "\n").count == 1 + 10)
        #expect(per.split(separator: "\n").count == 1 + 40)
    }

    @Test("availability.time and downtime.monthly agree with the windows' own success ratios")
    func availabilityFromWindows() throws {
        // M/M/1/13 at ρ = 0.9 loses ≈ 1.3 % to queue_full: an objective of 98.7 % fails some 1 s
        // windows and passes others.
        let objective = 0.987
        let minRequests = 800
        let run = try Run(
            "mm1.yaml", Self.mm1k + ["availability={objective: 98.7%, window: 1s, min_requests: \(minRequests)}"])
        let (layout, results) = series(run.scenario, window: .seconds(1))
        let width = layout.columns.count
        let requests = try #require(layout.ids.firstIndex(of: "requests"))
        let ratio = try #require(layout.ids.firstIndex(of: "availability.request"))
        var sawBoth = (pass: false, fail: false)
        for (r, windowed) in zip(run.results, results) {
            let rows = try #require(windowed.windows?.series)
            var judged = 0
            var failed = 0
            for w in 0..<layout.windowCount where rows[w * width + requests] >= Double(minRequests) {
                judged += 1
                if rows[w * width + ratio] < objective * (1 - 1e-12) { failed += 1 }
            }
            let time = r.values[run.layout.index(of: "availability.time")!]
            #expect(abs(time - (1 - Double(failed) / Double(judged))) < 1e-12)
            #expect(abs(r.values[run.layout.index(of: "downtime.monthly")!] - (1 - time) * 2_628_000) < 1e-6)
            #expect(
                abs(
                    r.values[run.layout.index(of: "availability.windows.judged")!] - Double(judged)
                        / Double(layout.windowCount)) < 1e-12)
            if failed > 0 { sawBoth.fail = true }
            if failed < judged { sawBoth.pass = true }
        }
        #expect(sawBoth.pass && sawBoth.fail)
    }

    @Test("availability metrics in SLOs: a share and a monthly downtime as a duration")
    func slos() throws {
        let s = try ScenarioLoader.load(
            path: scenarioPath("mm1.yaml"),
            overrides: (Self.mm1k + [
                "availability={objective: 90%}",
                "slos=[{metric: availability.time, min: 99%}, {metric: downtime.monthly, max: 45m}]",
            ]).map { try Override(parsing: $0) })
        #expect(s.slos.map(\.bound) == [.min(0.99), .max(2700)])
        #expect(s.model.availability == AvailabilityObjective(objective: 0.9, window: .seconds(60), minRequests: 1))
        let r = capsim(
            ["check", scenarioPath("mm1.yaml")] + Self.mm1k.flatMap { ["--set", $0] } + [
                "--set", "availability={objective: 90%, window: 10s}", "--set",
                "slos=[{metric: availability.time, min: 99%}]",
            ])
        #expect(r.status == 0, "\(r.out)\(r.err)")
    }

    @Test("availability is validated with located diagnostics")
    func diagnostics() {
        let r = capsim(["validate", scenarioPath("mm1.yaml"), "--set", "availability={objective: 120%, windw: 1m}"])
        #expect(r.status == 65)
        let arg = "--set availability={objective: 120%, windw: 1m}"
        #expect(
            r.err == """
                \(arg): error: availability.windw: unknown key 'windw'; expected one of objective, window, min_requests (did you mean 'window'?)
                \(arg): error: availability.objective: expected a share such as 99.95% or 0.9995, found '120%'
                2 problems in \(scenarioPath("mm1.yaml"))

                """)
        let zero = capsim([
            "validate", scenarioPath("mm1.yaml"), "--set", "availability={objective: 0, min_requests: 0}",
        ])
        #expect(zero.err.contains("availability.objective: expected a share above 0 such as 99.9% or 0.999, found '0'"))
        #expect(zero.err.contains("availability.min_requests: expected a whole number from 1 to 1000000000, found 0"))
        let many = capsim(["validate", scenarioPath("mm1.yaml"), "--set", "availability={objective: 99%, window: 1us}"])
        #expect(
            many.err.contains(
                "availability.window: expected a window giving at most 10000000 windows over the measured time"))
    }

    @Test("--timeseries options: exact usage errors")
    func usage() {
        let zero = capsim(["run", scenarioPath("mm1.yaml"), "--timeseries", "x.csv", "--timeseries-window", "0s"])
        #expect(zero.status == 64)
        #expect(zero.err.hasPrefix("Error: --timeseries-window: expected a positive duration, found '0s'\n"))
        let alone = capsim(["run", scenarioPath("mm1.yaml"), "--timeseries-window", "1m"])
        #expect(alone.status == 64)
        #expect(alone.err.hasPrefix("Error: --timeseries-window needs --timeseries or --timeseries-per-replication\n"))
        let two = capsim(["run", scenarioPath("mm1.yaml"), "--timeseries", "-", "--csv", "-"])
        #expect(two.status == 64)
        #expect(
            two.err.hasPrefix(
                "Error: only one of --csv, --json, --per-replication, --timeseries and --timeseries-per-replication can write to standard output ('-')\n"
            ))
    }
}
