import ArgumentParser
import InfraModel
import Reporting
import ScenarioLanguage
import SimKernel
import SimStats
import Theory

/// Simulates one design (a scenario or a sweep point): a fixed number of replications, or planned
/// batches until its SLOs are decided. Shared by `run`, `check` and `compare`.
struct DesignRunner {
    var jobs: Int
    var alpha: Double
    var console: Console
    /// `--max-events`: events per replication before it stops (nil = no limit).
    var maxEvents: UInt64? = nil
    /// Whether to draw the progress display (when standard output and error are terminals): not with `-q`.
    var showProgress = true
    /// The designs' metric layouts, shared between equal ones: every report keeps its layout,
    /// and a sweep's points mostly have the same one.
    let layouts = LayoutCache()

    /// Replications read back instead of simulated (`capsim merge`): each index's result, and
    /// the warm-up the shards chose for `warmup: auto`. A nil result stops the design as an
    /// interrupt would; the caller knows why.
    struct Recorded {
        var warmup: WarmupChoice?
        var result: @Sendable (Int) -> ReplicationResult?
    }

    /// The design as its replications run: `--max-events`, the stop request and the time
    /// series window set, and for `warmup: auto` the warm-up MSER-5 chooses on pilot
    /// replications (or `chosen`, the one a shard file recorded). Shared by `run` and shards,
    /// so a shard's replications are those of a single run.
    func prepare(
        _ design: Scenario, plan: ReplicationPlan, timeSeries window: SimDuration?, chosen: WarmupChoice? = nil
    ) -> (design: Scenario, warmup: WarmupChoice?) {
        var design = design
        design.model.timeSeriesWindow = window
        if let maxEvents { design.model.maxEvents = maxEvents }
        design.model.stopRequest = Interruption.request
        var warmup: WarmupChoice?
        if design.autoWarmup {
            let choice =
                chosen ?? WarmupDetection.choose(spec: design.model, seed: design.seed, pilots: min(plan.minimum, 5))
            design.model.window.warmup = choice.warmup
            warmup = choice
        }
        return (design, warmup)
    }

    /// `timeSeries`: the window length of a per-window time series to keep, and whether to keep
    /// each replication's rows (for the per-replication form) besides the summary. `recorded`:
    /// the replications' results from shard files instead of a simulation.
    func run(
        _ design: Scenario, plan: ReplicationPlan? = nil,
        timeSeries: (window: SimDuration, perReplication: Bool)? = nil,
        recorded: Recorded? = nil
    ) -> RunReport? {
        let plan = plan ?? design.plan
        guard !Interruption.request.isRequested else { return nil }
        let prepared = prepare(design, plan: plan, timeSeries: timeSeries?.window, chosen: recorded?.warmup)
        var design = prepared.design
        let warmup = prepared.warmup
        let layout = layouts.shared(MetricLayout(spec: design.model))
        let label =
            design.axes.isEmpty
            ? design.name
            : design.name + " (" + design.axes.map { "\($0.path)=\($0.text)" }.joined(separator: ", ") + ")"
        // Replications report their progress only when a display reads it.
        let watched = RunProgress()
        if showProgress && console.isTerminal { design.model.progress = watched }
        let window = design.model.window
        let progress = ProgressBar(
            total: plan.maximum, label: label, console: console, watching: watched,
            perReplication: (window.horizon + window.drain).nanoseconds, show: showProgress)
        defer { progress.finish() }
        // The time series is folded in replication order as replications finish (batches come
        // in order too), and each replication's rows dropped unless the long form wants them.
        // Histograms are pooled the same way, so memory does not grow with the replications.
        var series: SeriesAccumulator?
        let pool = Pool(layout: layout)
        var fold: @Sendable (inout ReplicationResult) -> Void = { pool.absorb(&$0) }
        if let t = timeSeries {
            let accumulator = SeriesAccumulator(
                TimeSeriesSummary(layout: TimeSeriesLayout(spec: design.model, length: t.window)))
            let keepRows = t.perReplication
            series = accumulator
            fold = { (r: inout ReplicationResult) in
                pool.absorb(&r)
                guard let rows = r.windows?.series else { return }
                accumulator.summary.withLock { $0.add(rows) }
                if !keepRows { r.windows?.series = [] }
            }
        }
        var cut = false  // a batch came back short: an interrupt stopped it
        let batch: (Range<Int>) -> [ReplicationResult] = { range in
            guard !cut else { return [] }
            let offset = range.lowerBound
            var results: [ReplicationResult] = []
            if let recorded {
                // In replication order, as `Experiment` hands them to `fold`.
                for k in range {
                    guard var r = recorded.result(k) else { break }
                    fold(&r)
                    results.append(r)
                }
            } else {
                results = Experiment(spec: design.model, seed: design.seed, replications: range, jobs: jobs)
                    .run(progress: { done in progress.update(offset + done) }, inOrder: fold)
            }
            if results.count < range.count { cut = true }
            return results
        }
        var (results, outcomes): ([ReplicationResult], [SLOOutcome])
        if design.slos.isEmpty {
            (results, outcomes) = (batch(0..<plan.maximum), [])
        } else {
            (results, outcomes) = SLOGate(slos: design.slos, alpha: alpha).evaluate(
                plan: plan, layout: layout, pool: pool, run: batch)
        }
        // Interrupted: the replications that finished, reported as partial; nothing at all
        // when none did. The SLO gate's looks were cut short, so it decides nothing.
        guard !results.isEmpty else { return nil }
        if cut {
            for i in outcomes.indices {
                outcomes[i].verdict = .inconclusive
                outcomes[i].reason = "interrupted after \(results.count) replication(s): the gate did not finish"
            }
        }
        var report = RunReport(
            scenario: design, summary: Summary(layout: layout, results: results, pool: pool), results: results,
            slos: outcomes)
        if cut { report.interruptedOf = plan.maximum }
        report.warmup = warmup
        report.timeSeries = series?.summary.withLock { $0 }
        report.summary.warnings += Self.instabilityWarnings(design.model)
        return report
    }

    /// A component offered at least its capacity, with an unlimited queue and nothing that
    /// drops waiting requests (`OfferedLoad.dropsWaiting`), has no steady state: its queue
    /// grows for as long as the run lasts, and every figure describes this horizon only. The
    /// same test as `validate`'s UNSTABLE, told where the results are read.
    static func instabilityWarnings(_ spec: ModelSpec) -> [String] {
        spec.offeredLoad().compactMap { load in
            guard load.unstable, let u = load.utilization else { return nil }
            return
                "\(load.name): offered load is \(TableReport.fixed(u * 100, 1)) % of its capacity — UNSTABLE: its queue grows without bound, so these figures describe this horizon, not a steady state (see capsim validate)"
        }
    }
}

/// The last metric layout made, handed out again for an equal one so that the reports of a
/// sweep's points share one copy (its arrays are copy-on-write) instead of holding one each.
final class LayoutCache: Sendable {
    private let last = Guarded<MetricLayout?>(nil)

    func shared(_ layout: MetricLayout) -> MetricLayout {
        last.withLock { last in
            if let kept = last, kept == layout { return kept }
            last = layout
            return layout
        }
    }
}

/// A time series summary shared with the threads that fold replications into it.
final class SeriesAccumulator: Sendable {
    let summary: Guarded<TimeSeriesSummary>
    init(_ s: TimeSeriesSummary) { summary = Guarded(s) }
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
