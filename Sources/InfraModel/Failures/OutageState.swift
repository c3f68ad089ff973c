import SimKernel
import SimRandom

/// What takes instances down beyond their own failures: the steps of the scheduled events (in
/// event order and, within an event, in time order), the zones, and the active/passive pairs.
struct Outages {
    let actions: [TimedAction]
    var zones: ZoneState
    var pairs: FailoverPairs
    /// Kept only when asked for (`Simulation.tracksOccupancy`), for the stratified availability
    /// estimator.
    var occupancy: OccupancyLog? = nil
}

/// Zones failing as a whole: per zone its instances (global indices), whether it is up, the
/// up/down periods drawn so far (the seat of the next draw) and its stream; per instance its zone.
struct ZoneState {
    let members: [[Int32]]
    var up: [Bool]
    var cycle: [UInt64]
    let streams: [RandomStream]
    /// Per instance (global index): its zone's index in `ModelSpec.zones`, −1 for none.
    let ofInstance: [Int32]
}

/// Active/passive pairs (`LoadBalancer/Simulation+Failover`): per unit (2 × global instance +
/// 0 or 1) up or down and the periods drawn; per instance its active unit (−1: none) and a
/// stamp that makes a pending switch stale when it moves on. Empty without pairs.
struct FailoverPairs {
    var unitUp: [Bool]
    var unitCycle: [UInt64]
    var activeUnit: [Int8]
    var switchStamp: [UInt32]

    init(instances: Int) {
        unitUp = Array(repeating: true, count: 2 * instances)
        unitCycle = Array(repeating: 1, count: 2 * instances)
        activeUnit = Array(repeating: 0, count: instances)
        switchStamp = Array(repeating: 0, count: instances)
    }
}

/// The time spent with each combination of instances up per station, for the stratified
/// availability estimator (kept only when asked for, before `Simulation.run`).
struct OccupancyLog {
    var seconds: [[Int32]: Double] = [:]
    var since = SimTime.zero
}
