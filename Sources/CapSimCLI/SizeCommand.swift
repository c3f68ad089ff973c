import ArgumentParser
import Reporting
import ScenarioLanguage
import SimStats

/// `capsim size FILE --vary KEY.PATH=MIN..MAX …`: the cheapest setting that meets every SLO of
/// the scenario, found by probing settings with the SLO gate (`CapacitySearch`).
struct SizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "size",
        abstract: "Find the cheapest setting that meets every SLO: bisection on one axis, a frontier walk on several.",
        discussion: """
            Each --vary names a field and the settings to try, from least to most capable:
            MIN..MAX for whole numbers, or V1,V2,… as listed. More capability must never make an
            SLO worse (workers, instances, cache size): the search relies on it. Each probe is a
            'capsim check' of one setting — replications in the scenario's planned batches until
            every SLO is decided — and every probe uses the same seed, so settings are compared
            on common random numbers. Only a probed PASS is an answer: an INCONCLUSIVE probe
            counts as not passing and is named if it is below the answer.

            With one axis the answer is its smallest passing value; with several, the passing
            setting of least cost.monthly (the scenario needs prices).

            Exit status: 0 an answer was found, 1 no setting in range passes, 2 none was shown
            to pass but some were INCONCLUSIVE.

            Examples:
              capsim size Scenarios/sizing.yaml --vary components.pool.workers=1..64
              capsim size Scenarios/sizing.yaml --vary components.pool.workers=1..32 --vary components.pool.instances=1..4 --csv probes.csv
              capsim size Scenarios/sizing.yaml --vary components.pool.workers=1..64 --shard 0/8 --out shards/   (every setting; then capsim merge shards/)
            """)

    @Argument(help: "A scenario file (YAML) with an 'slos:' section.")
    var file: String

    @Option(
        name: .customLong("vary"),
        help: ArgumentHelp(
            "A field and its settings from least to most capable: KEY.PATH=MIN..MAX (whole numbers) or KEY.PATH=V1,V2,… (repeatable; the last varies fastest).",
            valueName: "KEY.PATH=RANGE"))
    var vary: [String] = []

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var limits: LimitOptions

    @Option(parsing: .unconditional, help: "Threads running replications in parallel (results do not depend on it).")
    var jobs: Int = 1

    @Option(help: "Error budget of each probe's SLO verdicts, shared by its SLOs and looks.")
    var alpha: Double = 0.05

    @Option(help: ArgumentHelp("Write the probes as CSV here ('-' for standard output).", valueName: "PATH"))
    var csv: String?

    @Option(
        help: ArgumentHelp("Write the probes and the answer as JSON here ('-' for standard output).", valueName: "PATH")
    )
    var json: String?

    @Flag(name: .shortAndLong, help: "Print no probe lines (the answer is still printed).")
    var quiet = false

    @OptionGroup var front: ParetoOptions
    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        guard !vary.isEmpty else { throw ValidationError("size needs at least one --vary KEY.PATH=MIN..MAX") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, found \(jobs)") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, found \(alpha)") }
        guard [csv, json, front.paretoCSV].filter({ $0 == "-" }).count <= 1 else {
            throw ValidationError("only one of --csv, --json and --pareto-csv can write to standard output ('-')")
        }
        guard scenario.sweeps.isEmpty else {
            throw ValidationError("size varies settings itself: give them as --vary, not --sweep")
        }
        let axes = try vary.map(Self.axis)
        let others = axes.dropLast().reduce(1) { $0 * $1.values.count }
        guard others <= CapacitySearch.maximumCombinations else {
            throw ValidationError(
                "--vary: the axes before the last make \(others) combinations; at most \(CapacitySearch.maximumCombinations) are searched"
            )
        }
    }

    /// `KEY.PATH=MIN..MAX` or `KEY.PATH=V1,V2,…`.
    static func axis(_ text: String) throws(ValidationError) -> CapacitySearch.Axis {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw ValidationError("--vary \(text): expected KEY.PATH=MIN..MAX or KEY.PATH=V1,V2,…")
        }
        let path = String(text[..<eq])
        let spec = text[text.index(after: eq)...]
        let bounds = spec.split(separator: "..", maxSplits: 1, omittingEmptySubsequences: false)
        if bounds.count == 2 {
            guard let low = Int(bounds[0]), let high = Int(bounds[1]), low <= high else {
                throw ValidationError("--vary \(text): expected whole numbers MIN..MAX with MIN ≤ MAX")
            }
            guard high - low < 1_000_000 else {
                throw ValidationError("--vary \(text): at most 1,000,000 settings per axis")
            }
            return .init(path: path, values: (low...high).map(String.init))
        }
        let values = spec.split(separator: ",", omittingEmptySubsequences: false).map { value in
            String(value.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        }
        guard !values.contains(where: \.isEmpty), Set(values).count == values.count else {
            throw ValidationError("--vary \(text): expected distinct values V1,V2,… from least to most capable")
        }
        return .init(path: path, values: values)
    }

    func run() throws {
        let console = Console.current
        let search = CapacitySearch(axes: try vary.map(Self.axis))
        if sharding.isSharded {
            try runShard(search, console: console)
            return
        }
        for path in [csv, json, front.paretoCSV] { if let path { try OutputFile.check(path) } }
        let runner = DesignRunner(
            jobs: jobs, alpha: alpha, console: console, maxEvents: limits.maxEvents.map(UInt64.init),
            showProgress: !quiet)
        let memoryBudget = try limits.startMemoryBudget()
        defer { memoryBudget?.stop() }
        Interruption.beginGraceful()
        try Self.search(
            search, console: console, quiet: quiet, csv: csv, json: json, front: front,
            design: { setting in try Self.design(file, scenario, search, setting) },
            run: { runner.run($1) })
    }

    /// The design `size` probes for a setting: the file loaded with the setting as `--set`
    /// assignments, and named by them as a sweep point is.
    static func design(
        _ file: String, _ options: ScenarioOptions, _ search: CapacitySearch, _ setting: [Int]
    ) throws(CLIError) -> Scenario {
        let values = zip(search.axes, setting).map { SweepValue(path: $0.path, text: $0.values[$1]) }
        var options = options
        options.overrides += values.map { "\($0.path)=\($0.text)" }
        var design = try options.load(file)
        design.axes = values
        return design
    }

    /// What a probe's design must be: one design (no sweep), with SLOs, and priced when the
    /// search has several axes (its answer is the cheapest).
    static func check(_ design: Scenario, _ search: CapacitySearch) throws(CLIError) {
        let file = design.file
        guard design.points.count == 1 else {
            throw CLIError(
                .invalidScenario, "\(file): error: sweep: size varies settings itself; remove the scenario's 'sweep:'")
        }
        guard !design.slos.isEmpty else {
            throw CLIError(
                .invalidScenario, "\(file): error: slos: nothing to size for: the scenario has no 'slos:' section")
        }
        if search.axes.count > 1, design.model.cost == nil {
            throw CLIError(
                .invalidScenario,
                "\(file): error: size over several axes picks the setting of least \(SizingReport.costMetric): give the components prices"
            )
        }
    }

    /// The search and size's reports: each probe's design from `design`, its report from `run`
    /// (given the setting and its design: a simulation, or shard files read back), the probe lines, the answer, `--csv`,
    /// `--json`, the Pareto front, and the exit status (1 no setting passes, 2 none shown to).
    static func search(
        _ search: CapacitySearch, console: Console, quiet: Bool, csv: String?, json: String?, front: ParetoOptions,
        design: ([Int]) throws -> Scenario, run: ([Int], Scenario) throws -> RunReport?
    ) throws {
        let standardOutputTaken = [csv, json, front.paretoCSV].contains("-")
        let tableOnStandardOutput = !quiet && !standardOutputTaken
        var reports: [RunReport] = []
        let outcome = try search.run { (setting: [Int]) throws -> SizingProbe in
            let design = try design(setting)
            if reports.isEmpty { try front.check([MetricLayout(spec: design.model)]) }
            try check(design, search)
            let label = design.axes.map { "\($0.path)=\($0.text)" }.joined(separator: ", ")
            guard let report = try run(setting, design), report.interruptedOf == nil else {
                // A search cut short has no answer: the probes printed are all that ran.
                throw Interruption.error(during: "probe \(reports.count + 1) (\(label)) of capsim size")
                    ?? CLIError(.interrupted, "capsim: interrupted")
            }
            // A verdict from replications cut at --max-events would steer the search wrongly.
            if let error = LimitOptions.eventLimited([report]) { throw error }
            // A design that piles up requests until the overload guard stops it cannot carry the
            // load, whatever its truncated figures say.
            let verdict = report.unstableReplications.isEmpty ? report.verdict ?? .pass : .fail
            reports.append(report)
            if tableOnStandardOutput {
                console.out(
                    SizingReport.probeLine(number: reports.count, label: label, report: report, verdict: verdict) + "\n"
                )
            }
            return SizingProbe(verdict: verdict, cost: report.summary[SizingReport.costMetric]?.value)
        }
        let sizing = SizingReport(search: search, outcome: outcome, reports: reports)
        if standardOutputTaken {
            console.err(sizing.answerText + "\n")
        } else {
            console.out(sizing.answerText + "\n")
        }
        if let csv { try OutputFile.write(sizing.csv, to: csv) }
        if let json { try OutputFile.write(sizing.json.text, to: json) }
        // The front is over the probes that pass: the cheaper ones that fail are not a choice.
        let passing = zip(outcome.probes, reports).filter { $0.0.verdict == .pass }.map(\.1)
        try front.report(passing, console: console, table: !standardOutputTaken)
        if outcome.answer == nil {
            let undecided = outcome.probes.contains { $0.verdict == .inconclusive }
            throw CLIError(undecided ? .sloInconclusive : .sloFailed, "")
        }
    }

    /// The designs of every setting, in the order of `CapacitySearch.grid` (the last axis
    /// fastest): what a sharded `size` runs, so that the merge can search over them.
    static func grid(
        _ file: String, _ options: ScenarioOptions, _ search: CapacitySearch
    ) throws(CLIError) -> [Scenario] {
        let settings = CapacitySearch.grid(search.axes.map(\.values.count))
        guard settings.count <= maximumGrid else {
            throw CLIError(
                .usage,
                "--shard: a sharded size runs every setting, and the --vary axes make \(settings.count); at most \(maximumGrid)"
            )
        }
        var designs: [Scenario] = []
        for setting in settings {
            let design = try design(file, options, search, setting)
            try check(design, search)
            designs.append(design)
        }
        return designs
    }

    /// The most settings a sharded size runs (as many as a sweep's points).
    static let maximumGrid = 10_000

    /// `--shard` or `--tasks`: every setting's replications in the task table, this shard's
    /// part of them into its file; `capsim merge` then searches as size would.
    func runShard(_ search: CapacitySearch, console: Console) throws {
        if let given = [csv, json, front.pareto].compactMap({ $0 }).first {
            throw CLIError(
                .usage, "\(given): a shard (--shard, --tasks) writes only its shard file; ask capsim merge for reports")
        }
        guard let directory = sharding.out else { preconditionFailure("validate() requires --out with a shard") }
        let selection = try sharding.selection(environment: console.environment)
        let designs = try Self.grid(file, scenario, search)
        let runner = DesignRunner(
            jobs: jobs, alpha: alpha, console: console, maxEvents: limits.maxEvents.map(UInt64.init),
            showProgress: false)
        let memoryBudget = try limits.startMemoryBudget()
        defer { memoryBudget?.stop() }
        Interruption.beginGraceful()
        try ShardRunner(runner: runner, console: console, quiet: quiet).run(
            TaskTable(grid: designs), files: [file], overrides: try scenario.parsedOverrides().map(\.text),
            vary: vary, selection: selection, directory: directory)
    }
}
