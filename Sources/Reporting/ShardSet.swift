import ScenarioLanguage
import SimStats

/// The shard files of one run, checked against each other for a merge (README "Scale-out"):
/// their manifests agree on the run (capsim's version, the layouts, the files, overrides and
/// designs), no task is in two files, and the warm-ups they chose agree. Which tasks no file
/// holds is `missing`: a merge refuses to report without them and names them as a `--tasks`
/// list.
public struct ShardSet: Sendable {
    /// The run's manifest as the first file has it (every file agrees on its `run` part).
    public var manifest: ShardManifest
    public var files: [ShardFile.Contents]
    /// For each task of the table, the file and record holding it; nil for a missing task.
    public var location: [(file: Int, record: Int)?]
    /// The warm-up chosen for each design (`warmup: auto`), by any shard that ran some of it.
    public var warmups: [WarmupChoice?]

    public init(_ files: [ShardFile.Contents]) throws(ShardFile.Failure) {
        guard let first = files.first else { throw ShardFile.Failure("no shard files") }
        manifest = first.manifest
        self.files = files
        let run = first.manifest.run
        location = Array(repeating: nil, count: first.manifest.tasks)
        warmups = Array(repeating: nil, count: first.manifest.designs.count)
        for (f, file) in files.enumerated() {
            let other = file.manifest.run
            if other != run {
                throw ShardFile.Failure(
                    "\(file.source.name) and \(first.source.name) are shards of different runs: they differ in \(Self.difference(other, run))"
                )
            }
            for (k, task) in file.manifest.taskList.enumerated() {
                if let held = location[task] {
                    throw ShardFile.Failure(
                        "task \(task) is in both \(files[held.file].source.name) and \(file.source.name): each task must be merged once (remove one of the files)"
                    )
                }
                location[task] = (f, k)
            }
            for w in file.manifest.warmups {
                if let chosen = warmups[w.design], chosen != w.choice {
                    throw ShardFile.Failure(
                        "\(file.source.name): the warm-up chosen for design \(w.design) differs from another shard's")
                }
                warmups[w.design] = w.choice
            }
        }
    }

    /// Tasks no file holds, ascending.
    public var missing: [Int] { location.indices.filter { location[$0] == nil } }

    /// The result of a task the set holds.
    public func result(task: Int) throws(ShardFile.Failure) -> ReplicationResult {
        guard let at = location[task] else { throw ShardFile.Failure("task \(task) is missing") }
        return try files[at.file].result(at.record)
    }

    /// The first key (a path such as `designs[2].hash`) where two manifests' run parts differ,
    /// with both values when they are short.
    static func difference(_ a: JSONValue, _ b: JSONValue, path: String = "") -> String {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            for (p, q) in zip(x, y) where p.key != q.key || p.value != q.value {
                let key = path.isEmpty ? p.key : path + "." + p.key
                return p.key == q.key ? difference(p.value, q.value, path: key) : "'\(key)'"
            }
        case (.array(let x), .array(let y)) where x.count == y.count:
            for (i, (p, q)) in zip(x, y).enumerated() where p != q {
                return difference(p, q, path: "\(path)[\(i)]")
            }
        default: break
        }
        let left = a.text.trimmingSuffixNewline
        let right = b.text.trimmingSuffixNewline
        return left.count + right.count <= 120 ? "'\(path)' (\(left) against \(right))" : "'\(path)'"
    }
}

extension String {
    fileprivate var trimmingSuffixNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
