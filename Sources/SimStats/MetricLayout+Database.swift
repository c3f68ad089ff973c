import InfraModel

extension MetricLayout {
    /// Database metrics: `stale_reads.rate` (all databases), then per database `db.<c>.reads.rate`,
    /// `db.<c>.writes.rate`, reads per node (`db.<c>.primary.reads.rate`,
    /// `db.<c>.replica1.reads.rate`, …) and, with replicas, the lag histogram
    /// `replication.<c>.lag.*` (apply − commit of every commit at every replica) and the mean
    /// apply backlog per replica `replication.<c>.backlog.mean`. With `failover:`, per database
    /// its failovers, switchovers, lost writes, RPO, RTO histogram and stale reads during
    /// failovers (`db.<c>.failovers`, …). With `backups:`, the backups completed
    /// (`db.<c>.backups`); with `restore:`, the restores, the writes they lost and their RPO and
    /// RTO (`db.<c>.restores`, `db.<c>.data_lost`, …).
    mutating func addDatabases(_ spec: ModelSpec) {
        let dbs = spec.stations.filter { $0.database != nil }
        guard !dbs.isEmpty else { return }
        add("stale_reads.rate", .staleReadRate)
        for (d, st) in dbs.enumerated() {
            add("db.\(st.name).reads.rate", .databaseReads(database: d, node: nil))
            add("db.\(st.name).writes.rate", .databaseWrites(database: d))
            guard let database = st.database else { preconditionFailure("dbs holds only stations with a database") }
            for j in 0...database.replicas {
                add("db.\(st.name).\(DatabaseSpec.nodeName(j)).reads.rate", .databaseReads(database: d, node: j))
            }
        }
        lagBase = histograms.count
        for st in dbs {
            let h = histograms.count
            addLatency("replication.\(st.name).lag")
            if let replicas = st.database?.replicas, replicas > 0 {
                add("replication.\(st.name).backlog.mean", .replicationBacklog(histogram: h, replicas: replicas))
            }
        }
        rtoHistograms = Array(repeating: -1, count: dbs.count)
        for (d, st) in dbs.enumerated() where st.database?.failover != nil {
            add("db.\(st.name).failovers", .databaseFailover(database: d, .failovers))
            add("db.\(st.name).switchovers", .databaseFailover(database: d, .switchovers))
            add("db.\(st.name).lost_writes", .databaseFailover(database: d, .lostWrites))
            add("db.\(st.name).lost_writes.per_failover", .databaseFailover(database: d, .lostWritesPerFailover))
            add("db.\(st.name).rpo.mean", .databaseFailover(database: d, .rpoMean))
            add("db.\(st.name).stale_reads.failover.rate", .databaseFailover(database: d, .staleReadsInFailover))
            rtoHistograms[d] = histograms.count
            addLatency("db.\(st.name).rto")
        }
        for (d, st) in dbs.enumerated() {
            if st.database?.backups != nil { add("db.\(st.name).backups", .databaseFailover(database: d, .backups)) }
            guard st.database?.restore != nil else { continue }
            add("db.\(st.name).restores", .databaseFailover(database: d, .restores))
            add("db.\(st.name).data_lost", .databaseFailover(database: d, .dataLost))
            add("db.\(st.name).data_lost.per_restore", .databaseFailover(database: d, .dataLostPerRestore))
            add("db.\(st.name).restore.rpo.mean", .databaseFailover(database: d, .restoreRPOMean))
            add("db.\(st.name).restore.rto.mean", .databaseFailover(database: d, .restoreRTOMean))
        }
    }
}

/// A database's failover, backup or restore figure (`MetricKind.databaseFailover`), over the
/// window.
public enum FailoverFigure: Sendable, Equatable {
    /// Primaries lost and replaced by a promoted replica (one replication's count).
    case failovers
    /// Planned switchovers completed (one replication's count).
    case switchovers
    /// Acknowledged writes the promoted replicas lacked (one replication's count).
    case lostWrites
    /// lostWrites / failovers: the RPO in writes (NaN without failovers).
    case lostWritesPerFailover
    /// Mean over failovers of (failure − commit of the oldest lost write), 0 for a failover that
    /// lost nothing: the RPO in seconds of data (NaN without failovers).
    case rpoMean
    /// Stale reads / reads judged while writes were refused (failovers and switchovers).
    case staleReadsInFailover
    /// Share of the window the database accepted writes: its primary (or a promoted replica)
    /// up and no failover, switchover or restore in progress (`availability.<c>.instances`).
    case writable
    /// Backups completed (one replication's count).
    case backups
    /// Total losses, each restored (one replication's count, at the loss).
    case restores
    /// Acknowledged writes the restores lost (one replication's count).
    case dataLost
    /// dataLost / restores (NaN without restores).
    case dataLostPerRestore
    /// Mean over restores of (loss − commit of the oldest lost write), 0 for one that lost
    /// nothing: seconds of data (NaN without restores).
    case restoreRPOMean
    /// Mean restore time (seconds; NaN without restores).
    case restoreRTOMean

    var unit: MetricUnit {
        switch self {
        case .failovers, .switchovers, .lostWrites, .lostWritesPerFailover: .count
        case .backups, .restores, .dataLost, .dataLostPerRestore: .count
        case .rpoMean, .restoreRPOMean, .restoreRTOMean: .seconds
        case .staleReadsInFailover, .writable: .fraction
        }
    }

    var higherIsBetter: Bool? {
        switch self {
        case .failovers, .lostWrites, .lostWritesPerFailover, .rpoMean, .staleReadsInFailover: false
        case .restores, .dataLost, .dataLostPerRestore, .restoreRPOMean, .restoreRTOMean: false
        case .switchovers, .backups: nil
        case .writable: true
        }
    }

    /// This figure from the window's first and last counters of one database.
    func value(opened o: DatabaseCounters, closed e: DatabaseCounters, windowNs: Double) -> Double {
        let failovers = e.failovers - o.failovers
        switch self {
        case .failovers: return Double(failovers)
        case .switchovers: return Double(e.switchovers - o.switchovers)
        case .lostWrites: return Double(e.lostWrites - o.lostWrites)
        case .lostWritesPerFailover: return ReplicationResult.ratio(e.lostWrites - o.lostWrites, failovers)
        case .rpoMean:
            return failovers > 0 ? (e.lostDataNanoseconds - o.lostDataNanoseconds) * 1e-9 / Double(failovers) : .nan
        case .staleReadsInFailover:
            return ReplicationResult.ratio(
                e.staleReadsInFailover - o.staleReadsInFailover, e.judgedReadsInFailover - o.judgedReadsInFailover)
        case .writable: return (e.writableIntegral - o.writableIntegral) / windowNs
        case .backups: return Double(e.backups - o.backups)
        case .restores: return Double(e.restores - o.restores)
        case .dataLost: return Double(e.dataLostWrites - o.dataLostWrites)
        case .dataLostPerRestore:
            return ReplicationResult.ratio(e.dataLostWrites - o.dataLostWrites, e.restores - o.restores)
        case .restoreRPOMean:
            let n = e.restores - o.restores
            return n > 0 ? (e.dataLostNanoseconds - o.dataLostNanoseconds) * 1e-9 / Double(n) : .nan
        case .restoreRTOMean:
            let n = e.restores - o.restores
            return n > 0 ? (e.restoreNanoseconds - o.restoreNanoseconds) * 1e-9 / Double(n) : .nan
        }
    }
}

extension ModelSpec {
    /// The utilisation metrics of station i, in layout order: `utilization.<c>` when all its
    /// workers are finite, then for a database each node with finite workers,
    /// `utilization.<c>.<node>` with its database's index (among the databases) and node.
    /// Shared by the run's and the time series' layouts, so their ids agree.
    func utilizationMetrics(station i: Int) -> [(id: String, node: (database: Int, node: Int)?)] {
        let s = stations[i]
        var out: [(id: String, node: (database: Int, node: Int)?)] = []
        if s.totalWorkers != nil { out.append(("utilization.\(s.name)", nil)) }
        if let nodes = s.databaseNodeWorkers {
            let database = stations[..<i].filter { $0.database != nil }.count
            for (j, w) in nodes.enumerated() where w != nil {
                out.append(("utilization.\(s.name).\(DatabaseSpec.nodeName(j))", (database, j)))
            }
        }
        return out
    }
}

extension StationSpec {
    /// A database's workers per node (primary first; nil: unlimited); nil for any other station.
    var databaseNodeWorkers: [Int?]? {
        database.map { [workers] + Array(repeating: $0.replicaWorkers, count: $0.replicas) }
    }

    /// All the station's workers together — instances × workers, or the sum over a database's
    /// nodes, each with its own — the capacity `utilization.<c>` divides by; nil when some are
    /// unlimited.
    var totalWorkers: Int? {
        if let nodes = databaseNodeWorkers { return nodes.contains(nil) ? nil : nodes.reduce(0) { $0 + ($1 ?? 0) } }
        return workers.map { instances * $0 }
    }
}
