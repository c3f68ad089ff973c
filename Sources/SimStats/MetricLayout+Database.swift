import InfraModel

extension MetricLayout {
    /// Database metrics: `stale_reads.rate` (all databases), then per database `db.<c>.reads.rate`,
    /// `db.<c>.writes.rate`, reads per node (`db.<c>.primary.reads.rate`,
    /// `db.<c>.replica1.reads.rate`, …) and, with replicas, the lag histogram
    /// `replication.<c>.lag.*` (apply − commit of every commit at every replica) and the mean
    /// apply backlog per replica `replication.<c>.backlog.mean`.
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
