import InfraModel
import SimKernel

/// A scenario file, decoded and validated: the model to simulate and how to run it.
///
/// A scenario with a `sweep:` is a family of designs: `points` holds one fully decoded scenario
/// per point of the cartesian product of the axes (first axis outermost, file order), each with
/// its axis values in `axes`. Without a sweep, `points` is `[self]`.
public struct Scenario: Sendable {
    /// The scenario's `name`, or the file's base name.
    public var name: String
    /// The file it was read from.
    public var file: String
    /// The model of one replication (stations, classes, arrivals, time window).
    public var model: ModelSpec
    /// How many replications to run, and whether to add batches until the SLOs are decided.
    public var plan: ReplicationPlan
    /// The master seed of every random stream.
    public var seed: UInt64
    /// Service-level objectives, in file order.
    public var slos: [SLOSpec]
    /// `warmup: auto`: the warm-up is chosen by MSER-5 on pilot replications before the run
    /// (until then `model.window.warmup` is zero).
    public var autoWarmup: Bool
    /// For a sweep point: the value of each axis (key path and the value's text), in axis order.
    public var axes: [SweepValue]
    /// Points of the sweep (or `[self]`).
    public var points: [Scenario]
    /// The resolved tree (after `--set` overrides and, for a point, its axis values).
    public var tree: ScenarioNode
    /// FNV-1a 64 hash of the canonical form of `tree`, as 16 hex digits: two runs of the same
    /// effective scenario (file plus overrides) share it, whatever the formatting of the file.
    public var hash: String

    /// Replications of a fixed plan (the maximum of a sequential one).
    public var replications: Int { plan.maximum }

    /// The language version this build reads.
    public static let languageVersion = 1
}

/// One axis value of a sweep point: `components.web.instances = 8`.
public struct SweepValue: Sendable, Equatable {
    /// Dotted key path from the root of the file.
    public var path: String
    /// The value as written (flow YAML for lists and mappings).
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}
