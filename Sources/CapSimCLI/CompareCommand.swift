import ArgumentParser
import Reporting
import ScenarioLanguage

/// `capsim compare A B…`: paired differences between designs under common random numbers.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare designs: paired differences of every metric with 95% confidence intervals.",
        discussion: """
            The first design is the baseline. The designs are the given files, or the points of
            their sweeps. Every design runs the baseline's replication count with the baseline's
            seed, so replication r of each design sees the same arrivals and service demands
            (common random numbers) and the differences are paired: far tighter than comparing
            two independent runs (the table's interval is the paired one; the CSV also gives the
            unpaired half-width for contrast).

            Examples:
              capsim compare Scenarios/mm1.yaml Scenarios/md1.yaml
              capsim compare Scenarios/mmc.yaml --sweep components.pool.workers=8,9,10 --csv diff.csv
            """)

    @Argument(help: "Scenario files (YAML); the first is the baseline.")
    var files: [String]

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var limits: LimitOptions
    @OptionGroup var html: HTMLOptions

    @Option(parsing: .unconditional, help: "Threads running replications in parallel (results do not depend on it).")
    var jobs: Int = 1

    @Option(help: ArgumentHelp("Write the differences as CSV here ('-' for standard output).", valueName: "PATH"))
    var csv: String?

    @Flag(name: .shortAndLong, help: "Print no table.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, found \(jobs)") }
    }

    func run() throws {
        let console = Console.current
        let designs = try files.map { try scenario.load($0) }.flatMap(\.points)
        if let csv { try OutputFile.check(csv) }
        try html.check()
        guard designs.count >= 2, let base = designs.first else {
            throw CLIError(.usage, "compare needs at least two designs: two files, or a sweep with two or more points")
        }
        let runner = DesignRunner(
            jobs: jobs, alpha: 0.05, console: console, maxEvents: limits.maxEvents.map(UInt64.init),
            showProgress: !quiet)
        let plan = ReplicationPlan(fixed: base.replications)
        let memoryBudget = try limits.startMemoryBudget()
        defer { memoryBudget?.stop() }
        Interruption.beginGraceful()
        var reports: [RunReport] = []
        for d in designs {
            var d = d
            d.seed = base.seed
            d.slos = []  // verdicts are `check`'s job; here every design runs the same fixed count
            guard let report = runner.run(d, plan: plan) else { break }
            reports.append(report)
        }
        // A comparison needs every design, each with the same replications.
        if Interruption.request.isRequested {
            throw Interruption.error(after: reports) ?? CLIError(.interrupted, "capsim: interrupted")
        }
        // The baseline's SLOs name the metrics whose winner the table reports.
        reports[0].scenario.slos = base.slos
        if !quiet && csv != "-" { console.out(Comparison.table(reports)) }
        if let csv { try OutputFile.write(Comparison.csv(reports), to: csv) }
        try html.write(reports)
        if let error = LimitOptions.eventLimited(reports) { throw error }
    }
}
