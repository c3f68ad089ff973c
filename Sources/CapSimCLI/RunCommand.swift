import ArgumentParser
import Reporting
import ScenarioLanguage
import SimStats

/// `capsim run FILE…`: simulate each scenario and report metrics with 95 % confidence intervals.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate scenarios and report latency, availability and throughput with 95% confidence intervals.",
        discussion: """
            Examples:
              capsim run Scenarios/mm1.yaml
              capsim run Scenarios/mm1.yaml --set horizon=5m --replications 4 --csv -
              capsim run Scenarios/mm1.yaml Scenarios/md1.yaml --csv results.csv --jobs 2
            """)

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @OptionGroup var scenario: ScenarioOptions

    @Option(help: "Threads running replications in parallel (results do not depend on it).")
    var jobs: Int = 1

    @Option(help: ArgumentHelp("Write the summary CSV here ('-' for standard output).", valueName: "PATH"))
    var csv: String?

    @Option(help: ArgumentHelp("Write the full JSON report here ('-' for standard output).", valueName: "PATH"))
    var json: String?

    @Flag(name: .shortAndLong, help: "Print no table.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, found \(jobs)") }
        if csv == "-" && json == "-" { throw ValidationError("--csv - and --json - cannot both write to standard output") }
    }

    func run() throws {
        let console = Console.current
        // Load every scenario first: a bad file fails the command before any simulation runs.
        var scenarios: [Scenario] = []
        for f in files { scenarios.append(try scenario.load(f)) }
        // One CSV holds one set of columns: scenarios with different components need one each.
        if csv != nil, Set(scenarios.map { CSVReport.header(for: MetricLayout(spec: $0.model)) }).count > 1 {
            throw CLIError(.usage, "--csv: the scenarios have different components, so their metrics do not share columns; write one CSV per scenario")
        }
        var reports: [RunReport] = []
        for (n, s) in scenarios.enumerated() {
            let progress = ProgressBar(total: s.replications, label: s.name, console: console)
            let experiment = Experiment(spec: s.model, seed: s.seed, replications: 0..<s.replications, jobs: jobs)
            let results = experiment.run(progress: progress.update)
            progress.finish()
            let report = RunReport(scenario: s, summary: Summary(layout: MetricLayout(spec: s.model), results: results),
                                   results: results)
            reports.append(report)
            let tableToStdout = !quiet && csv != "-" && json != "-"
            if tableToStdout { console.out((n > 0 ? "\n" : "") + TableReport.render(report)) }
        }
        if let csv { try OutputFile.write(CSVReport.render(reports), to: csv) }
        if let json {
            if reports.count > 1 {
                try OutputFile.write("[\n" + reports.map { JSONReport.render($0) }.joined(separator: ",\n") + "]\n", to: json)
            } else if let r = reports.first {
                try OutputFile.write(JSONReport.render(r), to: json)
            }
        }
        if let bad = reports.first(where: { !$0.unstableReplications.isEmpty }) {
            throw CLIError(.invalidScenario, "\(bad.scenario.file): error: the design is overloaded: \(bad.unstableReplications.count) replication(s) had more than \(bad.scenario.model.maxInFlight) requests in flight (utilisation ≥ 1); its results are not a steady state")
        }
    }
}
