import InfraModel
import SimKernel

/// What a database's backups ask of the node they read, from the spec alone (`capsim
/// validate`): the node's utilisation without a backup and while one runs, during the busiest
/// backup before the horizon.
public struct BackupLoad: Sendable, Equatable {
    /// The database (a station index) and the node a backup reads when no node has failed:
    /// the last replica, or the primary (`from: primary`, or no replicas).
    public var station: Int
    public var node: String
    /// The start of the backup whose window carries the most traffic to the database (the
    /// first of equals), and how many backups start before the horizon (0: none, and the
    /// figures below are nil).
    public var busiestAt: SimTime
    public var backups: Int
    /// The node's workers, and those a backup holds (`load.workers`).
    public var workers: Int?
    public var heldWorkers: Int
    public var serviceFactor: Double
    /// The node's utilisation at the traffic of the busiest backup's window (its mean rate over
    /// the backup's mean duration) without the backup, and with it: its own service times ×
    /// `serviceFactor` on the workers the backup leaves (infinite when it holds them all). nil
    /// for unlimited workers or no backup before the horizon.
    public var utilization: Double?
    public var backupUtilization: Double?
    /// True when a class's own arrival process varies in time (mmpp2, a trace): its rate is
    /// then taken at its peak over the horizon, so the figures are upper bounds.
    public var atPeakRate: Bool

    /// True when the node cannot carry its load while a backup runs.
    public var overloadedDuringBackup: Bool { (backupUtilization ?? 0) >= 1 }

    /// Backups a validation weighs at most: the busiest is looked for among the first ones.
    public static let windowsWeighed = 100_000
}

extension ModelSpec {
    /// Each database with `backups:` (station order): the load on the node its backups read.
    /// The classes' rates in a backup's window are their mean rates over it (a rate profile's
    /// mean over the window for Poisson arrivals); the window with the most traffic to the
    /// database is weighed. The reads' even spread is kept during the backup (as round robin
    /// keeps it; `least_outstanding` steers some of them away, so the node's figure is then an
    /// upper bound).
    public func backupLoads() -> [BackupLoad] {
        // A closed workload: at the throughputs MVA gives it.
        if hasClosedWorkload { return closedWorkload()?.equivalent.backupLoads() ?? [] }
        return stations.indices.compactMap { s -> BackupLoad? in
            guard let db = stations[s].database, let backups = db.backups else { return nil }
            let horizon = window.horizon.seconds
            let node = backups.source == .replica && db.replicas > 0 ? db.replicas : 0
            let workers = node == 0 ? stations[s].workers : db.replicaWorkers
            var load = BackupLoad(
                station: s, node: DatabaseSpec.nodeName(node), busiestAt: SimTime.zero + backups.at, backups: 0,
                workers: workers, heldWorkers: backups.workers, serviceFactor: backups.serviceFactor,
                atPeakRate: false)
            // Which classes reach the database (to weigh the windows' traffic).
            let reaches = classes.map { c in c.calls.contains { $0.station == s } }
            let length = max(backups.duration.mean, 0)
            var best: [Double]?
            var bestTraffic = -Double.infinity
            var start = SimTime.zero + backups.at
            while start < window.horizon && load.backups < BackupLoad.windowsWeighed {
                let from = (start - SimTime.zero).seconds
                let (rates, atPeak) = classRates(from: from, to: min(from + length, horizon))
                let traffic = zip(rates, reaches).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }
                if traffic > bestTraffic {
                    best = rates
                    bestTraffic = traffic
                    load.busiestAt = start
                    load.atPeakRate = atPeak
                }
                load.backups += 1
                start = start + backups.every
            }
            guard let rates = best, let w = workers,
                let nodeLoad = offeredLoad(rates: rates, peaks: nil)[s].databaseNodes?[node],
                let u = nodeLoad.utilization
            else { return load }
            load.utilization = u
            let left = w - backups.workers
            load.backupUtilization =
                left > 0
                ? (u * Double(w) + nodeLoad.serviceLoad * (backups.serviceFactor - 1)) / Double(left) : .infinity
            return load
        }
    }

    /// Each class's mean rate over `[a, b)` (seconds; its rate at `a` when b ≤ a), and whether
    /// some class's own process varies in time, so its peak rate over the horizon stands in.
    func classRates(from a: Double, to b: Double) -> (rates: [Double], atPeak: Bool) {
        let horizon = window.horizon.seconds
        var atPeak = false
        func rate(_ process: ArrivalProcess?) -> Double {
            guard let process else { return 0 }
            if case .poisson(let r) = process, let profile {
                return r * (b > a ? profile.integral(from: a, to: b) / (b - a) : profile.multiplier(at: a))
            }
            guard let peak = process.peakRate(over: horizon) else { return process.meanRate(over: horizon) }
            atPeak = true
            return peak
        }
        let shared = classes.filter { $0.arrivals == nil }.reduce(0) { $0 + $1.weight }
        let workload = rate(arrivals)
        let rates = classes.map { c in c.arrivals != nil ? rate(c.arrivals) : workload * c.weight / shared }
        return (rates, atPeak)
    }
}
