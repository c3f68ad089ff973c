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
    /// The service as a whole: available while every station has its required instances up.
    var service = ServiceAvailability()
}

/// Outage episodes of the service as a whole: it is down while some station has fewer than its
/// required instances up (a series system of the components).
struct ServiceAvailability {
    /// Stations below their required instances now.
    var stationsDown = 0
    /// Episodes begun so far, and when the current one began (while `stationsDown > 0`).
    var outageCount: UInt64 = 0
    var outageBegan = SimTime.zero
    /// ∫ [no station down] dt (ns), up to `since`.
    var availableIntegral = 0.0
    var since = SimTime.zero

    /// Brings `availableIntegral` up to `now`.
    mutating func accumulate(to now: SimTime) {
        if stationsDown == 0 { availableIntegral += Double(now.nanoseconds &- since.nanoseconds) }
        since = now
    }
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
/// 0 or 1) up or down and the periods drawn; per instance its active unit (−1: none), a stamp
/// that makes a pending detection or switch stale when it moves on, whether the active unit's
/// failure is still being detected, and the pair's shared repair crew (busy, and the unit
/// waiting for it, −1: none). Empty without pairs.
struct FailoverPairs {
    var unitUp: [Bool]
    var unitCycle: [UInt64]
    var activeUnit: [Int8]
    var switchStamp: [UInt32]
    var detecting: [Bool]
    var crewBusy: [Bool]
    var waitingUnit: [Int8]

    init(instances: Int) {
        unitUp = Array(repeating: true, count: 2 * instances)
        unitCycle = Array(repeating: 1, count: 2 * instances)
        activeUnit = Array(repeating: 0, count: instances)
        switchStamp = Array(repeating: 0, count: instances)
        detecting = Array(repeating: false, count: instances)
        crewBusy = Array(repeating: false, count: instances)
        waitingUnit = Array(repeating: -1, count: instances)
    }
}

/// The time spent with each combination of instances up per station, for the stratified
/// availability estimator (kept only when asked for, before `Simulation.run`): over the whole
/// run, and split over `batchCount` consecutive batches of `batchLength` nanoseconds (the last
/// batch takes the rest of the run), whose spread gives the error of the shares (batch means).
struct OccupancyLog {
    var seconds: [[Int32]: Double] = [:]
    var batchSeconds: [[Int32]: [Double]] = [:]
    var batchCount = 1
    var batchLength = Int64.max
    var since = SimTime.zero

    /// Adds [since, now) to `state`, in total and batch by batch.
    mutating func add(_ state: [Int32], until now: SimTime) {
        seconds[state, default: 0] += Double(now.nanoseconds &- since.nanoseconds) * 1e-9
        var batches = batchSeconds.removeValue(forKey: state) ?? Array(repeating: 0, count: batchCount)
        var t = since.nanoseconds
        while t < now.nanoseconds {
            let b = min(Int(t / batchLength), batchCount - 1)
            // b + 1 ≤ batchCount − 1 here, and (batchCount − 1) · batchLength ≤ the horizon: no overflow.
            let end = b == batchCount - 1 ? now.nanoseconds : min(now.nanoseconds, Int64(b + 1) * batchLength)
            batches[b] += Double(end - t) * 1e-9
            t = end
        }
        batchSeconds[state] = batches
        since = now
    }
}
