import SimKernel
import SimRandom

/// An active/passive pair (`failover:` on a load balancer): each instance is two units, each
/// failing by the station's `failures`. When the active unit fails, the pair notices after
/// `detection` (the instance down meanwhile, refusing requests with `instance_failed`), then
/// switches to the passive unit, refusing requests with `failover` for `switchTime`.
public struct FailoverSpec: Sendable, Equatable {
    /// Whether the passive unit ages while it waits.
    public enum Standby: String, Sendable, Equatable, CaseIterable {
        /// Both units run and fail on their own, the passive too (a failed passive is noticed
        /// only when it is needed).
        case hot
        /// The passive unit cannot fail while idle: its time to failure starts when it becomes
        /// the active unit (at the start of the switch, or when it takes over a dead pair).
        case cold
    }

    /// The switch to the passive unit once the failure is noticed: requests are refused with
    /// `failover` for this long.
    public var switchTime: SimDuration
    public var standby: Standby
    /// Time from the active unit's failure to the start of the switch, seconds, drawn per
    /// failure; nil = noticed at once (no detection step, no draw).
    public var detection: Distribution?
    /// One repair crew for the pair's two units (repaired one at a time, in failure order)
    /// instead of each unit repaired on its own.
    public var sharedRepairCrew: Bool

    public init(
        switchTime: SimDuration, standby: Standby = .hot, detection: Distribution? = nil,
        sharedRepairCrew: Bool = false
    ) {
        self.switchTime = switchTime
        self.standby = standby
        self.detection = detection
        self.sharedRepairCrew = sharedRepairCrew
    }

    /// True for today's plain pair (`failover: 5s`): hot, noticed at once, each unit its own
    /// crew.
    public var isPlain: Bool { standby == .hot && detection == nil && !sharedRepairCrew }
}
