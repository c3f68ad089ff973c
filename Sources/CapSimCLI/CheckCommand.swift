import ArgumentParser
import Foundation
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

    @Option(help: ArgumentHelp("Write JUnit XML here (a test case per design × SLO).", valueName: "PATH"))
    var junit: String?

    @Option(help: ArgumentHelp("Write a Markdown summary here.", valueName: "PATH"))
    var markdown: String?

    @Option(help: ArgumentHelp("A JSON report of an earlier run to flag regressions against.", valueName: "PATH"))
    var baseline: String?

    @Option(help: "Practical margin for regressions against the baseline, as a fraction (0.05 = 5 % worse).")
    var margin: Double = 0.05

    func validate() throws {
        try output.check()
        guard margin >= 0 else { throw ValidationError("--margin must be ≥ 0, found \(margin)") }
    }

    func run() throws {
        let console = Console.current
        let scenarios = try files.map { try scenario.load($0) }
        for path in [output.csv, output.json, output.perReplication, junit, markdown] {
            if let path { try OutputFile.check(path) }
        }
        try html.check()
        for s in scenarios where s.slos.isEmpty {
            throw CLIError(
                .invalidScenario, "\(s.file): error: slos: nothing to check: the scenario has no 'slos:' section")
        }
        let base = try baseline.map { path throws(CLIError) in try loadBaseline(path) }
        let runner = DesignRunner(
            jobs: output.jobs, alpha: output.alpha, console: console, maxEvents: limits.maxEvents.map(UInt64.init),
            showProgress: !output.quiet)
        var reports: [RunReport] = []
        let memoryBudget = try limits.startMemoryBudget()
        defer { memoryBudget?.stop() }
        Interruption.beginGraceful()
        for design in scenarios.flatMap(\.points) {
            guard let report = runner.run(design) else { break }
            if output.tableOnStandardOutput {
                console.out(
                    (reports.isEmpty ? "" : "\n") + "\(report.designLabel) — \(report.scenario.file)\n"
                        + TableReport.sloTable(report.slos, layout: report.summary.layout))
            }
            reports.append(report)
        }
        let regressions = base?.regressions(of: reports, margin: margin) ?? []
        if output.tableOnStandardOutput {
            for g in regressions { console.out("regression: \(g.design): \(g.description)\n") }
        }
        // Interrupted before any replication finished: no report, so no output file at all.
        if reports.isEmpty, let error = Interruption.error(after: reports) { throw error }
        try output.write(reports)
        try html.write(reports)
        if let junit { try OutputFile.write(JUnitReport.render(reports, regressions: regressions), to: junit) }
        let summary = MarkdownReport.render(reports, regressions: regressions)
        if let markdown { try OutputFile.write(summary, to: markdown) }
        if console.environment["GITHUB_ACTIONS"] == "true" {
            console.out(GitHubAnnotations.render(reports, regressions: regressions))
            if let path = console.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
                appendStepSummary(summary, to: path)
            }
        }
        if let error = Interruption.error(after: reports) ?? LimitOptions.eventLimited(reports) { throw error }
        var status = ExitStatus.of(reports)
        if !regressions.isEmpty { status = .sloFailed }
        if status != .success { throw CLIError(status, "") }
    }

    func loadBaseline(_ path: String) throws(CLIError) -> Baseline {
        let data: Data
        switch InputFile.read(path, limit: InputFile.dataLimit) {
        case .success(let d): data = d
        case .failure(let f): throw CLIError(.inputMissing, "\(path): error: cannot read the baseline file: \(f)")
        }
        do { return try Baseline(json: data) } catch {
            throw CLIError(.usage, "\(path): error: the baseline is not a capsim JSON report: \(error.message)")
        }
    }

    /// GitHub shows this file on the run's summary page; appending keeps earlier steps' text.
    func appendStepSummary(_ text: String, to path: String) {
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }
}
