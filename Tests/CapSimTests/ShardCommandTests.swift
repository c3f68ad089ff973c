import CapSimCLI
import CapSimTestSupport
import Foundation
import Testing

/// Runs the CLI in-process with these environment variables (for `--shard auto/N`).
private func capsim(_ args: [String], environment: [String: String]) -> (status: Int32, out: String, err: String) {
    let c = Captured()
    var console = c.console
    console.environment = environment
    let status = CapSimCommand.main(arguments: args, console: console)
    return (status, c.stdout, c.stderr)
}

private func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

/// Expects the same reports, naming the first that differs and its first differing line (the
/// reports are far too long to print whole).
private func expectSame(
    _ got: [String], _ want: [String], _ what: String, names: [String] = ["CSV", "JSON", "per-replication CSV"],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for (k, (a, b)) in zip(got, want).enumerated() where a != b {
        let line = zip(a.split(separator: "\n"), b.split(separator: "\n")).first { $0 != $1 }
        Issue.record(
            "\(what): the \(k < names.count ? names[k] : "report \(k)") differs: \(line.map { "'\($0.0)' against '\($0.1)'" } ?? "in length")",
            sourceLocation: sourceLocation)
        return
    }
    #expect(got.count == want.count, sourceLocation: sourceLocation)
}

/// Scale-out (README "Scale-out"): the task table, shards and their merge.
@Suite("Shards and merge")
struct ShardCommandTests {
    /// A sweep of two designs, 5 replications each: 10 tasks.
    static let sweep = [
        scenarioPath("mmc.yaml"), "--sweep", "components.pool.workers=8,9", "--replications", "5", "--set",
        "horizon=20s", "--set", "warmup=2s",
    ]

    /// Runs `scenario` as `shards` shards (in reverse order, to show order does not matter) into a
    /// new folder, and returns it.
    func shard(_ scenario: [String], _ shards: Int, jobs: String = "1") -> URL {
        let dir = temporaryDirectory().appendingPathComponent("shards")
        for i in (0..<shards).reversed() {
            let r = capsim(["run"] + scenario + ["--shard", "\(i)/\(shards)", "--out", dir.path, "-q", "--jobs", jobs])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out == "" && r.err == "")
        }
        return dir
    }

    /// The CSV, JSON and per-replication CSV of `command` (run's arguments, or merge's).
    func reports(_ command: [String]) -> [String] {
        let dir = temporaryDirectory()
        let (csv, json, long) = (
            dir.appendingPathComponent("r.csv"), dir.appendingPathComponent("r.json"),
            dir.appendingPathComponent("long.csv")
        )
        let r = capsim(command + ["-q", "--csv", csv.path, "--json", json.path, "--per-replication", long.path])
        #expect(r.status == 0, "\(r.err)")
        return [read(csv), read(json), read(long)]
    }

    @Test("tasks: the count, or each task as JSON, by design then replication")
    func taskTable() throws {
        #expect(capsim(["tasks", scenarioPath("mm1.yaml")]).out == "10\n")
        #expect(capsim(["tasks"] + Self.sweep).out == "10\n")
        let r = capsim(["tasks", scenarioPath("mm1.yaml"), scenarioPath("md1.yaml"), "--replications", "2", "--json"])
        #expect(r.status == 0)
        let tasks = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(tasks.map { $0["task"] as? Int } == [0, 1, 2, 3])
        #expect(tasks.map { $0["replication"] as? Int } == [0, 1, 0, 1])
        #expect(tasks.map { $0["file"] as? String } == [scenarioPath("mm1.yaml")] * 2 + [scenarioPath("md1.yaml")] * 2)
        let swept = capsim(["tasks", "--json"] + Self.sweep).out
        let points = try #require(try JSONSerialization.jsonObject(with: Data(swept.utf8)) as? [[String: Any]])
        #expect(points.map { $0["point"] as? Int } == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        #expect((points[5]["axes"] as? [String: String]) == ["components.pool.workers": "9"])
    }

    @Test("1, 3 and 7 shards, run in any order, merge into the CSV and JSON of a single run, byte for byte")
    func mergeIsSingleRun() {
        let plain = reports(["run"] + Self.sweep)
        #expect(plain.allSatisfy { !$0.isEmpty })
        for n in [1, 3, 7] {
            let dir = shard(Self.sweep, n, jobs: n == 3 ? "2" : "1")
            expectSame(reports(["merge", dir.path]), plain, "\(n) shards")
        }
        // More shards than tasks: the empty ones write a file too, and merge as well.
        expectSame(reports(["merge", shard(Self.sweep, 12).path]), plain, "12 shards")
        // The table printed is the run's.
        let table = capsim(["run"] + Self.sweep).out
        #expect(capsim(["merge", shard(Self.sweep, 3).path]).out == table)
    }

    @Test("a sequential SLO plan and warmup: auto merge as check and run report them")
    func gateAndWarmup() {
        let gate = [scenarioPath("slo-gate.yaml"), "--set", "horizon=20s"]
        let dir = temporaryDirectory()
        let junitPlain = dir.appendingPathComponent("plain.xml").path
        let junitMerged = dir.appendingPathComponent("merged.xml").path
        let plain = capsim(["check"] + gate + ["--json", "-", "--junit", junitPlain])
        let shards = shard(gate, 3)
        let merged = capsim(["merge", shards.path, "--check", "--json", "-", "--junit", junitMerged])
        #expect(merged.status == plain.status)
        #expect(merged.out == plain.out && !plain.out.isEmpty)
        #expect(read(URL(fileURLWithPath: junitMerged)) == read(URL(fileURLWithPath: junitPlain)))
        #expect(capsim(["merge", shards.path]).out == capsim(["run"] + gate).out)
        let auto = [scenarioPath("mm1.yaml"), "--set", "warmup=auto", "--set", "horizon=30s", "--replications", "4"]
        let warm = reports(["merge", shard(auto, 3).path])
        expectSame(warm, reports(["run"] + auto), "warmup: auto")
        #expect(warm[1].contains("\"method\": \"MSER-5\""))
    }

    @Test("size over shards: every setting in the table, and the merge searches as size does, byte for byte")
    func sizing() throws {
        let base = [scenarioPath("sizing.yaml"), "--set", "horizon=1m", "--set", "warmup=5s"]
        for vary in [
            ["--vary", "components.pool.workers=8..14"],
            ["--vary", "components.pool.instances=1..2", "--vary", "components.pool.workers=5..12"],
        ] {
            let args = base + vary
            let settings = vary.count == 2 ? 7 : 16
            #expect(capsim(["tasks"] + args).out == "\(settings * 40)\n")  // the plan's maximum, 40 each
            let dir = temporaryDirectory()
            func sized(_ command: [String]) -> [String] {
                let csv = dir.appendingPathComponent("p.csv").path
                let json = dir.appendingPathComponent("p.json").path
                let r = capsim(command + ["--csv", csv, "--json", json])
                #expect(r.status == 0, "\(r.err)")
                return [r.out, read(URL(fileURLWithPath: csv)), read(URL(fileURLWithPath: json))]
            }
            let plain = sized(["size"] + args)
            #expect(plain[0].contains("cheapest passing: "))
            for n in [1, 3] {
                let shards = dir.appendingPathComponent("shards-\(n)")
                for i in 0..<n {
                    let r = capsim(["size"] + args + ["--shard", "\(i)/\(n)", "--out", shards.path, "-q"])
                    #expect(r.status == 0, "\(r.err)")
                }
                expectSame(
                    sized(["merge", shards.path]), plain, "\(vary), \(n) shards", names: ["output", "CSV", "JSON"])
                #expect(
                    capsim(["merge", shards.path, "--html", dir.appendingPathComponent("x.html").path]).status == 64)
            }
            try FileManager.default.removeItem(at: dir.appendingPathComponent("shards-3/shard-2-of-3.capsim-shard"))
            let missing = capsim(["merge", dir.appendingPathComponent("shards-3").path])
            #expect(missing.status == 75)
            #expect(
                missing.err.contains(" --set horizon=1m --set warmup=5s \(vary.joined(separator: " ")) --tasks 2,5,8,"))
            #expect(missing.err.contains("capsim size \(scenarioPath("sizing.yaml"))"))
        }
        let noSLOs = capsim([
            "size", scenarioPath("mm1.yaml"), "--vary", "components.server.workers=1..2", "--shard", "0/2", "--out",
            temporaryDirectory().path,
        ])
        #expect(noSLOs.status == 65 && noSLOs.err.contains("nothing to size for"))
    }

    @Test("a missing shard is named with the --tasks that rerun it; the rerun completes the merge")
    func missingTasks() throws {
        let plain = reports(["run"] + Self.sweep)
        let dir = shard(Self.sweep, 3)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("shard-1-of-3.capsim-shard"))
        let out = dir.deletingLastPathComponent().appendingPathComponent("out.csv")
        let r = capsim(["merge", dir.path, "--csv", out.path])
        #expect(r.status == 75)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(r.err.hasPrefix("capsim: error: 3 of 10 tasks are in no shard file: 1,4,7\n"))
        #expect(r.err.contains("every task of shard 1/3: its file is missing"))
        #expect(
            r.err.hasSuffix(
                " --set horizon=20s --set warmup=2s --set 'sweep.components.pool.workers=[8,9]' --set replications=5 --tasks 1,4,7 --out \(dir.path)\n"
            ), "\(r.err)")
        let rerun = capsim(["run"] + Self.sweep + ["--tasks", "1,4,7", "--out", dir.path])
        #expect(rerun.status == 0)
        #expect(rerun.out.hasPrefix("capsim: tasks 1,4,7: 3 of 10 tasks (2 designs) written to \(dir.path)/tasks-"))
        expectSame(reports(["merge", dir.path]), plain, "after the rerun")
        // Two shards, one task missing from the middle.
        let two = shard(Self.sweep, 2)
        let partial = capsim(["run"] + Self.sweep + ["--tasks", "0-1,3,5-9", "--out", two.path + "-part"])
        #expect(partial.status == 0)
        let gap = capsim(["merge", two.path + "-part"])
        #expect(gap.status == 75)
        #expect(gap.err.hasPrefix("capsim: error: 2 of 10 tasks are in no shard file: 2,4\nrerun them"), "\(gap.err)")
        let last = capsim(["run"] + Self.sweep + ["--tasks", "0-8", "--out", two.path + "-last", "-q"])
        #expect(last.status == 0)
        #expect(
            capsim(["merge", two.path + "-last"]).err.hasPrefix("capsim: error: 1 of 10 tasks is in no shard file: 9\n")
        )
    }

    @Test("a truncated, damaged, duplicated or foreign shard file is named and nothing is merged (exit 65)")
    func badFiles() throws {
        let dir = shard(Self.sweep, 3)
        let name = dir.appendingPathComponent("shard-1-of-3.capsim-shard")
        let good = try Data(contentsOf: name)
        let out = dir.deletingLastPathComponent().appendingPathComponent("out.csv")
        func merge() -> (status: Int32, out: String, err: String) {
            let r = capsim(["merge", dir.path, "--csv", out.path])
            #expect(!FileManager.default.fileExists(atPath: out.path))
            return r
        }
        for cut in [0, 7, 100, good.count / 2, good.count - 1] {
            try good.prefix(cut).write(to: name)
            let r = merge()
            #expect(r.status == 65, "cut at \(cut)")
            #expect(r.err.hasPrefix("capsim: error: \(name.path): "), "\(r.err)")
            #expect(r.err.hasSuffix("; nothing was merged\n"))
        }
        try good.prefix(good.count - 1).write(to: name)
        #expect(merge().err.contains(": truncated or incomplete: it does not end with the end marker"))
        // One byte changed anywhere: in the manifest, in a histogram, in the checksum itself.
        for offset in [40, good.count / 2, good.count - 3] {
            var bad = good
            bad[offset] ^= 0x20
            try bad.write(to: name)
            let r = merge()
            #expect(r.status == 65)
            #expect(r.err.contains("\(name.path): damaged: its checksum does not match"), "\(r.err)")
        }
        try good.write(to: name)
        try good.write(to: dir.appendingPathComponent("again.capsim-shard"))
        let twice = merge()
        #expect(twice.status == 65)
        #expect(twice.err.contains("task 1 is in both"), "\(twice.err)")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("again.capsim-shard"))
        let other = shard(Self.sweep + ["--seed", "8"], 3)
        try FileManager.default.copyItem(
            at: other.appendingPathComponent("shard-0-of-3.capsim-shard"),
            to: dir.appendingPathComponent("zz.capsim-shard"))
        let foreign = merge()
        #expect(foreign.status == 65)
        #expect(foreign.err.contains("are shards of different runs: they differ in 'overrides'"), "\(foreign.err)")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("zz.capsim-shard"))
        // The merge itself works again, and a folder without shard files is missing input.
        #expect(capsim(["merge", dir.path, "-q"]).status == 0)
        #expect(capsim(["merge", temporaryDirectory().path]).status == 66)
        #expect(capsim(["merge", "/nonexistent/shards"]).status == 66)
    }

    @Test("a scenario changed after its shards ran is refused")
    func changedScenario() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("s.yaml")
        let text = try String(contentsOfFile: scenarioPath("mm1.yaml"), encoding: .utf8)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let args = [file.path, "--replications", "2", "--set", "horizon=5s", "--set", "warmup=1s"]
        let shards = shard(args, 2)
        #expect(capsim(["merge", shards.path, "-q"]).status == 0)
        try (text + "\ndescription: changed\n").write(to: file, atomically: true, encoding: .utf8)
        let r = capsim(["merge", shards.path, "-q"])
        #expect(r.status == 65)
        #expect(r.err.contains("\(file.path): error: not the scenario the shards ran"), "\(r.err)")
        try FileManager.default.removeItem(at: file)
        #expect(capsim(["merge", shards.path, "-q"]).status == 66)
    }

    @Test("--max-events and an overloaded design: the merge gives run's bytes and run's exit 65; shards exit 0")
    func limits() {
        for args in [
            [
                scenarioPath("mm1.yaml"), "--replications", "4", "--set", "horizon=20s", "--set", "warmup=2s",
                "--max-events", "20000",
            ],
            [
                scenarioPath("mm1.yaml"), "--replications", "2", "--set", "horizon=1h", "--set",
                "workload.arrivals.rate=5000/s",
            ],
        ] {
            let plain = capsim(["run"] + args + ["-q", "--json", "-"])
            #expect(plain.status == 65)
            let merged = capsim(["merge", shard(args, 2).path, "-q", "--json", "-"])
            #expect(merged.status == 65)
            #expect(merged.out == plain.out && merged.err == plain.err && !plain.err.isEmpty)
        }
    }

    @Test("SIGTERM during a shard: no shard file, no temporary file, exit 143")
    func interrupted() throws {
        let binary = InterruptionTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("no capsim binary at \(binary): build with swift build --build-tests")
            return
        }
        let dir = temporaryDirectory().appendingPathComponent("shards")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // 200 replications of about 0.2 s each: the shard cannot finish before the signal.
        process.arguments = [
            "run", scenarioPath("mm1.yaml"), "--set", "horizon=1000s", "--replications", "400", "--shard", "0/2",
            "--out", dir.path,
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        // Signal once the temporary file exists: the shard is under way.
        for _ in 0..<600 {
            if let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path), !names.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        process.terminate()
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143, "\(err)")
        #expect(err == "capsim: interrupted by SIGTERM during a shard of 200 tasks; no shard file was written\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("--shard auto/N takes its index from the job runner's variable, or says which to set")
    func autoIndex() {
        let args = [
            "run", scenarioPath("mm1.yaml"), "--replications", "3", "--set", "horizon=5s", "--set", "warmup=1s",
            "--shard", "auto/3",
        ]
        let none = capsim(args + ["--out", temporaryDirectory().path], environment: [:])
        #expect(none.status == 64)
        #expect(none.err.contains("none of SLURM_ARRAY_TASK_ID (Slurm job arrays), JOB_COMPLETION_INDEX"))
        for variable in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] {
            let dir = temporaryDirectory()
            let r = capsim(args + ["--out", dir.path], environment: [variable: "2"])
            #expect(r.status == 0, "\(variable): \(r.err)")
            #expect(
                FileManager.default.fileExists(atPath: dir.appendingPathComponent("shard-2-of-3.capsim-shard").path))
        }
        let beyond = capsim(args + ["--out", temporaryDirectory().path], environment: ["SLURM_ARRAY_TASK_ID": "3"])
        #expect(beyond.status == 64)
        #expect(beyond.err.contains("SLURM_ARRAY_TASK_ID is 3, but the shards of auto/3 are 0 to 2"))
        #expect(
            capsim(args + ["--out", temporaryDirectory().path], environment: ["JOB_COMPLETION_INDEX": "x"]).status == 64
        )
    }

    @Test("usage: what a shard cannot write, and tasks beyond the table")
    func usage() {
        let base = ["run", scenarioPath("mm1.yaml"), "--replications", "3"]
        let out = ["--out", temporaryDirectory().path]
        for extra in [["--csv", "-"], ["--json", "x.json"], ["--html", "x.html"], ["--strict"], ["--all"]] {
            let r = capsim(base + ["--shard", "0/2"] + out + extra)
            #expect(r.status == 64, "\(extra)")
            #expect(r.err.contains("writes only its shard file"))
        }
        #expect(capsim(base + ["--shard", "0/2"]).status == 64)  // no --out
        #expect(capsim(base + out).status == 64)  // --out alone
        #expect(capsim(base + ["--shard", "2/2"] + out).status == 64)
        #expect(capsim(base + ["--shard", "1/0"] + out).status == 64)
        #expect(capsim(base + ["--shard", "0/2", "--tasks", "1"] + out).status == 64)
        #expect(capsim(base + ["--tasks", "1,x"] + out).status == 64)
        let beyond = capsim(base + ["--tasks", "1,3"] + out)
        #expect(beyond.status == 64)
        #expect(beyond.err.contains("task 3 is not in the table, whose 3 tasks are 0 to 2"))
        #expect(capsim(["merge", temporaryDirectory().path, "--junit", "x.xml"]).status == 64)
    }
}

extension Array {
    fileprivate static func * (items: Array, n: Int) -> Array { (0..<n).flatMap { _ in items } }
}
