import ArgumentParser
import Foundation
import Reporting
import ScenarioLanguage

/// `check`'s own reports and exit status — JUnit, Markdown, GitHub annotations, regressions
/// against a baseline — shared with `merge --check`, which gives the same over shard files.
struct CheckOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write JUnit XML here (a test case per design × SLO).", valueName: "PATH"))
    var junit: String?

    @Option(help: ArgumentHelp("Write a Markdown summary here.", valueName: "PATH"))
    var markdown: String?

    @Option(help: ArgumentHelp("A JSON report of an earlier run to flag regressions against.", valueName: "PATH"))
    var baseline: String?

    @Option(help: "Practical margin for regressions against the baseline, as a fraction (0.05 = 5 % worse).")
    var margin: Double = 0.05

    func validate() throws {
        guard margin >= 0 else { throw ValidationError("--margin must be ≥ 0, found \(margin)") }
    }

    /// A design without SLOs has nothing to check (exit 65).
    static func requireSLOs(_ scenarios: [Scenario]) throws(CLIError) {
        for s in scenarios where s.slos.isEmpty {
            throw CLIError(
                .invalidScenario, "\(s.file): error: slos: nothing to check: the scenario has no 'slos:' section")
        }
    }

    /// A design's verdicts as `check` prints them (`first`: no blank line before).
    static func sloTable(_ report: RunReport, first: Bool) -> String {
        (first ? "" : "\n") + "\(report.designLabel) — \(report.scenario.file)\n"
            + TableReport.sloTable(report.slos, layout: report.summary.layout)
    }

    func loadBaseline() throws(CLIError) -> Baseline? {
        guard let path = baseline else { return nil }
        let data: Data
        switch InputFile.read(path, limit: InputFile.dataLimit) {
        case .success(let d): data = d
        case .failure(let f): throw CLIError(.inputMissing, "\(path): error: cannot read the baseline file: \(f)")
        }
        do { return try Baseline(json: data) } catch {
            throw CLIError(.usage, "\(path): error: the baseline is not a capsim JSON report: \(error.message)")
        }
    }

    /// After the designs: regressions, the reports (`write` the run's own, then JUnit and
    /// Markdown), GitHub's annotations and step summary, and the exit status — 1 when an SLO
    /// fails or regresses, 2 when one is inconclusive.
    func finish(
        _ reports: [RunReport], baseline base: Baseline?, console: Console, table: Bool,
        write: () throws -> Void
    ) throws {
        let regressions = base?.regressions(of: reports, margin: margin) ?? []
        if table {
            for g in regressions { console.out("regression: \(g.design): \(g.description)\n") }
        }
        // Interrupted before any replication finished: no report, so no output file at all.
        if reports.isEmpty, let error = Interruption.error(after: reports) { throw error }
        try write()
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

    /// GitHub shows this file on the run's summary page; appending keeps earlier steps' text.
    func appendStepSummary(_ text: String, to path: String) {
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }
}
