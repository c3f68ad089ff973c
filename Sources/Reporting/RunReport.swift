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
    public var scenario: Scenario
    public var summary: Summary
    public var results: [ReplicationResult]

    public init(scenario: Scenario, summary: Summary, results: [ReplicationResult]) {
        self.scenario = scenario; self.summary = summary; self.results = results
    }

    /// Replications that stopped because the design was overloaded.
    public var unstableReplications: [Int] { results.filter(\.outcome.unstable).map(\.replication) }
}

/// Shortest round-trip text of a number (deterministic: the same bits always print the same);
/// empty for NaN, as CSV readers expect for a missing value.
func csvNumber(_ x: Double) -> String {
    if x.isNaN { return "" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
