import CapSimCLI
import CapSimTestSupport
import Foundation
import ScenarioLanguage
import Testing
import Theory

#if canImport(Glibc)
import Glibc
#endif

/// The scenario language's commands — validate, show, schema — plus completions, help and the
/// exit-code contract, with exact texts.
@Suite("Scenario language on the command line")
struct LanguageCLITests {
    @Test("validate: offered load, utilisation and the Erlang C / Allen–Cunneen mean wait per component")
    func validateText() {
        let tandem = capsim(["validate", scenarioPath("tandem.yaml")])
        #expect(tandem.status == 0 && tandem.err == "")
        #expect(
            tandem.out == """
                \(scenarioPath("tandem.yaml")): ok — tandem, 3 component(s), 10 replications, seed 42
                  edge: offered 600.00/s, utilisation 60.0 %, mean wait 1.500 ms (Erlang C, M/M/1), wait p99 10.236 ms
                  app: offered 600.00/s, utilisation 48.0 %, mean wait 738.462 µs (Erlang C, M/M/1), wait p99 5.956 ms
                  store: offered 600.00/s, utilisation 30.0 %, mean wait 214.286 µs (Erlang C, M/M/1), wait p99 2.429 ms

                """)
        #expect(
            capsim(["validate", scenarioPath("mg1-lognormal.yaml")]).out.hasSuffix(
                """
                  server: offered 700.00/s, utilisation 70.0 %, mean wait 3.792 ms (Pollaczek–Khinchine, M/G/1; Erlang C for M/M/1: 2.333 ms)

                """))
        #expect(
            capsim(["validate", scenarioPath("mmc-10-workers.yaml")]).out == """
                \(scenarioPath("mmc-10-workers.yaml")): ok — mm10, 1 component(s), 10 replications, seed 42
                  pool: offered 7200.00/s, utilisation 72.0 %, mean wait 90.573 µs (Erlang C, M/M/10), wait p99 1.155 ms

                """)
        #expect(
            capsim(["validate", scenarioPath("erlang-b.yaml")]).out.hasSuffix(
                "  trunk: offered 800.00/s, utilisation 80.0 %, M/G/10/10 (Erlang B): turns away 12.17 % (queue_full), utilisation 70.3 % carried, no waiting\n"
            ))
        #expect(
            capsim(["validate", scenarioPath("mmck.yaml")]).out.hasSuffix(
                "  pool: offered 2400.00/s, utilisation 120.0 %  — OVERLOADED: at least 16.7 % of its requests will be turned away (queue_full); M/M/2/5: turns away 26.39 % (queue_full), utilisation 88.3 % carried, mean wait 800.738 µs, wait p99 3.553 ms\n"
            ))
        // Lognormal service with a waiting room behind least_outstanding: one M/M/c/K queue over
        // all four instances with the service's mean, marked ≈. Its holding time includes the
        // app's service and wait (85.0 % with the service alone; 88.0 % measured).
        #expect(
            capsim(["validate", scenarioPath("three-tier.yaml")]).out.contains(
                "  web: offered 2000.00/s, utilisation 86.4 %, M/M/40/1064 (one queue over all instances: a floor for joining the shortest queue; the service's mean, the wait scaled for its variability): turns away < 0.01 % (queue_full), utilisation ≈ 86.4 % carried, mean wait ≈ "
            ))
        // The balancing policy's model of the wait, beside Erlang C's independent instances.
        let policies = capsim(["validate", scenarioPath("lb-policies.yaml")]).out
        for line in [
            "web: offered 7200.00/s, utilisation 90.0 %, mean wait ≈ 4.781 ms (E8/M/1: round robin gives each instance one arrival in 8; Erlang C per instance, M/M/1: 9.000 ms)",
            "web: offered 7200.00/s, utilisation 90.0 %, mean wait 9.000 ms (Erlang C, M/M/1), wait p99 44.998 ms",
            "web: offered 7200.00/s, utilisation 90.0 %, mean wait ≈ 876.916 µs (one queue over all instances, M/M/8: a floor for joining the shortest queue; Erlang C per instance, M/M/1: 9.000 ms)",
            "web: offered 7200.00/s, utilisation 90.0 %, mean wait ≈ 1.614 ms (power of 2 choices, mean field; Erlang C per instance, M/M/1: 9.000 ms)",
        ] {
            #expect(policies.contains("    " + line + "\n"), "\(line)")
        }
        let unstable = capsim(["validate", scenarioPath("mm1.yaml"), "--set", "workload.arrivals.rate=1200/s"])
        #expect(unstable.status == 0)
        #expect(
            unstable.out.hasSuffix(
                "  server: offered 1200.00/s, utilisation 120.0 %  — UNSTABLE: offered load exceeds capacity\n"))
        let delay = capsim(["validate", scenarioPath("mm1.yaml"), "--set", "components.server.workers=unlimited"])
        #expect(delay.out.hasSuffix("  server: offered 900.00/s, unlimited workers (no waiting)\n"))
        let split = capsim(["validate", scenarioPath("mm1.yaml"), "--set", "components.server.instances=2"])
        #expect(
            split.out.hasSuffix(
                "  server: offered 900.00/s, utilisation 45.0 %, mean wait ≈ 487.253 µs (E2/M/1: round robin gives each instance one arrival in 2; Erlang C per instance, M/M/1: 818.182 µs)\n"
            ))
        let sweep = capsim(["validate", scenarioPath("mmc.yaml"), "--set", "sweep={components.pool.workers: [8, 10]}"])
        #expect(
            sweep.out.hasSuffix(
                """
                  components.pool.workers=8:
                    pool: offered 7200.00/s, utilisation 90.0 %, mean wait 876.916 µs (Erlang C, M/M/8), wait p99 5.313 ms
                  components.pool.workers=10:
                    pool: offered 7200.00/s, utilisation 72.0 %, mean wait 90.573 µs (Erlang C, M/M/10), wait p99 1.155 ms

                """))
    }

    @Test("the variant mmc-10-workers.yaml is M/M/10: Erlang C, as validate estimates it")
    func variantTheory() throws {
        let run = try Run("mmc-10-workers.yaml", ["horizon=60s", "warmup=6s", "replications=20"])
        let wait = Queueing.erlangC(servers: 10, load: 7.2) / (10_000 - 7_200)
        run.expectMatches("hop.pool.wait.mean", wait)
        run.expectMatches("utilization.pool", 0.72)
        expectConservation(run)
        #expect(abs(run.scenario.model.offeredLoad()[0].erlangCMeanWait! - wait) <= wait * 1e-12)
    }

    @Test("validate --format json: the report for tools, exit 0 even when unstable")
    func validateJSON() throws {
        let r = capsim(["validate", scenarioPath("mmc.yaml"), "--format", "json"])
        #expect(r.status == 0 && r.err == "")
        let hash = try ScenarioLoader.load(path: scenarioPath("mmc.yaml")).hash
        #expect(
            r.out == """
                {
                  "file": "\(scenarioPath("mmc.yaml"))",
                  "ok": true,
                  "name": "mm8",
                  "hash": "\(hash)",
                  "diagnostics": [],
                  "stations": [
                    {
                      "name": "pool",
                      "arrival_rate": 7200,
                      "utilization": 0.9,
                      "unstable": false,
                      "overloaded": false,
                      "erlang_c_mean_wait": 0.0008769162376828213,
                      "mean_wait_estimate": 0.0008769162376828213,
                      "wait_model": "independent",
                      "wait_quantiles": {
                        "p50": 0.000423324785025763,
                        "p90": 0.0024351221755683893,
                        "p95": 0.0033015561512683197,
                        "p99": 0.005313353541810946,
                        "p999": 0.008191584908053504
                      }
                    }
                  ]
                }

                """)
        // A bounded queue's M/M/c/K figures.
        let bounded = capsim(["validate", scenarioPath("mmck.yaml"), "--format", "json"])
        let pool = try #require(
            ((try JSONSerialization.jsonObject(with: Data(bounded.out.utf8)) as? [String: Any])?["stations"]
                as? [[String: Any]])?.first)
        let blocking = Queueing.mmckBlocking(servers: 2, capacity: 5, load: 2.4)
        #expect(abs((pool["blocking"] as? Double ?? 0) - blocking) < 1e-12)
        #expect(abs((pool["carried_utilization"] as? Double ?? 0) - 1.2 * (1 - blocking)) < 1e-12)
        #expect(pool["wait_probability"] is Double && pool["mean_in_system"] is Double)
        #expect(pool["wait_model"] as? String == "independent")
        let over = capsim([
            "validate", scenarioPath("mm1.yaml"), "--format", "json", "--set", "workload.arrivals.rate=1200/s",
        ])
        #expect(over.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(over.out.utf8)) as? [String: Any]
        let station = (parsed?["stations"] as? [[String: Any]])?.first
        #expect(station?["unstable"] as? Bool == true)
        #expect(station?["erlang_c_mean_wait"] is NSNull)
    }

    @Test("validate --format json on a bad scenario: every diagnostic, exit 65; a missing file, exit 66")
    func validateJSONErrors() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml").path
        try
            "version: 1\nhorizon: 1:30\nworkload:\n  arrivals: {process: poisson, rate: 1/s}\ncomponents:\n  web: {kind: server_pool, balance: round-robin, service: {exponential: {mean: 1ms}}}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = capsim(["validate", file, "--format", "json", "--set", "seed=x"])
        #expect(r.status == 65 && r.err == "")
        #expect(
            r.out == """
                {
                  "file": "\(file)",
                  "ok": false,
                  "name": null,
                  "hash": null,
                  "diagnostics": [
                    {
                      "file": "\(file)",
                      "line": 2,
                      "column": 10,
                      "override": null,
                      "key_path": "horizon",
                      "message": "expected a duration unit (ns, us, ms, s, m, h, d), found '1:30'",
                      "suggestion": null
                    },
                    {
                      "file": "\(file)",
                      "line": 6,
                      "column": 37,
                      "override": null,
                      "key_path": "components.web.balance",
                      "message": "expected one of round_robin, random, least_outstanding, power_of_two, weighted_round_robin, consistent_hash, found 'round-robin'",
                      "suggestion": "round_robin"
                    },
                    {
                      "file": null,
                      "line": null,
                      "column": null,
                      "override": "seed=x",
                      "key_path": "seed",
                      "message": "expected a whole number from 0 to 18446744073709551615, found 'x'",
                      "suggestion": null
                    }
                  ],
                  "stations": []
                }

                """)
        let missing = capsim(["validate", "/nonexistent/x.yaml", "--format", "json"])
        #expect(missing.status == 66 && missing.err == "")
        let parsed = try JSONSerialization.jsonObject(with: Data(missing.out.utf8)) as? [String: Any]
        #expect(parsed?["ok"] as? Bool == false)
        #expect(
            (parsed?["diagnostics"] as? [[String: Any]])?.first?["message"] as? String
                == "cannot read the scenario file: no such file")
    }

    @Test("errors on the terminal show the line and a caret")
    func snippets() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("s.yaml").path
        try
            "version: 1\nhorizon: 1:30\nworkload:\n  arrivals: {process: poisson, rate: 1/s}\ncomponents:\n  web: {kind: server_pool, service: {exponential: {mean: 1ms}}}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        for command in ["run", "validate", "show"] {
            let r = capsim([command, file])
            #expect(r.status == 65)
            #expect(r.out == "")
            #expect(
                r.err == """
                    \(file):2:10: error: horizon: expected a duration unit (ns, us, ms, s, m, h, d), found '1:30'
                      2 | horizon: 1:30
                        |          ^
                    1 problem in \(file)

                    """)
        }
    }

    @Test("show prints the resolved variant, which runs with the same hash")
    func show() throws {
        let r = capsim(["show", scenarioPath("mmc-10-workers.yaml")])
        let hash = try ScenarioLoader.load(path: scenarioPath("mmc-10-workers.yaml")).hash
        #expect(r.status == 0 && r.err == "")
        #expect(
            r.out == """
                # mm10: \(scenarioPath("mmc-10-workers.yaml")) resolved (scenario hash \(hash))
                version: 1
                name: mm10
                horizon: 10m
                warmup: 30s
                replications: 10
                seed: 42
                workload:
                  arrivals: {process: poisson, rate: 7200/s}
                components:
                  pool: {kind: server_pool, workers: 10, queue: unlimited, service: {exponential: {mean: 1ms}}}

                """)
        let saved = temporaryDirectory().appendingPathComponent("resolved.yaml")
        try r.out.write(to: saved, atomically: true, encoding: .utf8)
        #expect(try ScenarioLoader.load(path: saved.path).hash == hash)
        let overridden = capsim(["show", scenarioPath("mm1.yaml"), "--set", "name=yes", "--replications", "3"])
        #expect(overridden.out.contains("\nname: \"yes\"\n") && overridden.out.contains("\nreplications: 3\n"))
        #expect(capsim(["show", "/nonexistent/x.yaml"]).status == 66)
    }

    @Test("schema: to standard output, or atomically to a file; 73 when it cannot be created")
    func schema() throws {
        let r = capsim(["schema"])
        #expect(r.status == 0 && r.err == "")
        #expect(r.out == ScenarioSchema.text)
        let file = temporaryDirectory().appendingPathComponent("capsim.schema.json").path
        #expect(capsim(["schema", "--output", file]).status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == ScenarioSchema.text)
        let bad = capsim(["schema", "--output", "/nonexistent/dir/s.json"])
        #expect(bad.status == 73)
        #expect(
            bad.err
                == "/nonexistent/dir/s.json: error: cannot create the output file: the folder /nonexistent/dir does not exist\n"
        )
    }

    @Test("shell completions for bash, zsh and fish know every subcommand", arguments: ["bash", "zsh", "fish"])
    func completions(shell: String) {
        let r = capsim(["--generate-completion-script", shell])
        #expect(r.status == 0 && r.err == "")
        for sub in ["run", "validate", "show", "schema"] { #expect(r.out.contains(sub), "\(shell): \(sub)") }
        #expect(r.out.contains("format"))
        #expect(capsim(["--generate-completion-script", "tcsh"]).status == 64)
    }

    @Test("every command's help has examples", arguments: ["run", "check", "compare", "validate", "show", "schema"])
    func help(command: String) {
        let r = capsim([command, "--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("Examples:\n  capsim \(command) "), "\(command) --help has no examples")
        #expect(capsim(["help", command]).out == r.out)
    }

    @Test(
        "exit codes: every error maps to the contract, never to 1",
        arguments: [
            (["--bogus"], 64), (["validate"], 64), (["validate", "x.yaml", "--format", "xml"], 64),
            (["run", "x.yaml", "--jobs", "many"], 64), (["show", "x.yaml", "--set", "noequals"], 64),
            (["validate", "/nonexistent/x.yaml"], 66), (["show", "/"], 66), (["validate", "--help"], 0),
            (["--version"], 0),
        ] as [([String], Int32)])
    func exitCodes(arguments: [String], status: Int32) {
        #expect(capsim(arguments).status == status, "\(arguments)")
    }

    @Test("exit codes with exact messages: 66 for a directory or unreadable file, 65 for bad bytes")
    func exitMessages() throws {
        let dir = temporaryDirectory()
        #expect(
            capsim(["validate", dir.path]).err
                == "\(dir.path): error: cannot read the scenario file: it is a directory\n")
        let binary = dir.appendingPathComponent("b.yaml")
        try Data([0x76, 0xFF, 0xFE, 0x0A]).write(to: binary)
        let bytes = capsim(["validate", binary.path])
        #expect(bytes.status == 65)
        #expect(bytes.err == "\(binary.path): error: expected UTF-8 text\n1 problem in \(binary.path)\n")
        if geteuid() != 0 {
            let locked = dir.appendingPathComponent("locked.yaml")
            try "version: 1\n".write(to: locked, atomically: true, encoding: .utf8)
            chmod(locked.path, 0)
            let r = capsim(["validate", locked.path])
            #expect(r.status == 66)
            #expect(r.err == "\(locked.path): error: cannot read the scenario file: permission denied or unreadable\n")
        }
        let usage = capsim(["show", "x.yaml", "--set", "noequals"])
        #expect(usage.err == "--set noequals: error: expected KEY.PATH=VALUE, found no '='\n")
    }

    /// The built executable, beside the test bundle (`swift test` builds every product).
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("capsim")

    @Test(
        "interrupted: 130 for SIGINT, 143 for SIGTERM, and no output file left behind",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: binary.path),
            "needs the capsim executable beside the tests"),
        arguments: [(SIGINT, 130), (SIGTERM, 143)] as [(Int32, Int32)])
    func signals(signal: Int32, status: Int32) throws {
        let binary = Self.binary
        let dir = temporaryDirectory()
        let csv = dir.appendingPathComponent("out.csv").path
        var result: Int32 = -1
        // A signal that arrives before the handlers are installed kills the process outright;
        // wait longer and try again rather than report a machine's slowness as a failure.
        for wait in [0.5, 2, 5] {
            let pid = try spawn(
                binary.path,
                ["run", scenarioPath("mm1.yaml"), "-q", "--set", "horizon=100h", "--replications", "1", "--csv", csv])
            Thread.sleep(forTimeInterval: wait)
            kill(pid, signal)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
            // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
            if raw & 0x7F == 0 {
                result = (raw >> 8) & 0xFF
                break
            }
        }
        #expect(result == status)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.isEmpty == true)
    }

    /// Starts a process with no signals blocked. The test runs on a worker thread that blocks
    /// signals, and a child inherits its creator's mask (Foundation's `Process` keeps it), so a
    /// child started the ordinary way would never see SIGINT or SIGTERM.
    func spawn(_ path: String, _ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return pid
    }
}
