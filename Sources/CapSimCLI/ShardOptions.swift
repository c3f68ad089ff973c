import ArgumentParser
import Reporting

/// `--shard I/N`, `--tasks LIST` and `--out DIR` of `run`: run a part of the task table and write
/// its results to one shard file for `capsim merge` (README "Scale-out").
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run only the tasks whose id ≡ I (mod N) (see capsim tasks) and write them to a shard file in --out; auto/N takes I from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX.",
            valueName: "I/N"))
    var shard: String?

    @Option(
        help: ArgumentHelp(
            "Run only these tasks (e.g. 3,17-20, as capsim merge lists missing ones) and write them to a shard file in --out.",
            valueName: "LIST"))
    var tasks: String?

    @Option(help: ArgumentHelp("Folder for the shard file (made if missing; its parent must exist).", valueName: "DIR"))
    var out: String?

    /// Where `--shard auto/N` reads its index, in this order: Slurm job arrays, Kubernetes
    /// Indexed Jobs, AWS Batch array jobs.
    static let indexVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"]

    /// Which tasks to run.
    enum Selection: Equatable {
        case shard(index: Int, count: Int)
        case list([Int])
    }

    var isSharded: Bool { shard != nil || tasks != nil }

    func validate() throws {
        if shard != nil && tasks != nil { throw ValidationError("--shard and --tasks exclude each other") }
        if isSharded && out == nil { throw ValidationError("--shard and --tasks need --out DIR for the shard file") }
        if out != nil && !isSharded {
            throw ValidationError("--out is the folder of a shard file: give --shard I/N or --tasks LIST")
        }
        if let shard { _ = try Self.split(shard) }
        if let tasks, case .failure(let e) = TaskTable.parseList(tasks) {
            throw ValidationError("--tasks: \(e.message)")
        }
    }

    /// `I/N` or `auto/N`: the index (nil for auto) and the count.
    static func split(_ text: String) throws(ValidationError) -> (index: Int?, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[1]), count >= 1, parts[1].allSatisfy(\.isNumber) else {
            throw ValidationError("--shard: expected I/N or auto/N with N ≥ 1, found '\(text)'")
        }
        if parts[0] == "auto" { return (nil, count) }
        guard parts[0].allSatisfy(\.isNumber), let index = Int(parts[0]) else {
            throw ValidationError("--shard: expected I/N or auto/N with N ≥ 1, found '\(text)'")
        }
        guard index < count else {
            throw ValidationError("--shard \(text): the index runs from 0 to \(count - 1)")
        }
        return (index, count)
    }

    /// The tasks asked for; `auto/N` reads its index from `environment`.
    func selection(environment: [String: String]) throws(CLIError) -> Selection {
        if let tasks {
            switch TaskTable.parseList(tasks) {
            case .success(let ids): return .list(ids)
            case .failure(let e): throw CLIError(.usage, "--tasks: \(e.message)")
            }
        }
        guard let shard else { preconditionFailure("selection is asked only of a sharded run") }
        let split: (index: Int?, count: Int)
        do { split = try Self.split(shard) } catch { throw CLIError(.usage, error.message) }
        if let index = split.index { return .shard(index: index, count: split.count) }
        guard let name = Self.indexVariables.first(where: { environment[$0] != nil }), let text = environment[name]
        else {
            throw CLIError(
                .usage,
                "--shard auto/\(split.count): none of SLURM_ARRAY_TASK_ID (Slurm job arrays), JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array jobs) is set; give the index instead: --shard I/\(split.count)"
            )
        }
        guard text.allSatisfy(\.isNumber), let index = Int(text) else {
            throw CLIError(.usage, "--shard auto/\(split.count): \(name) is '\(text)', not a whole number")
        }
        guard index < split.count else {
            throw CLIError(
                .usage,
                "--shard auto/\(split.count): \(name) is \(index), but the shards of auto/\(split.count) are 0 to \(split.count - 1) (a Slurm array of --array=0-\(split.count - 1))"
            )
        }
        return .shard(index: index, count: split.count)
    }
}
