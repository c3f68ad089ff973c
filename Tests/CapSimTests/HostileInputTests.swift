import CapSimTestSupport
import Foundation
import Testing
import Theory

/// Values a scenario may carry that once trapped or hung: each is now a result or a located
/// error (exit 0 or 65), never a crash, in bounded time.
@Suite("Hostile values")
struct HostileInputTests {
    func write(_ text: String) -> String {
        let file = temporaryDirectory().appendingPathComponent("s.yaml")
        try? text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func scenario(arrivals: String = "{process: poisson, rate: 10/s}", web: String, events: String = "") -> String {
        write(
            """
            version: 1
            name: hostile
            horizon: 2s
            replications: 2
            workload:
              arrivals: \(arrivals)
            components:
              web: \(web)
            \(events)
            """)
    }

    @Test("a Weibull shape so small that its mean overflows: validate reports an infinite load, no GSL abort")
    func tinyWeibull() {
        let r = capsim([
            "validate", scenario(web: "{kind: server_pool, service: {weibull: {shape: 0.005, scale: 1ms}}}"),
        ])
        #expect(r.status == 0)
        #expect(r.out.contains("UNSTABLE"), "\(r.out)")
    }

    @Test("a constant arrival rate of 1e-30/s runs (its first arrival is never)")
    func tinyRate() {
        let r = capsim([
            "run",
            scenario(
                arrivals: "{process: constant, rate: 1e-30/s}",
                web: "{kind: server_pool, service: {deterministic: 1ms}}"),
            "-q",
        ])
        #expect(r.status == 0, "\(r.err)")
    }

    @Test("a degrade of 1e308x saturates the stretched demands instead of trapping")
    func hugeDegrade() {
        let r = capsim([
            "run",
            scenario(
                web: "{kind: server_pool, workers: 4, service: {deterministic: 1ms}}",
                events: "events:\n  - {at: 1s, degrade: {component: web, factor: 1e308x, for: 10s}}"),
            "-q",
        ])
        #expect(r.status == 0, "\(r.err)")
    }

    @Test("workers: 2^63 − 1 is refused: finite counts stop at a billion per instance, so no product overflows")
    func hugeWorkers() {
        for (instances, workers) in [(1, "9223372036854775807"), (4, "9223372036854775807"), (4, "1000000001")] {
            let r = capsim([
                "validate",
                scenario(
                    web:
                        "{kind: server_pool, instances: \(instances), workers: \(workers), service: {exponential: {mean: 1ms}}}"
                ),
            ])
            #expect(r.status == 65, "\(r.err)")
            #expect(
                r.err.contains(
                    "components.web.workers: expected a whole number ≤ 1000000000 or 'unlimited', found \(workers)"),
                "\(r.err)")
        }
        let most = capsim([
            "run",
            scenario(
                web: "{kind: server_pool, instances: 1000000, workers: 1000000000, service: {deterministic: 1ms}}"),
            "-q", "--max-events", "100000",
        ])
        #expect([0, 65].contains(most.status), "\(most.err)")
    }

    @Test("beyond a million servers Erlang C is the Halfin–Whitt limit, continuous with the exact recursion")
    func halfinWhitt() {
        let exact = ErlangC.probabilityOfWaiting(servers: 1_000_000, load: 999_000)
        let limit = ErlangC.probabilityOfWaiting(servers: 1_000_001, load: 999_001)
        #expect(abs(exact - limit) < 0.002, "\(exact) vs \(limit)")
        #expect(ErlangC.probabilityOfWaiting(servers: 9_223_372_036_854_775_807, load: 10) == 0)
    }

    @Test("--timeseries-window 1ns is refused before any simulation (it would ask for 570 million windows)")
    func tinyTimeSeriesWindow() {
        let out = temporaryDirectory().appendingPathComponent("ts.csv").path
        let r = capsim(["run", scenarioPath("mm1.yaml"), "--timeseries", out, "--timeseries-window", "1ns", "-q"])
        #expect(r.status == 64)
        #expect(
            r.err.contains(
                "--timeseries-window: expected a window giving at most 10000000 windows over mm1's measured time (570s), found 1ns"
            ), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("run warns UNSTABLE at 101 % load, as validate does; not where abandonment keeps the queue bounded")
    func unstableWarning() {
        let over = capsim([
            "run", scenarioPath("mm1.yaml"), "--set", "workload.arrivals.rate=1010/s", "--set", "horizon=20s",
            "--set", "warmup=2s", "--replications", "2",
        ])
        #expect(over.status == 0)
        #expect(
            (over.out + over.err).contains(
                "server: offered load is 101.0 % of its capacity — UNSTABLE: its queue grows without bound, so these figures describe this horizon, not a steady state (see capsim validate)"
            ), "\(over.out)")
        for file in ["erlang-a.yaml", "erlang-a-server.yaml", "mm1.yaml"] {
            let r = capsim([
                "run", scenarioPath(file), "--set", "horizon=10s", "--set", "warmup=1s", "--replications", "2",
            ])
            #expect(!(r.out + r.err).contains("UNSTABLE"), "\(file)")
        }
    }

    @Test("a negative --seed or --jobs is named as the bad value, not as a missing one")
    func negativeOptions() {
        let seed = capsim(["run", scenarioPath("mm1.yaml"), "--seed", "-1", "-q"])
        #expect(seed.status == 64)
        #expect(seed.err.contains("The value '-1' is invalid for '--seed <seed>'"), "\(seed.err)")
        let jobs = capsim(["run", scenarioPath("mm1.yaml"), "--jobs", "-3", "-q"])
        #expect(jobs.status == 64)
        #expect(jobs.err.contains("--jobs must be at least 1, found -3"), "\(jobs.err)")
    }

    @Test("257 components and no classes: the default class's path is refused like a long explicit one")
    func longDefaultPath() {
        let components = (0..<257).map {
            "  c\($0): {kind: server_pool, workers: unlimited, service: {deterministic: 1us}}"
        }
        let file = write(
            "version: 1\nname: long\nhorizon: 1s\nworkload:\n  arrivals: {process: poisson, rate: 10/s}\ncomponents:\n"
                + components.joined(separator: "\n") + "\n")
        for command in ["validate", "run"] {
            let r = capsim([command, file, "-q"].filter { command == "run" || $0 != "-q" })
            #expect(r.status == 65, "\(command)")
            #expect(
                r.err.contains(
                    "workload: the default class visits every component in file order: expected at most 256, found 257; name classes under workload.classes with their own paths"
                ), "\(r.err)")
        }
    }

    @Test("a cache ttl of 1000000h: validate's hit-ratio estimate takes bounded time")
    func hugeTTL() {
        let file = write(
            """
            version: 1
            name: ttl
            horizon: 2s
            workload:
              arrivals: {process: poisson, rate: 100/s}
              classes:
                - {name: read, path: [cache, db], keys: {count: 1M, zipf: 0.9}}
            components:
              cache: {kind: cache, workers: 4, service: {exponential: {mean: 0.3ms}}, policy: lru, capacity: 1000, ttl: 1000000h}
              db: {kind: server_pool, service: {exponential: {mean: 1ms}}}
            """)
        let started = Date()
        let r = capsim(["validate", file])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("expected hit ratio"), "\(r.out)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("a profile spike of 1e308x is refused: the peak rate would pass one arrival per nanosecond")
    func hugeProfileFactor() {
        let file = scenario(
            arrivals: "{process: poisson, rate: 100/s}\n  profile: {spikes: [{at: 1s, for: 1s, factor: 1e308x}]}",
            web: "{kind: server_pool, service: {exponential: {mean: 1ms}}}")
        for command in ["validate", "run"] {
            let r = capsim([command, file])
            #expect(r.status == 65, "\(command)")
            #expect(
                r.err.contains(
                    "workload.profile: expected a profile whose peak keeps workload.arrivals's rate at most 1e9/s (one per nanosecond), found 100/s × 1e+308x"
                ), "\(r.err)")
        }
    }

    @Test("a one-second diurnal cycle over a century: validate takes bounded time")
    func longDiurnalHorizon() {
        let file = write(
            """
            version: 1
            name: century
            horizon: 36500d
            workload:
              arrivals: {process: poisson, rate: 100/s}
              profile: {diurnal: {peak: 1.5x, period: 1s}}
            components:
              web: {kind: server_pool, service: {exponential: {mean: 1ms}}}
            """)
        let started = Date()
        let r = capsim(["validate", file])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("offered mean 100.00/s, utilisation 10.0 %"), "\(r.out)")
        #expect(r.out.contains("peak 150.00/s"), "\(r.out)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("inputs that are not plain files: a FIFO is read, /dev/zero stops at the limit, a missing base exits 66")
    func oddInputs() throws {
        let dir = temporaryDirectory()
        let fifo = dir.appendingPathComponent("scenario.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = try String(contentsOfFile: scenarioPath("mm1.yaml"), encoding: .utf8)
        let writer = Thread {
            if let h = FileHandle(forWritingAtPath: fifo) {
                h.write(Data(text.utf8))
                try? h.close()
            }
        }
        writer.start()
        let piped = capsim(["validate", fifo])
        #expect(piped.status == 0, "\(piped.err)")
        let zero = capsim(["validate", "/dev/zero"])
        #expect(zero.status == 66)
        #expect(
            zero.err.contains(
                "/dev/zero: error: cannot read the scenario file: it has more than 16 MiB, the most capsim reads for this file"
            ), "\(zero.err)")
        for (base, reason) in [
            ("/dev/zero", "it has more than 16 MiB, the most capsim reads for this file"),
            ("nothere.yaml", "no such file"), (dir.path, "it is a directory"),
        ] {
            let file = write("extends: \(base)\nname: x\n")
            let r = capsim(["validate", file])
            #expect(r.status == 66, "\(base)")
            #expect(r.err.contains("extends: cannot read the scenario file to extend"), "\(r.err)")
            #expect(r.err.contains(reason), "\(r.err)")
        }
    }

    @Test("--max-events stops every replication at that many events, writes its outputs, and exits 65 saying so")
    func maxEvents() throws {
        let json = temporaryDirectory().appendingPathComponent("out.json").path
        let r = capsim([
            "run", scenarioPath("mm1.yaml"), "--max-events", "5000", "--replications", "3", "--json", json, "-q",
        ])
        #expect(r.status == 65)
        #expect(
            r.err.contains(
                "mm1.yaml: error: 3 replication(s) stopped at --max-events 5000 before the end of the run; shorten the horizon, lower the rate or raise --max-events"
            ), "\(r.err)")
        let design =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(design?["event_limited_replications"] as? [Int] == [0, 1, 2])
        let events = (design?["per_replication"] as? [[String: Any]])?.compactMap { $0["events"] as? Int }
        #expect(events == [5000, 5000, 5000])
        // Under the limit nothing changes: same fingerprints as without it.
        let free = capsim([
            "run", scenarioPath("mm1.yaml"), "--set", "horizon=2s", "--set", "warmup=1s", "--json", "-", "-q",
        ])
        let capped = capsim([
            "run", scenarioPath("mm1.yaml"), "--set", "horizon=2s", "--set", "warmup=1s", "--json", "-", "-q",
            "--max-events", "1000000",
        ])
        #expect(capped.status == 0 && capped.out == free.out)
        #expect(capsim(["check", scenarioPath("slo-gate.yaml"), "--max-events", "2000", "-q"]).status == 65)
    }

    @Test("a cache holding more than 2^26 keys over its instances is refused with what it would cost")
    func hugeCache() {
        let r = capsim([
            "validate", FuzzCorpusTests.folder.appendingPathComponent("cache-half-a-billion-keys.yaml").path,
        ])
        #expect(r.status == 65)
        #expect(
            r.err.contains(
                "components.cache.capacity: expected at most 67108864 keys over the cache's instances (each takes about 64 bytes, allocated when a replication starts), found 2 × 536870912"
            ), "\(r.err)")
    }
}
