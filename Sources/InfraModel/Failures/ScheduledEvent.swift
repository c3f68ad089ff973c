import SimKernel

/// Something that happens to instances at a set time (`events:`): an outage, a gray failure,
/// maintenance, a rolling restart or deploy. The scenario layer resolves components and zones
/// to instances; the model expands each event into timed steps (`TimedAction`).
public struct ScheduledEvent: Sendable, Equatable {
    public var at: SimTime
    public var action: Action

    public init(at: SimTime, action: Action) {
        self.at = at
        self.action = action
    }

    public enum Action: Sendable, Equatable {
        /// The instances go down for `duration`, as a failure of the given mode would take them.
        case outage([InstanceRef], duration: SimDuration, mode: FailureSpec.Mode)
        /// A whole zone (index into `ModelSpec.zones`) goes down for `duration`: every instance
        /// placed in it (listed), with the losses blamed on the zone.
        case zoneOutage(zone: Int, [InstanceRef], duration: SimDuration, mode: FailureSpec.Mode)
        /// A whole region (index into `ModelSpec.regions.list`) goes down for `duration`: every
        /// instance of its components (listed).
        case regionOutage(region: Int, [InstanceRef], duration: SimDuration, mode: FailureSpec.Mode)
        /// The instances serve `factor` times slower for `duration` (a gray failure: up, in
        /// the rotation, passing health checks).
        case degrade([InstanceRef], factor: Double, duration: SimDuration)
        /// The instances leave the rotation, get `drain` to finish their requests (what is left
        /// then fails with `instance_failed`), are down for `duration`, and come back.
        case maintenance([InstanceRef], duration: SimDuration, drain: SimDuration)
        /// The station's instances in batches of `batch`, in order: each batch leaves the
        /// rotation, drains for `drain`, restarts for `each` and comes back — then the next.
        /// A deploy (`serviceFactor` ≠ 1) leaves each restarted instance serving that many times
        /// slower (or faster) than before.
        case rolling(
            station: Int, instances: Int, batch: Int, each: SimDuration, drain: SimDuration, serviceFactor: Double)
        /// Every instance of the cache station is emptied (`cache_flush`).
        case cacheFlush(station: Int)
        /// The database station's primary hands over to a replica: writes drain, the replica
        /// catches up and is promoted, nothing is lost (`Database/Simulation+DatabaseFailover`).
        case switchover(station: Int)
        /// The database station loses its data (`data_loss`): a restore begins
        /// (`Database/Simulation+DatabaseRestore`).
        case dataLoss(station: Int)
    }
}

/// An instance of a station: `instance` counts from 0 within the station.
public struct InstanceRef: Sendable, Equatable {
    public var station: Int
    public var instance: Int
    public init(station: Int, instance: Int) {
        self.station = station
        self.instance = instance
    }
}

/// A zone that fails as a whole: every instance placed in it goes down together.
public struct ZoneSpec: Sendable, Equatable {
    public var name: String
    /// Random outages of the whole zone (nil: only scheduled ones).
    public var failures: FailureSpec?
    public init(name: String, failures: FailureSpec? = nil) {
        self.name = name
        self.failures = failures
    }
}
