import ArgumentParser
import Reporting
import ScenarioLanguage

/// `capsim check FILE…`: the SLO gate for CI. Decides every SLO of every design from planned
/// batches of replications, with an error budget shared by all looks and SLOs.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Gate on SLOs: PASS, FAIL or INCONCLUSIVE per SLO, decided from confidence intervals.",
        discussion: """
            Runs replications in the batches the scenario plans (replications: {min, max,
            until: slo-decided}, or one look at a fixed count), and looks at the SLOs only after
            each batch. The error budget --alpha is spent across looks and shared across SLOs
            (Holm), so a wrong verdict happens with probability at most alpha. Verdicts depend on
            replication prefixes only: --jobs cannot change them.

            Exit status: 0 all SLOs pass, 1 an SLO fails (or a regression against --baseline),
            2 none fails but one is inconclusive.

            Examples:
              capsim check Scenarios/slo-gate.yaml
              capsim check Scenarios/slo-gate.yaml --junit slo.xml --markdown slo.md
              capsim check Scenarios/slo-gate.yaml --baseline main.json --json pr.json
            """)

    @Argument(help: "Scenario files (YAML) with an 'slos:' section.")
    var files: [String]

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var limits: LimitOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var html: HTMLOptions

    @OptionGroup var gate: CheckOptions

    func validate() throws {
        try output.check()
    }

    func run() throws {
        let console = Console.current
        let scenarios = try files.map { try scenario.load($0) }
        for path in output.files.paths + [gate.junit, gate.markdown] {
            if let path { try OutputFile.check(path) }
        }
        try html.check()
        try CheckOptions.requireSLOs(scenarios)
        let base = try gate.loadBaseline()
        let runner = DesignRunner(
            jobs: output.jobs, alpha: output.alpha, console: console, maxEvents: limits.maxEvents.map(UInt64.init),
            showProgress: !output.quiet)
        var reports: [RunReport] = []
        let memoryBudget = try limits.startMemoryBudget()
        defer { memoryBudget?.stop() }
        Interruption.beginGraceful()
        for design in scenarios.flatMap(\.points) {
            guard let report = runner.run(design) else { break }
            if output.tableOnStandardOutput { console.out(CheckOptions.sloTable(report, first: reports.isEmpty)) }
            reports.append(report)
        }
        try gate.finish(reports, baseline: base, console: console, table: output.tableOnStandardOutput) {
            try output.files.write(reports)
            try html.write(reports)
        }
    }
}
