import ScenarioLanguage
import SimStats

/// capsim's version and the version of its output schemas, recorded in every output.
public enum CapSimInfo {
    public static let version = "0.1.0"
    /// Bumped when a CSV column or JSON key changes meaning or disappears.
    public static let schemaVersion = 1
}

/// What one `capsim run` of one scenario produced, ready to be written in any format.
public struct RunReport: Sendable {
    /// The design simulated: a scenario, or one point of its sweep (see `scenario.axes`).
    public var scenario: Scenario
    public var summary: Summary
    public var results: [ReplicationResult]
    /// Each SLO's verdict, in the scenario's order.
    public var slos: [SLOOutcome]
    /// The warm-up MSER-5 chose, for `warmup: auto`.
    public var warmup: WarmupChoice?
    /// The per-window time series across replications, when asked for (`--timeseries`).
    public var timeSeries: TimeSeriesSummary?
    /// The stratified estimate of availability over failure states, when asked for
    /// (`run --rare-failures`): `availability.rare_failures` in the CSV and JSON reports.
    public var rareFailures: StratifiedAvailability?
    /// The replications that were planned, when an interrupt (SIGINT, SIGTERM) stopped the run
    /// after `results.count` of them had finished; nil for a complete run.
    public var interruptedOf: Int?

    public init(scenario: Scenario, summary: Summary, results: [ReplicationResult], slos: [SLOOutcome] = []) {
        self.scenario = scenario
        self.summary = summary
        self.results = results
        self.slos = slos
    }

    /// The worst verdict, nil without SLOs.
    public var verdict: Verdict? { slos.map(\.verdict).max() }

    /// Replications that stopped because the design was overloaded.
    public var unstableReplications: [Int] { results.filter(\.outcome.unstable).map(\.replication) }

    /// Replications that stopped at `--max-events`.
    public var eventLimitedReplications: [Int] {
        results.filter(\.outcome.eventLimitReached).map(\.replication)
    }
}

/// Shortest round-trip text of a number (deterministic: the same bits always print the same);
/// empty for NaN, as CSV readers expect for a missing value.
func csvNumber(_ x: Double) -> String {
    if x.isNaN { return "" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}

extension SLOSpec {
    /// Column name of the SLO's verdict in CSV: `slo.<metric>.<max|min>`.
    public var column: String {
        switch bound {
        case .max: "slo.\(metric).max"
        case .min: "slo.\(metric).min"
        }
    }
}
