import ScenarioLanguage
import SimKernel
import SimStats

/// What a shard file says about itself (README "Scale-out"), as the JSON at its start: the run
/// it is a part of — capsim's version, the record and histogram layouts, the scenario files and
/// the overrides they were loaded with, every design of the task table with its hash, seed and
/// tasks — which every shard of one run shares and a merge checks, then the shard's own part:
/// which tasks it holds, where the files were, and the warm-ups it chose (`warmup: auto`).
public struct ShardManifest: Sendable {
    /// One design of the task table: its tasks are `first ..< first + replications`.
    public struct Design: Sendable, Equatable {
        public var name: String
        public var file: Int
        public var point: Int
        public var axes: [SweepValue]
        public var hash: String
        public var seed: UInt64
        public var first: Int
        public var replications: Int
        /// The sizes of its metric layout, which each record must match.
        public var metrics: Int
        public var histograms: Int
        public var distributions: Int

        public init(_ d: TaskTable.Design, layout: MetricLayout) {
            name = d.scenario.name
            file = d.file
            point = d.point
            axes = d.scenario.axes
            hash = d.scenario.hash
            seed = d.scenario.seed
            first = d.first
            replications = d.replications
            metrics = layout.metrics.count
            histograms = layout.histograms.count
            distributions = layout.distributions.count
        }
    }

    /// How the shard's tasks were chosen.
    public enum Selection: Sendable, Equatable {
        /// `--shard index/count`.
        case shard(index: Int, count: Int)
        /// `--tasks LIST`.
        case list(String)
    }

    /// The command whose task table this is: `run` (its designs are the files' sweep points;
    /// `check` has the same) or `size` (its designs are every setting of `vary`).
    public var command: String
    /// `size`'s `--vary` axes as given; empty for `run`.
    public var vary: [String]
    public var capsimVersion = CapSimInfo.version
    public var recordVersion = ReplicationCodec.version
    /// The scenario files as given on the command line, and their absolute paths when the
    /// shard ran (for a merge run from another folder).
    public var files: [String]
    public var paths: [String]
    /// The overrides the files were loaded with (`--set`, `--sweep`, `--replications`,
    /// `--seed`, as `ScenarioOptions` turns them into `KEY.PATH=VALUE`), in order.
    public var overrides: [String]
    /// `--max-events`, which changes results.
    public var maxEvents: UInt64?
    public var designs: [Design]
    /// Tasks in the whole table.
    public var tasks: Int
    public var selection: Selection
    /// The shard's task ids, ascending.
    public var taskList: [Int]
    /// The warm-up chosen for each design with `warmup: auto` that the shard has tasks of.
    public var warmups: [(design: Int, choice: WarmupChoice)]

    public init(
        command: String = "run", vary: [String] = [], files: [String], paths: [String], overrides: [String],
        maxEvents: UInt64?, designs: [Design], tasks: Int, selection: Selection, taskList: [Int],
        warmups: [(design: Int, choice: WarmupChoice)]
    ) {
        self.command = command
        self.vary = vary
        self.files = files
        self.paths = paths
        self.overrides = overrides
        self.maxEvents = maxEvents
        self.designs = designs
        self.tasks = tasks
        self.selection = selection
        self.taskList = taskList
        self.warmups = warmups
    }

    /// The part every shard of one run shares: a merge refuses files that differ in it.
    public var run: JSONValue {
        .object([
            ("command", .string(command)),
            ("vary", .array(vary.map { .string($0) })),
            ("capsim_version", .string(capsimVersion)),
            ("record_version", .number(Double(recordVersion))),
            (
                "histogram_layout",
                .object(ReplicationCodec.histogramLayout.map { ($0.key, .number(Double($0.value))) })
            ),
            ("files", .array(files.map { .string($0) })),
            ("overrides", .array(overrides.map { .string($0) })),
            ("max_events", maxEvents.map { .string(String($0)) } ?? .null),
            ("tasks", .number(Double(tasks))),
            (
                "designs",
                .array(
                    designs.map { d in
                        .object([
                            ("name", .string(d.name)), ("file", .number(Double(d.file))),
                            ("point", .number(Double(d.point))),
                            ("axes", .object(d.axes.map { ($0.path, .string($0.text)) })),
                            ("hash", .string(d.hash)), ("seed", .string(String(d.seed))),
                            ("first", .number(Double(d.first))), ("replications", .number(Double(d.replications))),
                            ("metrics", .number(Double(d.metrics))), ("histograms", .number(Double(d.histograms))),
                            ("distributions", .number(Double(d.distributions))),
                        ])
                    })
            ),
        ])
    }

    public var json: JSONValue {
        let shard: JSONValue =
            switch selection {
            case .shard(let index, let count):
                .object([("index", .number(Double(index))), ("count", .number(Double(count)))])
            case .list(let text): .object([("tasks", .string(text))])
            }
        return .object([
            ("format", .string(ShardFile.formatName)),
            ("format_version", .number(Double(ShardFile.version))),
            ("run", run),
            ("shard", shard),
            ("paths", .array(paths.map { .string($0) })),
            ("task_list", .string(TaskTable.listText(taskList))),
            (
                "warmups",
                .array(
                    warmups.map { w in
                        .object([
                            ("design", .number(Double(w.design))),
                            ("warmup_ns", .string(String(w.choice.warmup.nanoseconds))),
                            ("batch", .number(Double(w.choice.batch))),
                            ("batches", .number(Double(w.choice.batches))),
                            ("pilots", .number(Double(w.choice.pilots))),
                            ("at_search_limit", .bool(w.choice.atSearchLimit)),
                        ])
                    })
            ),
        ])
    }

    /// Reads a manifest back; the message names what is missing or wrong.
    public init(json: JSONValue) throws(ShardFile.Failure) {
        func fail(_ message: String) -> ShardFile.Failure { ShardFile.Failure("manifest: " + message) }
        func string(_ v: JSONValue?, _ key: String) throws(ShardFile.Failure) -> String {
            guard case .string(let s)? = v else { throw fail("'\(key)': expected a string") }
            return s
        }
        func whole(_ v: JSONValue?, _ key: String) throws(ShardFile.Failure) -> Int {
            guard case .number(let x)? = v, x >= 0, x < 9e15, x == x.rounded() else {
                throw fail("'\(key)': expected a whole number")
            }
            return Int(x)
        }
        func array(_ v: JSONValue?, _ key: String) throws(ShardFile.Failure) -> [JSONValue] {
            guard case .array(let a)? = v else { throw fail("'\(key)': expected a list") }
            return a
        }
        func unsigned(_ v: JSONValue?, _ key: String) throws(ShardFile.Failure) -> UInt64 {
            guard let x = UInt64(try string(v, key)) else { throw fail("'\(key)': expected a whole number as text") }
            return x
        }
        guard try string(json["format"], "format") == ShardFile.formatName else {
            throw fail("'format' is not '\(ShardFile.formatName)'")
        }
        guard let run = json["run"] else { throw fail("'run' is missing") }
        command = try string(run["command"], "run.command")
        guard command == "run" || command == "size" else { throw fail("'run.command' is neither run nor size") }
        vary = try array(run["vary"], "run.vary").map { v throws(ShardFile.Failure) in try string(v, "run.vary") }
        capsimVersion = try string(run["capsim_version"], "run.capsim_version")
        recordVersion = try whole(run["record_version"], "run.record_version")
        files = try array(run["files"], "run.files").map { v throws(ShardFile.Failure) in try string(v, "run.files") }
        overrides = try array(run["overrides"], "run.overrides").map { v throws(ShardFile.Failure) in
            try string(v, "run.overrides")
        }
        maxEvents = run["max_events"] == .null ? nil : try unsigned(run["max_events"], "run.max_events")
        tasks = try whole(run["tasks"], "run.tasks")
        designs = try array(run["designs"], "run.designs").map { d throws(ShardFile.Failure) in
            guard case .object(let axes)? = d["axes"] else { throw fail("'run.designs.axes': expected a mapping") }
            var design = Design(
                name: try string(d["name"], "run.designs.name"), file: try whole(d["file"], "run.designs.file"),
                point: try whole(d["point"], "run.designs.point"), axes: [],
                hash: try string(d["hash"], "run.designs.hash"), seed: try unsigned(d["seed"], "run.designs.seed"),
                first: try whole(d["first"], "run.designs.first"),
                replications: try whole(d["replications"], "run.designs.replications"),
                metrics: try whole(d["metrics"], "run.designs.metrics"),
                histograms: try whole(d["histograms"], "run.designs.histograms"),
                distributions: try whole(d["distributions"], "run.designs.distributions"))
            for (path, value) in axes {
                design.axes.append(SweepValue(path: path, text: try string(value, "run.designs.axes")))
            }
            return design
        }
        guard let shard = json["shard"] else { throw fail("'shard' is missing") }
        if let text = shard["tasks"] {
            selection = .list(try string(text, "shard.tasks"))
        } else {
            selection = .shard(
                index: try whole(shard["index"], "shard.index"), count: try whole(shard["count"], "shard.count"))
        }
        paths = try array(json["paths"], "paths").map { v throws(ShardFile.Failure) in try string(v, "paths") }
        switch TaskTable.parseList(try string(json["task_list"], "task_list")) {
        case .success(let ids): taskList = ids
        case .failure(let e):
            // An empty shard (more shards than tasks) has an empty list.
            guard case .string("")? = json["task_list"] else { throw fail("'task_list': \(e.message)") }
            taskList = []
        }
        warmups = try array(json["warmups"], "warmups").map { w throws(ShardFile.Failure) in
            let ns = try string(w["warmup_ns"], "warmups.warmup_ns")
            guard let nanoseconds = Int64(ns), nanoseconds >= 0 else {
                throw fail("'warmups.warmup_ns': expected a whole number as text")
            }
            guard case .bool(let edge)? = w["at_search_limit"] else {
                throw fail("'warmups.at_search_limit': expected true or false")
            }
            return (
                try whole(w["design"], "warmups.design"),
                WarmupChoice(
                    warmup: SimTime(nanoseconds: nanoseconds), batch: try whole(w["batch"], "warmups.batch"),
                    batches: try whole(w["batches"], "warmups.batches"),
                    pilots: try whole(w["pilots"], "warmups.pilots"),
                    atSearchLimit: edge)
            )
        }
        // The table's shape, which the records' checks rely on.
        var next = 0
        for d in designs {
            guard d.first == next, d.file < files.count else { throw fail("'run.designs' do not make a task table") }
            next += d.replications
        }
        guard next == tasks else { throw fail("'run.tasks' is not the designs' replications") }
        guard taskList.allSatisfy({ $0 < tasks }) else { throw fail("'task_list' has ids beyond the table") }
        guard warmups.allSatisfy({ $0.design < designs.count }) else { throw fail("'warmups' name no design") }
    }
}

extension ShardManifest.Design {
    init(
        name: String, file: Int, point: Int, axes: [SweepValue], hash: String, seed: UInt64, first: Int,
        replications: Int, metrics: Int, histograms: Int, distributions: Int
    ) {
        self.name = name
        self.file = file
        self.point = point
        self.axes = axes
        self.hash = hash
        self.seed = seed
        self.first = first
        self.replications = replications
        self.metrics = metrics
        self.histograms = histograms
        self.distributions = distributions
    }
}
