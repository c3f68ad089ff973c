import ArgumentParser
import Foundation
import Reporting
import ScenarioLanguage
import SimStats

#if canImport(Glibc)
import Glibc
#endif

/// `capsim merge DIR…`: the reports of a run from its shard files (README "Scale-out"). The files
/// are checked whole and against each other before anything is used; the scenarios are loaded
/// again as the shards loaded them and must have the hashes the shards ran; each design's
/// replications are then reduced in task order through the same code as a single run's
/// (`DesignRunner` with recorded results), so the CSV and JSON are byte for byte a single run's.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge shard files (run --shard) into the reports a single run gives, check's (--check) or size's.",
        discussion: """
            Reads every *.capsim-shard file of each folder given (or the files given), checks
            that they are shards of one run, loads the scenario files again (they must be
            unchanged: the hashes are compared), and reports as 'capsim run' would — or as
            'capsim check' would, with --check. Byte for byte the same CSV and JSON as a single
            run, however the tasks were split. The shards of 'capsim size … --shard' (every
            setting of its axes) merge as size: its search over them, its probe lines, answer,
            --csv, --json and --pareto.

            Exit status: as run (or check with --check); 65 when a shard file is damaged,
            truncated or from another run (it is named, and nothing is merged); 66 when a file
            cannot be read; 75 when tasks are in no shard file: they are listed with the command
            that reruns them (--tasks).

            Examples:
              capsim merge shards/ --csv results.csv --json results.json
              capsim merge shards/ --check --junit slo.xml
              capsim merge sizing-shards/ --csv probes.csv
              capsim merge a/shard-0-of-2.capsim-shard b/shard-1-of-2.capsim-shard -q --csv -
            """)

    @Argument(help: "Shard files, or folders of them (every *.capsim-shard inside).")
    var shards: [String]

    @OptionGroup var files: ReportFiles

    @OptionGroup var html: HTMLOptions

    @Option(help: "Error budget of the SLO verdicts, shared by all SLOs and looks.")
    var alpha: Double = 0.05

    @Flag(name: .shortAndLong, help: "Print no table.")
    var quiet = false

    @Flag(help: "Print every metric with its interval, instead of the headline and a row per component.")
    var all = false

    @Flag(help: "Exit 1 if an SLO fails, 2 if one is inconclusive (as `check` does).")
    var strict = false

    @OptionGroup var front: ParetoOptions

    @Flag(help: "Report as capsim check: the SLO tables, --junit, --markdown, --baseline and check's exit status.")
    var check = false

    @OptionGroup var gate: CheckOptions

    func validate() throws {
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, found \(alpha)") }
        if (files.paths + [front.paretoCSV]).filter({ $0 == "-" }).count > 1 {
            throw ValidationError("only one report can write to standard output ('-')")
        }
        if check {
            if all || strict || front.pareto != nil {
                throw ValidationError("--check reports as capsim check, which has no --all, --strict or --pareto")
            }
        } else if gate.junit != nil || gate.markdown != nil || gate.baseline != nil {
            throw ValidationError("--junit, --markdown and --baseline are check's reports: add --check")
        }
    }

    /// The table goes to standard output unless asked not to, or a file format goes there.
    var tableOnStandardOutput: Bool { !quiet && !(files.paths + [front.paretoCSV]).contains("-") }

    func run() throws {
        let console = Console.current
        for path in files.paths + [gate.junit, gate.markdown, front.paretoCSV] {
            if let path { try OutputFile.check(path) }
        }
        try html.check()
        let base = try check ? gate.loadBaseline() : nil
        let paths = try Self.shardFiles(shards)
        var contents: [ShardFile.Contents] = []
        for path in paths {
            let bytes = try MappedFile.open(path)
            do throws(ShardFile.Failure) { contents.append(try ShardFile.read(bytes)) } catch {
                throw CLIError(.invalidScenario, "capsim: error: \(error.message); nothing was merged")
            }
        }
        let set: ShardSet
        do throws(ShardFile.Failure) { set = try ShardSet(contents) } catch {
            throw CLIError(.invalidScenario, "capsim: error: \(error.message); nothing was merged")
        }
        try Self.checkVersions(set.manifest, file: paths[0])
        if set.manifest.command == "size" {
            let others: [(option: String, given: Bool)] = [
                ("--check", check), ("--per-replication", files.perReplication != nil), ("--html", html.path != nil),
                ("--all", all), ("--strict", strict),
            ]
            if let given = others.first(where: \.given) {
                throw CLIError(
                    .usage,
                    "\(given.option): these are the shards of capsim size, which merge into its reports: the probes, --csv, --json and --pareto"
                )
            }
        }
        let missing = set.missing
        if !missing.isEmpty { throw Self.missingTasks(missing, set: set, arguments: shards) }
        let table = try Self.reload(set.manifest)
        let runner = DesignRunner(
            jobs: 1, alpha: alpha, console: console, maxEvents: set.manifest.maxEvents, showProgress: false)
        let damage = Guarded<String?>(nil)
        /// Design d's report from its recorded replications, through a single run's code.
        func report(_ d: Int) throws -> RunReport? {
            let design = table.designs[d]
            let first = design.first
            let recorded = DesignRunner.Recorded(warmup: set.warmups[d]) { k in
                do throws(ShardFile.Failure) { return try set.result(task: first + k) } catch {
                    damage.withLock { if $0 == nil { $0 = error.message } }
                    return nil
                }
            }
            if design.scenario.autoWarmup && recorded.warmup == nil {
                throw CLIError(
                    .invalidScenario,
                    "capsim: error: no shard file records the warm-up of \(design.scenario.name) (warmup: auto); nothing was merged"
                )
            }
            let report = runner.run(design.scenario, recorded: recorded)
            // A file that changed under the merge (it was read whole and checked before).
            if let message = damage.withLock({ $0 }) {
                throw CLIError(.invalidScenario, "capsim: error: \(message); nothing was merged")
            }
            return report
        }
        if set.manifest.command == "size" {
            // The search of `capsim size`, probing the settings it visits among those the shards ran.
            let search = try Self.sizing(set.manifest)
            // A setting's place in the grid: the last axis varies fastest.
            let counts = search.axes.map(\.values.count)
            let place = { (setting: [Int]) in zip(setting, counts).reduce(0) { $0 * $1.1 + $1.0 } }
            try SizeCommand.search(
                search, console: console, quiet: quiet, csv: files.csv, json: files.json, front: front,
                design: { table.designs[place($0)].scenario }, run: { setting, _ in try report(place(setting)) })
            return
        }
        if check { try CheckOptions.requireSLOs(table.designs.map(\.scenario)) }
        try front.check(table.designs.map { MetricLayout(spec: $0.scenario.model) })
        var reports: [RunReport] = []
        for d in table.designs.indices {
            guard let report = try report(d) else { break }
            reports.append(report)
        }
        if check {
            if tableOnStandardOutput {
                for (k, report) in reports.enumerated() { console.out(CheckOptions.sloTable(report, first: k == 0)) }
            }
            try gate.finish(reports, baseline: base, console: console, table: tableOnStandardOutput) {
                try files.write(reports)
                try html.write(reports)
            }
            return
        }
        if tableOnStandardOutput {
            for (k, report) in reports.enumerated() {
                console.out((k == 0 ? "" : "\n") + TableReport.render(report, all: all))
            }
        }
        try files.write(reports)
        try html.write(reports)
        try front.report(reports, console: console, table: tableOnStandardOutput)
        if let error = LimitOptions.overloaded(reports) ?? LimitOptions.eventLimited(reports) { throw error }
        if strict {
            let status = ExitStatus.of(reports)
            if status != .success { throw CLIError(status, "") }
        }
    }

    /// The shard files named: files as given, folders as their `*.capsim-shard` files in name
    /// order (temporary files of shards still running start with a dot and are left out).
    static func shardFiles(_ arguments: [String]) throws(CLIError) -> [String] {
        var paths: [String] = []
        for argument in arguments {
            var status = stat()
            guard stat(argument, &status) == 0 else {
                throw CLIError(
                    .inputMissing,
                    "\(argument): error: cannot read the shard files: \(String(cString: strerror(errno)))")
            }
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                paths.append(argument)
                continue
            }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: argument) } catch {
                throw CLIError(
                    .inputMissing, "\(argument): error: cannot list the folder: \(error.localizedDescription)")
            }
            let found = names.filter { $0.hasSuffix("." + ShardFile.fileExtension) && !$0.hasPrefix(".") }.sorted()
            guard !found.isEmpty else {
                throw CLIError(
                    .inputMissing,
                    "\(argument): error: no shard files (*.\(ShardFile.fileExtension)) in the folder: did the shards run with --out \(argument)?"
                )
            }
            paths += found.map { (argument as NSString).appendingPathComponent($0) }
        }
        return paths
    }

    /// Shards of another capsim: another model may have computed them, so they are refused.
    static func checkVersions(_ m: ShardManifest, file: String) throws(CLIError) {
        if m.capsimVersion != CapSimInfo.version || m.recordVersion != ReplicationCodec.version {
            throw CLIError(
                .invalidScenario,
                "capsim: error: \(file): written by capsim \(m.capsimVersion) (records version \(m.recordVersion)); this is capsim \(CapSimInfo.version) (records version \(ReplicationCodec.version)): merge with the capsim that ran the shards; nothing was merged"
            )
        }
        let layout = JSONValue.object(ReplicationCodec.histogramLayout.map { ($0.key, .number(Double($0.value))) })
        if m.run["histogram_layout"] != layout {
            throw CLIError(
                .invalidScenario,
                "capsim: error: \(file): its histograms have another layout than this capsim's; nothing was merged")
        }
    }

    /// The scenario files loaded again as the shards loaded them, as a task table that must be
    /// the shards' (same designs, hashes, seeds and layouts). Each file is looked for where the
    /// shard found it, then as given from here; reports name it as given.
    static func reload(_ m: ShardManifest) throws(CLIError) -> TaskTable {
        let options: ScenarioOptions
        do { options = try ScenarioOptions.parse(m.overrides.flatMap { ["--set", $0] }) } catch {
            throw CLIError(.invalidScenario, "capsim: error: the shards' overrides do not read back: \(error)")
        }
        var paths: [String] = []
        for (f, given) in m.files.enumerated() {
            let candidates = (f < m.paths.count ? [m.paths[f]] : []) + [given]
            guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw CLIError(
                    .inputMissing,
                    "\(given): error: cannot read the scenario file the shards ran (looked at \(candidates.joined(separator: " and ")))"
                )
            }
            paths.append(path)
        }
        /// Reports name a file as it was given to the shards, not where it was found.
        func named(_ s: Scenario, _ given: String) -> Scenario {
            var s = s
            s.file = given
            s.points = s.points.map { p in
                var p = p
                p.file = given
                return p
            }
            return s
        }
        let table: TaskTable
        if m.command == "size" {
            guard let path = paths.first, let given = m.files.first, m.files.count == 1 else {
                throw CLIError(.invalidScenario, "capsim: error: a sizing's shards name one scenario file")
            }
            let search = try sizing(m)
            table = TaskTable(grid: try SizeCommand.grid(path, options, search).map { named($0, given) })
        } else {
            table = TaskTable(
                try zip(paths, m.files).map { (path, given) throws(CLIError) in
                    named(try options.load(path), given)
                })
        }
        guard table.designs.count == m.designs.count, table.count == m.tasks else {
            throw CLIError(
                .invalidScenario,
                "capsim: error: the scenarios now make \(table.designs.count) designs of \(table.count) tasks; the shards ran \(m.designs.count) designs of \(m.tasks) tasks: were the files changed?"
            )
        }
        for (here, ran) in zip(table.designs, m.designs) {
            let layout = MetricLayout(spec: here.scenario.model)
            let now = ShardManifest.Design(here, layout: layout)
            guard now == ran else {
                throw CLIError(
                    .invalidScenario,
                    "\(here.scenario.file): error: not the scenario the shards ran: \(here.scenario.name) has hash \(now.hash) now, \(ran.hash) in the shards (was the file, a base it extends or a trace changed?)"
                )
            }
        }
        return table
    }

    /// The search of a sizing's shards, from the `--vary` axes they recorded.
    static func sizing(_ m: ShardManifest) throws(CLIError) -> CapacitySearch {
        do {
            return CapacitySearch(axes: try m.vary.map(SizeCommand.axis))
        } catch {
            throw CLIError(
                .invalidScenario, "capsim: error: the shards' --vary axes do not read back: \(error.message)")
        }
    }

    /// Exit 75: the tasks no file holds, and the command that reruns them.
    static func missingTasks(_ missing: [Int], set: ShardSet, arguments: [String]) -> CLIError {
        let m = set.manifest
        var hint = ""
        let counts = Set(
            set.files.map { file -> Int in
                if case .shard(_, let count) = file.manifest.selection { count } else { 0 }
            })
        if counts.count == 1, let n = counts.first, n > 0 {
            let gone = Set(missing.map { $0 % n }).sorted().filter { r in
                stride(from: r, to: m.tasks, by: n).allSatisfy { missing.binarySearchContains($0) }
            }
            if !gone.isEmpty {
                hint =
                    "\n  every task of shard \(gone.map { "\($0)/\(n)" }.joined(separator: ", ")): \(gone.count == 1 ? "its file is" : "their files are") missing (did \(gone.count == 1 ? "that shard" : "those shards") fail?)"
            }
        }
        let folder: String = {
            if arguments.count == 1, var status = Optional(stat()), stat(arguments[0], &status) == 0,
                (status.st_mode & S_IFMT) == S_IFDIR
            {
                return arguments[0]
            }
            return "DIR"
        }()
        let command =
            ["capsim", m.command] + m.files + m.overrides.flatMap { ["--set", $0] } + m.vary.flatMap { ["--vary", $0] }
            + (m.maxEvents.map { ["--max-events", String($0)] } ?? [])
            + ["--tasks", TaskTable.listText(missing), "--out", folder]
        return CLIError(
            .tasksMissing,
            "capsim: error: \(missing.count) of \(m.tasks) tasks \(missing.count == 1 ? "is" : "are") in no shard file: \(TaskTable.listText(missing))\(hint)\nrerun them, then merge again:\n  \(command.map(shellQuoted).joined(separator: " "))"
        )
    }
}

/// A word as a POSIX shell reads it back: as is when it is plain, else in single quotes.
func shellQuoted(_ word: String) -> String {
    let plain =
        !word.isEmpty
        && word.unicodeScalars.allSatisfy { u in
            (u.value < 128 && (CharacterSet.alphanumerics.contains(u) || "_-./=,:+@%".unicodeScalars.contains(u)))
        }
    return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

extension Array where Element == Int {
    /// Whether a sorted array holds `x`.
    fileprivate func binarySearchContains(_ x: Int) -> Bool {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && self[lo] == x
    }
}
