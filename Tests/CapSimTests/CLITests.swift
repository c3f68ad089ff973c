import CapSimCLI
import CapSimTestSupport
import Foundation
import Testing

@Suite("Command line")
struct CLITests {
    @Test("run prints the headline with intervals and a row per component, --all every metric, and exits 0")
    func run() {
        let r = capsim(["run", scenarioPath("mm1.yaml")] + short)
        #expect(r.status == 0)
        #expect(r.err == "")
        #expect(r.out.contains("capsim 0.1.0 — mm1"))
        let lines = r.out.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains { $0.hasPrefix("latency.p99 ") && $0.contains(" ± ") }, "\(r.out)")
        // The component row: M/M/1 at ρ = 0.9, theory beside the simulated value.
        #expect(
            lines.contains("component instances utilisation (theory) wait mean (theory) wait p99 (theory) self p99"),
            "\(r.out)")
        #expect(lines.contains { $0.hasPrefix("server 1.00 ") && $0.contains(" 90.00 % ") }, "\(r.out)")
        #expect(!r.out.contains("utilization.server"))
        let all = capsim(["run", scenarioPath("mm1.yaml"), "--all"] + short)
        #expect(all.status == 0 && all.out.contains("utilization.server") && !all.out.contains("component "))
    }

    @Test("same scenario and seed: byte-identical CSV and JSON, whatever the thread count")
    func determinism() throws {
        let dir = temporaryDirectory()
        var outputs: [String] = []
        for jobs in ["1", "2", "3"] {
            let csv = dir.appendingPathComponent("r\(jobs).csv").path
            let json = dir.appendingPathComponent("r\(jobs).json").path
            let r = capsim(
                ["run", scenarioPath("tandem.yaml"), "-q", "--jobs", jobs, "--csv", csv, "--json", json] + short)
            #expect(r.status == 0)
            outputs.append(
                try String(contentsOfFile: csv, encoding: .utf8) + String(contentsOfFile: json, encoding: .utf8))
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
        #expect(!outputs[0].isEmpty)
        let csv = try String(contentsOfFile: dir.appendingPathComponent("r1.csv").path, encoding: .utf8)
        let header = csv.split(separator: "\n")[0]
        #expect(
            header.hasPrefix(
                "scenario,file,scenario_hash,seed,replications,capsim_version,schema_version,latency.mean,latency.mean.hw95,latency.stddev,latency.stddev.hw95,latency.p50,"
            ))
        #expect(csv.split(separator: "\n").count == 2)
    }

    @Test("a different seed gives different results; the same seed the same")
    func seeds() {
        let a = capsim(["run", scenarioPath("mm1.yaml"), "--csv", "-", "--seed", "1"] + short).out
        let b = capsim(["run", scenarioPath("mm1.yaml"), "--csv", "-", "--seed", "2"] + short).out
        let c = capsim(["run", scenarioPath("mm1.yaml"), "--csv", "-", "--seed", "1"] + short).out
        #expect(a != b)
        #expect(a == c)
    }

    @Test("exit codes: 64 usage, 65 invalid scenario, 66 missing file, 73 output not created")
    func exitCodes() {
        #expect(capsim(["run"]).status == 64)
        #expect(capsim(["frobnicate"]).status == 64)
        #expect(capsim(["run", scenarioPath("mm1.yaml"), "--jobs", "0"]).status == 64)
        #expect(capsim(["run", scenarioPath("mm1.yaml"), "--set", "nonsense"]).status == 64)
        let missing = capsim(["run", "/nonexistent/x.yaml"])
        #expect(missing.status == 66)
        #expect(missing.err == "/nonexistent/x.yaml: error: cannot read the scenario file: no such file\n")
        let invalid = capsim(["run", scenarioPath("mm1.yaml"), "--set", "components.server.workers=-2"])
        #expect(invalid.status == 65)
        #expect(
            invalid.err
                == "--set components.server.workers=-2: error: components.server.workers: expected a whole number ≥ 1, found -2\n1 problem in \(scenarioPath("mm1.yaml"))\n"
        )
        let unwritable = capsim(["run", scenarioPath("mm1.yaml"), "--csv", "/nonexistent/dir/out.csv"] + short)
        #expect(unwritable.status == 73)
        #expect(unwritable.err.hasPrefix("/nonexistent/dir/out.csv: error: cannot create the output file"))
    }

    @Test("an invalid scenario writes no output file at all")
    func noPartialOutput() {
        let dir = temporaryDirectory()
        let csv = dir.appendingPathComponent("out.csv").path
        let r = capsim(["run", scenarioPath("mm1.yaml"), "--csv", csv, "--set", "horizon=soon"])
        #expect(r.status == 65)
        #expect(!FileManager.default.fileExists(atPath: csv))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.isEmpty == true)
    }

    @Test("an overloaded design is reported as unstable, not simulated forever")
    func overloaded() {
        let r = capsim([
            "run", scenarioPath("mm1.yaml"), "-q", "--set", "workload.arrivals.rate=5000/s",
            "--set", "horizon=1h", "--replications", "1",
        ])
        #expect(r.status == 65)
        #expect(r.err.contains("the design is overloaded"))
    }

    @Test("--version and help")
    func versionAndHelp() {
        let v = capsim(["--version"])
        #expect(v.status == 0 && v.out == "capsim 0.1.0\n")
        let h = capsim(["run", "--help"])
        #expect(h.status == 0)
        #expect(h.out.contains("capsim run Scenarios/mm1.yaml --set horizon=5m --replications 4 --csv -"))
    }

    @Test("validate shows offered load against capacity")
    func validate() {
        let r = capsim(["validate", scenarioPath("tandem.yaml")])
        #expect(r.status == 0)
        #expect(
            r.out == """
                \(scenarioPath("tandem.yaml")): ok — tandem, 3 component(s), 10 replications, seed 42
                  edge: offered 600.00/s, utilisation 60.0 %, mean wait 1.500 ms (Erlang C, M/M/1), wait p99 10.236 ms
                  app: offered 600.00/s, utilisation 48.0 %, mean wait 738.462 µs (Erlang C, M/M/1), wait p99 5.956 ms
                  store: offered 600.00/s, utilisation 30.0 %, mean wait 214.286 µs (Erlang C, M/M/1), wait p99 2.429 ms

                """)
        // A database's busiest node: the replica takes every read, 1800/s × 4 ms on 12 workers;
        // the primary the writes, 200/s × 4 ms.
        let db = capsim(["validate", scenarioPath("three-tier.yaml")])
        #expect(db.out.contains("  db: offered 2000.00/s, utilisation 60.0 % at the busiest instance"), "\(db.out)")
        let replicas = capsim(["validate", scenarioPath("read-replicas.yaml")])
        #expect(
            replicas.out.contains("  db: offered 1650.00/s, utilisation 18.8 % at the busiest instance"),
            "\(replicas.out)")
        // Node by node: 150 writes/s × 4 ms on the primary's 32 workers; a sync write holds its
        // worker one mean lag (30 ms) longer, and its caller waits for it too.
        #expect(
            replicas.out.contains(
                "    db: offered 1650.00/s, utilisation 18.8 % at the busiest instance (primary 1.9 %, replica1 18.8 %, replica2 18.8 %), no wait estimate for a database"
            ), "\(replicas.out)")
        #expect(replicas.out.contains("(primary 15.9 %, replica1 18.8 %, replica2 18.8 %)"), "\(replicas.out)")
        let replicasJSON = capsim(["validate", scenarioPath("read-replicas.yaml"), "--format", "json"])
        #expect(
            replicasJSON.out.contains(#""nodes": ["#) && replicasJSON.out.contains(#""name": "replica2""#),
            "\(replicasJSON.out)")
        let over = capsim(["validate", scenarioPath("mm1.yaml"), "--set", "workload.arrivals.rate=1200/s"])
        #expect(
            over.out.contains(
                "server: offered 1200.00/s, utilisation 120.0 %  — UNSTABLE: offered load exceeds capacity"))
    }

    @Test("every shipped scenario validates and runs (shortened)")
    func shippedScenarios() throws {
        let files = try shippedScenarioFiles()
        #expect(files.count >= 8)
        for f in files {
            let r = capsim(["run", scenarioPath(f), "-q", "--replications", "2"] + (try smokeShortening(f)))
            #expect(r.status == 0, "\(f): \(r.err)")
        }
    }
}
