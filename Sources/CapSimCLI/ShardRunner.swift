import Foundation
import Reporting
import ScenarioLanguage
import SimStats

#if canImport(Glibc)
import Glibc
#endif

/// `capsim run … --shard I/N | --tasks LIST --out DIR`: runs a part of the task table and writes
/// its results to one shard file (README "Scale-out"). Each replication is prepared and run as
/// a single run would (`DesignRunner.prepare`, `Experiment`), so its result is bit for bit the
/// one a single run computes, and `capsim merge` reports what a single run reports.
struct ShardRunner {
    var runner: DesignRunner
    var console: Console
    var quiet: Bool

    /// Runs this shard's part of `table`: the task table of `run` (`TaskTable(scenarios)`) or of
    /// a sharded `size` (`TaskTable(grid:)`, with its `--vary` axes as given in `vary`). `files`
    /// are as given and `overrides` as `ScenarioOptions` applied them, for the merge to load
    /// the designs again.
    func run(
        _ table: TaskTable, files: [String], overrides: [String], vary: [String] = [],
        selection: ShardOptions.Selection, directory: String
    ) throws(CLIError) {
        let ids: [Int]
        let name: String
        let chosen: ShardManifest.Selection
        switch selection {
        case .shard(let index, let count):
            ids = table.shard(index, of: count)
            name = "shard-\(index)-of-\(count).\(ShardFile.fileExtension)"
            chosen = .shard(index: index, count: count)
        case .list(let list):
            if let beyond = list.last, beyond >= table.count {
                throw CLIError(
                    .usage,
                    "--tasks: task \(beyond) is not in the table, whose \(table.count) tasks are 0 to \(table.count - 1)"
                )
            }
            ids = list
            let text = TaskTable.listText(list)
            var sum = FNV1a64()
            sum.update(Array(text.utf8))
            name = "tasks-\(String(sum.value >> 32, radix: 16)).\(ShardFile.fileExtension)"
            chosen = .list(text)
        }
        try Self.makeFolder(directory)
        // The replications of each design this shard runs, ascending.
        var replications = Array(repeating: [Int](), count: table.designs.count)
        for id in ids {
            let (d, r) = table.locate(id)
            replications[d].append(r)
        }
        // Warm-ups first: the manifest at the file's start records them.
        var prepared: [Scenario?] = Array(repeating: nil, count: table.designs.count)
        var warmups: [(design: Int, choice: WarmupChoice)] = []
        for (d, design) in table.designs.enumerated() where !replications[d].isEmpty {
            let p = runner.prepare(design.scenario, plan: design.scenario.plan, timeSeries: nil)
            if Interruption.request.isRequested { throw Self.stopped(table: table, ids: ids) }
            prepared[d] = p.design
            if let w = p.warmup { warmups.append((d, w)) }
        }
        let manifest = ShardManifest(
            command: vary.isEmpty ? "run" : "size", vary: vary, files: files,
            paths: files.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, overrides: overrides,
            maxEvents: runner.maxEvents,
            designs: table.designs.map { ShardManifest.Design($0, layout: MetricLayout(spec: $0.scenario.model)) },
            tasks: table.count, selection: chosen, taskList: ids, warmups: warmups)
        let writer = try ShardWriter(directory: directory, name: name, manifest: manifest)
        for (d, design) in table.designs.enumerated() {
            guard let spec = prepared[d] else { continue }
            let first = design.first
            let results = Experiment(spec: spec.model, seed: spec.seed, indices: replications[d], jobs: runner.jobs)
                .run(
                    inOrder: { r in
                        writer.append(task: first + r.replication, r)
                        r.histograms = []
                        r.distributions = []
                    })
            if results.count < replications[d].count {
                writer.abandon()
                throw Self.stopped(table: table, ids: ids)
            }
        }
        let size = try writer.finish()
        if !quiet {
            let shown: String =
                switch selection {
                case .shard(let index, let count): "shard \(index)/\(count)"
                case .list: "tasks \(TaskTable.listText(ids))"
                }
            let designs = replications.filter { !$0.isEmpty }.count
            console.out(
                "capsim: \(shown): \(ids.count) of \(table.count) tasks (\(designs) design\(designs == 1 ? "" : "s")) written to \(writer.path) (\(size) bytes)\n"
            )
        }
    }

    /// An interrupted shard writes no file: its tasks are rerun, not reported in part.
    static func stopped(table: TaskTable, ids: [Int]) -> CLIError {
        Interruption.error(during: "a shard of \(ids.count) tasks; no shard file was written")
            ?? CLIError(.interrupted, "capsim: interrupted")
    }

    /// Makes `directory` unless it exists (several shards may race to make it); its parent must exist.
    static func makeFolder(_ directory: String) throws(CLIError) {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw CLIError(.cannotCreateOutput, "\(directory): error: --out: not a folder")
            }
            return
        }
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw CLIError(
                .cannotCreateOutput,
                "\(directory): error: --out: cannot make the folder: \(String(cString: strerror(errno)))")
        }
    }
}
