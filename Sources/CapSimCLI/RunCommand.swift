import ArgumentParser
import Reporting
import ScenarioLanguage
import SimStats

/// `capsim run FILE…`: simulate each scenario (every point of its sweep) and report metrics with
/// 95 % confidence intervals and SLO verdicts.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate scenarios and report latency, availability and throughput with 95% confidence intervals.",
        discussion: """
            Each scenario runs its replications (every point of its sweep with the same ones:
            common random numbers); SLO verdicts are reported, but the exit status is 0 unless
            --strict.

            Examples:
              capsim run Scenarios/mm1.yaml
              capsim run Scenarios/mm1.yaml --set horizon=5m --replications 4 --csv -
              capsim run Scenarios/mmc.yaml --sweep components.pool.workers=8,9,10 --csv sweep.csv
              capsim run Scenarios/mm1.yaml Scenarios/md1.yaml --csv results.csv --jobs 2
              capsim run Scenarios/mm1.yaml --timeseries series.csv --timeseries-window 30s
              capsim run Scenarios/three-tier.yaml --trace trace.json --trace-sample 0.001
              capsim run Scenarios/mm1.yaml --shard 2/7 --out shards/   (then: capsim merge shards/)
            """)

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var limits: LimitOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var timeSeries: TimeSeriesOptions
    @OptionGroup var html: HTMLOptions

    @Flag(help: "Exit 1 if an SLO fails, 2 if one is inconclusive (as `check` does).")
    var strict = false

    @Flag(help: "Print every metric with its interval, instead of the headline and a row per component.")
    var all = false

    @OptionGroup var front: ParetoOptions
    @OptionGroup var tracing: TraceOptions
    @OptionGroup var sharding: ShardOptions

    @Option(
        name: .customLong("rare-failures"),
        help: ArgumentHelp(
            "Also estimate availability.request by stratification over failure states: the failure processes alone run this long (e.g. 100y as 36500d, at most about 250 years), then requests run in each state visited.",
            valueName: "DURATION"))
    var rareFailures: String?

    func validate() throws {
        try output.check()
        try timeSeries.check(output)
        if front.paretoCSV == "-",
            output.files.paths.contains("-") || timeSeries.onStandardOutput
        {
            throw ValidationError("only one report can write to standard output ('-')")
        }
        if sharding.isSharded {
            let reports: [(option: String, given: Bool)] = [
                ("--csv", output.files.csv != nil), ("--json", output.files.json != nil),
                ("--per-replication", output.files.perReplication != nil), ("--html", html.path != nil),
                ("--timeseries", timeSeries.wanted), ("--trace", tracing.trace != nil),
                ("--rare-failures", rareFailures != nil), ("--pareto", front.pareto != nil), ("--strict", strict),
                ("--all", all),
            ]
            if let asked = reports.first(where: \.given) {
                throw ValidationError(
                    "\(asked.option): a shard (--shard, --tasks) writes only its shard file; ask capsim merge for reports"
                )
            }
        }
    }

    func run() throws {
        let console = Console.current
        let selection = try sharding.isSharded ? sharding.selection(environment: console.environment) : nil
        // Load every scenario first: a bad file fails the command before any simulation runs.
        let scenarios = try files.map { try scenario.load($0) }
        if let selection {
            try runShard(scenarios, selection: selection, console: console)
            return
        }
        try timeSeries.checkWindowCount(scenarios.flatMap(\.points))
        for path in [
            output.files.csv, output.files.json, output.files.perReplication, timeSeries.path,
            timeSeries.perReplication, front.paretoCSV,
            tracing.trace,
        ] {
            if let path { try OutputFile.check(path) }
        }
        try html.check()
        try front.check(scenarios.flatMap(\.points).map { MetricLayout(spec: $0.model) })
        let runner = DesignRunner(
            jobs: output.jobs, alpha: output.alpha, console: console, maxEvents: limits.maxEvents.map(UInt64.init),
            showProgress: !output.quiet)
        var reports: [RunReport] = []
        var trace = ChromeTrace()
        let memoryBudget = try limits.startMemoryBudget()
        defer { memoryBudget?.stop() }
        Interruption.beginGraceful()
        for design in scenarios.flatMap(\.points) {
            guard let report = runner.run(design, timeSeries: timeSeries.window(for: design)) else { break }
            if output.tableOnStandardOutput && !timeSeries.onStandardOutput && front.paretoCSV != "-" {
                console.out((reports.isEmpty ? "" : "\n") + TableReport.render(report, all: all))
            }
            reports.append(report)
            if tracing.trace != nil, let note = tracing.record(report, into: &trace), !output.quiet {
                console.err(note)
            }
        }
        if let text = rareFailures, !Interruption.request.isRequested {
            guard case .success(let horizon) = Quantity.duration(text), horizon.nanoseconds > 0 else {
                throw CLIError(.usage, "--rare-failures: expected a duration such as 36500d, found '\(text)'")
            }
            for (k, design) in scenarios.flatMap(\.points).enumerated() {
                let model = design.model
                guard
                    model.stations.contains(where: { $0.failures != nil })
                        || model.zones.contains(where: { $0.failures != nil })
                        || model.regions.list.contains(where: { $0.failures != nil })
                else {
                    throw CLIError(
                        .usage,
                        "--rare-failures: \(design.file) has no random failures (no 'failures:' on a pool, zone or region)"
                    )
                }
                if design.model.stations.contains(where: { $0.autoscale != nil || $0.failover != nil }) {
                    throw CLIError(
                        .usage,
                        "--rare-failures: autoscaled pools and active/passive pairs are not built for the stratified estimate yet"
                    )
                }
                var stoppable = design.model
                stoppable.stopRequest = Interruption.request
                guard
                    let strat = StratifiedAvailability.estimate(
                        spec: stoppable, seed: design.seed, failureHorizon: horizon,
                        replications: design.replications, jobs: output.jobs)
                else {
                    console.err("capsim: --rare-failures: stopped before its estimate was finished; it is left out\n")
                    break
                }
                // Standard output may carry a CSV or JSON report ('-'): the text then goes to standard error.
                let text = Self.render(strat, design: design)
                if output.files.paths.contains("-") || timeSeries.onStandardOutput {
                    console.err(text)
                } else {
                    console.out(text)
                }
                reports[k].rareFailures = strat  // reports are in the same order as the designs
            }
        }
        // Interrupted before any replication finished: no report, so no output file at all.
        if reports.isEmpty, let error = Interruption.error(after: reports) { throw error }
        try output.files.write(reports)
        try timeSeries.write(reports)
        if let path = tracing.trace, trace.designs > 0 { try OutputFile.write(trace.text, to: path) }
        try html.write(reports)
        try front.report(reports, console: console, table: output.tableOnStandardOutput && !timeSeries.onStandardOutput)
        if let error = Interruption.error(after: reports) { throw error }
        if let error = LimitOptions.overloaded(reports) ?? LimitOptions.eventLimited(reports) { throw error }
        if strict {
            let status = ExitStatus.of(reports)
            if status != .success { throw CLIError(status, "") }
        }
    }
}

/// Output options shared by `run` and `check`.
struct OutputOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Threads running replications in parallel (results do not depend on it).")
    var jobs: Int = 1

    @OptionGroup var files: ReportFiles

    @Option(help: "Error budget of the SLO verdicts, shared by all SLOs and looks.")
    var alpha: Double = 0.05

    @Flag(name: .shortAndLong, help: "Print no table.")
    var quiet = false

    func check() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, found \(jobs)") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, found \(alpha)") }
        if files.paths.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("only one of --csv, --json and --per-replication can write to standard output ('-')")
        }
    }

    /// The table goes to standard output unless asked not to, or a file format goes there.
    var tableOnStandardOutput: Bool { !quiet && !files.paths.contains("-") }
}

extension RunCommand {
    /// `--shard` or `--tasks`: the tasks asked for, into one shard file (`ShardRunner`).
    func runShard(_ scenarios: [Scenario], selection: ShardOptions.Selection, console: Console) throws {
        guard let directory = sharding.out else { preconditionFailure("validate() requires --out with a shard") }
        let runner = DesignRunner(
            jobs: output.jobs, alpha: output.alpha, console: console, maxEvents: limits.maxEvents.map(UInt64.init),
            showProgress: false)
        let memoryBudget = try limits.startMemoryBudget()
        defer { memoryBudget?.stop() }
        Interruption.beginGraceful()
        try ShardRunner(runner: runner, console: console, quiet: output.quiet).run(
            TaskTable(scenarios), files: files, overrides: try scenario.parsedOverrides().map(\.text),
            selection: selection,
            directory: directory)
    }

    /// The stratified estimate as text: the estimate, then each failure state's share and availability.
    static func render(_ strat: StratifiedAvailability, design: Scenario) -> String {
        func pct(_ x: Double) -> String { x.isNaN ? "n/a" : TableReport.fixed(100 * x, 6) + " %" }
        let interval =
            strat.halfWidth.isNaN
            ? "no interval: a state's run has fewer than 2 replications"
            : "95 %; time shares ± \(pct(strat.sharesHalfWidth)) by \(StratifiedAvailability.batches) batch means, states' runs ± \(pct(strat.statesHalfWidth))"
        var lines = [
            "",
            "\(design.name): availability.request stratified over failure states (\(strat.failureHorizon) of failures, \(strat.failureEvents) failure events, \(strat.strata.count) states)",
            "  estimate \(pct(strat.estimate)) ± \(pct(strat.halfWidth)) (\(interval); transients such as detection delays left out)",
        ]
        for s in strat.strata {
            let databases = design.model.stations.filter { $0.database != nil }
            let up =
                (zip(design.model.stations, s.up).filter { $0.0.failures != nil || $0.1 < $0.0.instances }
                .map { "\($0.0.name) \($0.1)/\($0.0.instances) up" }
                + zip(databases, s.writable).filter { !$0.1 }.map { "\($0.0.name) takes no writes" })
                .joined(separator: ", ")
            lines.append(
                "  \(up.isEmpty ? "all up" : up): \(pct(s.share)) ± \(pct(s.shareHalfWidth)) of the time, availability \(pct(s.availability)) ± \(pct(s.halfWidth))"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
