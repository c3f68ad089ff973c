import InfraModel
import SimKernel

/// A scenario file, decoded and validated: the model to simulate and how to run it.
public struct Scenario: Sendable {
    /// The scenario's `name`, or the file's base name.
    public var name: String
    /// The file it was read from.
    public var file: String
    /// The model of one replication (stations, classes, arrivals, time window).
    public var model: ModelSpec
    /// Independent replications to run.
    public var replications: Int
    /// The master seed of every random stream.
    public var seed: UInt64
    /// The resolved tree (after `--set` overrides), as the scenario's canonical content.
    public var tree: ScenarioNode
    /// FNV-1a 64 hash of the canonical form of `tree`, as 16 hex digits: two runs of the same
    /// effective scenario (file plus overrides) share it, whatever the formatting of the file.
    public var hash: String

    /// The language version this build reads.
    public static let languageVersion = 1
}
