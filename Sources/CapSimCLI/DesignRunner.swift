import Reporting
import ScenarioLanguage
import SimStats

/// Simulates one design (a scenario or a sweep point): a fixed number of replications, or planned
/// batches until its SLOs are decided. Shared by `run`, `check` and `compare`.
struct DesignRunner {
    var jobs: Int
    var alpha: Double
    var console: Console

    func run(_ design: Scenario, plan: ReplicationPlan? = nil) -> RunReport {
        let plan = plan ?? design.plan
        var design = design
        var warmup: WarmupChoice?
        if design.autoWarmup {
            let choice = WarmupDetection.choose(spec: design.model, seed: design.seed, pilots: min(plan.minimum, 5))
            design.model.window.warmup = choice.warmup
            warmup = choice
        }
        let layout = MetricLayout(spec: design.model)
        let label = design.axes.isEmpty ? design.name : design.name + " (" + design.axes.map { "\($0.path)=\($0.text)" }.joined(separator: ", ") + ")"
        let progress = ProgressBar(total: plan.maximum, label: label, console: console)
        defer { progress.finish() }
        let batch: (Range<Int>) -> [ReplicationResult] = { range in
            let offset = range.lowerBound
            return Experiment(spec: design.model, seed: design.seed, replications: range, jobs: jobs)
                .run { done in progress.update(offset + done) }
        }
        let (results, outcomes): ([ReplicationResult], [SLOOutcome])
        if design.slos.isEmpty {
            (results, outcomes) = (batch(0..<plan.maximum), [])
        } else {
            (results, outcomes) = SLOGate(slos: design.slos, alpha: alpha).evaluate(plan: plan, layout: layout, run: batch)
        }
        var report = RunReport(scenario: design, summary: Summary(layout: layout, results: results), results: results, slos: outcomes)
        report.warmup = warmup
        return report
    }
}

extension ExitStatus {
    /// The exit status of SLO verdicts: 1 if any failed, else 2 if any is inconclusive, else 0.
    static func of(_ reports: [RunReport]) -> ExitStatus {
        let worst = reports.compactMap(\.verdict).max()
        switch worst {
        case .fail: return .sloFailed
        case .inconclusive: return .sloInconclusive
        default: return .success
        }
    }
}
