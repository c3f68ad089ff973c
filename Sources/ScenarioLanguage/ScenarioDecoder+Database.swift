import InfraModel
import SimKernel
import SimRandom

/// `kind: database`: a primary for writes and replicas for reads, replication in commit order
/// after a lag (see `DatabaseSpec`).
///
/// ```yaml
/// db:
///   kind: database
///   primary: {workers: 32, queue: 256, service: {gamma: {mean: 4ms, cv: 0.7}}}
///   replicas: {count: 2, workers: 32, lag: {exponential: {mean: 80ms}}, balance: least_outstanding,
///              remote: {eu-west: 1}}   # see ScenarioDecoder+RemoteReplicas
///   replication: async        # or sync (writes wait for `acks` replicas)
///   read_policy: replicas     # or primary, any
///   failover: {detect: 10s, promote: {uniform: [5s, 15s]}}   # promote a replica when the primary fails
///   backups: {every: 24h, at: 2h, duration: 45m, from: replica}   # see ScenarioDecoder+Backups
///   restore: {time: 2h, log_shipping: 5m}                          # recovery from a total loss
/// ```
/// Classes call it as `db.read` or `db.write` in their path.
extension ScenarioDecoder {
    static let databaseKeys = [
        "kind", "primary", "replicas", "replication", "acks", "read_policy", "failures",
        "health_check", "zones", "region", "cost", "failover", "backups", "restore",
    ]
    /// A database's `autoscale:` (the language's design has one; autoscaled replicas are not
    /// modelled yet): a "not built" error at its key path, never an unknown key.
    static let plannedDatabaseKeys = ["autoscale"]
    static let databasePrimaryKeys = ["workers", "queue", "service"]
    static let databaseFailoverKeys = ["detect", "promote"]
    static let databaseReplicaKeys = [
        "count", "remote", "workers", "queue", "service", "lag", "apply", "apply_threads", "balance",
    ]
    /// Balancing policies among a database's replicas.
    static let databaseBalancePolicies: [BalancePolicy] = [.roundRobin, .random, .leastOutstanding]

    mutating func decodeDatabase(_ node: ScenarioNode, _ path: String, name: String) -> StationSpec? {
        guard
            let f = reader.fields(
                node, path, allowed: Self.databaseKeys + Self.plannedDatabaseKeys,
                required: ["kind", "primary"])
        else { return nil }
        for key in Self.plannedDatabaseKeys { if let n = f[key] { notBuilt(n, f.path(key)) } }
        if let c = f["cost"] { decodeCost(c, f.path("cost"), component: name) }
        var ok = true
        var failover: DatabaseFailover?
        if let n = f["failover"] {
            failover = decodeDatabaseFailover(n, f.path("failover"))
            if failover == nil { ok = false }
        }
        // Primary.
        var workers: Int?? = .some(1)
        var queue: Int?? = .some(nil)
        var service: Distribution?
        if let p = f["primary"],
            let pf = reader.fields(p, f.path("primary"), allowed: Self.databasePrimaryKeys, required: ["service"])
        {
            workers = pf["workers"].map { reader.limit($0, pf.path("workers"), min: 1) } ?? .some(1)
            queue = pf["queue"].map { reader.limit($0, pf.path("queue"), min: 0) } ?? .some(nil)
            service = pf["service"].flatMap { decodeDistribution($0, pf.path("service")) }
        } else {
            ok = false
        }
        guard let workers, let queue, let service else { return nil }
        // Replicas.
        var count = 0
        var rWorkers: Int? = workers
        var rQueue: Int? = queue
        var rService = service
        var lag = Distribution.deterministic(value: 0)
        var balance = BalancePolicy.roundRobin
        var apply: Distribution?
        var applyThreads = 1
        var remote: [RemoteReplicas] = []
        if let r = f["replicas"] {
            guard
                let rf = reader.fields(
                    r, f.path("replicas"), allowed: Self.databaseReplicaKeys, required: ["count"])
            else { return nil }
            count = rf["count"].flatMap { reader.integer($0, rf.path("count"), min: 0, max: 1_000) } ?? -1
            if let n = rf["remote"] {
                // The regions are named here and resolved with the regions (`resolveRemoteReplicas`).
                if let counts = decodeRemoteReplicaCounts(n, rf.path("remote")) {
                    remote = counts.map { RemoteReplicas(region: -1, count: $0.count) }
                    if count >= 0 { count += remote.reduce(0) { $0 + $1.count } }
                } else {
                    ok = false
                }
            }
            if let w = rf["workers"] {
                if let v = reader.limit(w, rf.path("workers"), min: 1) { rWorkers = v } else { ok = false }
            }
            if let q = rf["queue"] {
                if let v = reader.limit(q, rf.path("queue"), min: 0) { rQueue = v } else { ok = false }
            }
            if let s = rf["service"] {
                if let v = decodeDistribution(s, rf.path("service")) { rService = v } else { ok = false }
            }
            if let a = rf["apply"] {
                if let v = decodeDistribution(a, rf.path("apply")) { apply = v } else { ok = false }
            }
            if let t = rf["apply_threads"] {
                if rf["apply"] == nil {
                    reader.fail(
                        t, rf.path("apply_threads"),
                        "apply_threads needs an apply queue: give 'apply', the time to apply one commit, e.g. apply: {exponential: {mean: 2ms}}"
                    )
                    ok = false
                } else if let v = reader.integer(t, rf.path("apply_threads"), min: 1, max: 1_000) {
                    applyThreads = v
                } else {
                    ok = false
                }
            }
            if let l = rf["lag"] {
                if let v = decodeDistribution(l, rf.path("lag")) { lag = v } else { ok = false }
            } else if count > 0 && rf["apply"] == nil {
                reader.fail(
                    r, rf.path("lag"),
                    "missing required key 'lag': the replication lag of each commit at each replica, e.g. lag: {exponential: {mean: 80ms}} (or an apply queue: apply: {exponential: {mean: 2ms}})"
                )
                ok = false
            }
            if let b = rf["balance"] {
                if let v = decodeBalance(b, rf.path("balance")) {
                    if Self.databaseBalancePolicies.contains(v) {
                        balance = v
                    } else {
                        reader.fail(
                            b, rf.path("balance"),
                            "expected one of \(Self.databaseBalancePolicies.map(\.rawValue).joined(separator: ", ")) among a database's replicas, found '\(v.rawValue)'"
                        )
                        ok = false
                    }
                } else {
                    ok = false
                }
            }
        }
        var replication = ReplicationMode.async
        if let m = f["replication"] {
            switch reader.string(m, f.path("replication")) {
            case "async": replication = .async
            case "sync": replication = .sync(acks: 1)
            case let s?:
                reader.fail(
                    m, f.path("replication"), "expected async or sync, found '\(s)'",
                    suggestion: nearest(s, in: ["async", "sync"]))
                ok = false
            case nil: ok = false
            }
        }
        if let a = f["acks"] {
            if case .sync = replication {
                if count > 0, let k = reader.integer(a, f.path("acks"), min: 1, max: count) {
                    replication = .sync(acks: k)
                } else {
                    ok = false
                }
            } else {
                reader.fail(
                    a, f.path("acks"),
                    "acks applies only to 'replication: sync'; this database's replication is async\(f["replication"] == nil ? " (the default)" : "")"
                )
                ok = false
            }
        }
        if case .sync = replication, count == 0, let m = f["replication"] {
            reader.fail(
                m, f.path("replication"),
                "sync replication needs replicas to acknowledge: add replicas: {count: …, lag: …}")
            ok = false
        }
        var readPolicy = ReadPolicy.replicas
        if let p = f["read_policy"] {
            if let v = reader.choice(p, f.path("read_policy"), ReadPolicy.self) { readPolicy = v } else { ok = false }
        }
        let failures: FailureSpec?? = f["failures"].map { decodeFailures($0, f.path("failures")) } ?? .some(nil)
        let healthCheck: HealthCheck?? =
            f["health_check"].map { decodeHealthCheck($0, f.path("health_check")) } ?? .some(nil)
        if failover != nil, count == 0, let n = f["failover"] {
            reader.fail(
                n, f.path("failover"),
                "failover promotes a replica: add replicas: {count: …, lag: …} (with none, a failed primary fails writes until it is back)"
            )
            ok = false
        }
        var backups: DatabaseBackups?
        if let n = f["backups"], count >= 0 {
            backups = decodeDatabaseBackups(
                n, f.path("backups"), replicas: count, workers: workers, replicaWorkers: rWorkers)
            if backups == nil { ok = false }
        }
        var restore: DatabaseRestore?
        if let n = f["restore"] {
            restore = decodeDatabaseRestore(n, f.path("restore"))
            if restore == nil { ok = false }
        }
        guard ok, count >= 0, let failures, let healthCheck else { return nil }
        var station = StationSpec(
            name: name, instances: count + 1, workers: workers, queueCapacity: queue, service: service,
            failures: failures, healthCheck: healthCheck)
        station.database = DatabaseSpec(
            replicas: count, replicaWorkers: rWorkers, replicaQueue: rQueue, replicaService: rService,
            replicaBalance: balance, lag: lag, replication: replication, readPolicy: readPolicy)
        station.database?.apply = apply
        station.database?.applyThreads = applyThreads
        station.database?.failover = failover
        station.database?.backups = backups
        station.database?.restore = restore
        station.database?.remote = remote
        return station
    }

    /// `failover: {detect, promote}`: each a duration or a distribution (seconds).
    mutating func decodeDatabaseFailover(_ node: ScenarioNode, _ path: String) -> DatabaseFailover? {
        guard
            let f = reader.fields(
                node, path, allowed: Self.databaseFailoverKeys, required: Self.databaseFailoverKeys)
        else { return nil }
        func time(_ key: String) -> Distribution? { f[key].flatMap { decodeTime($0, f.path(key)) } }
        let detect = time("detect")
        let promote = time("promote")
        guard let detect, let promote else { return nil }
        return DatabaseFailover(detect: detect, promote: promote)
    }

    /// A path element naming a component: `name`, or `db.read` / `db.write` for a database
    /// (which must be called one of those ways). nil after reporting a problem.
    mutating func callTarget(
        named node: ScenarioNode, _ path: String, _ stations: [StationSpec]
    ) -> (station: Int, access: DataAccess)? {
        guard let name = reader.string(node, path) else { return nil }
        var base = name
        var access = DataAccess.none
        if let dot = name.lastIndex(of: "."), stations.contains(where: { $0.name == String(name[..<dot]) }) {
            base = String(name[..<dot])
            switch name[name.index(after: dot)...] {
            case "read": access = .read
            case "write": access = .write
            default:
                reader.fail(
                    node, path, "expected '\(base).read' or '\(base).write', found '\(name)'",
                    suggestion: nearest(name, in: [base + ".read", base + ".write"]))
                return nil
            }
        }
        guard let s = stations.firstIndex(where: { $0.name == base }) else {
            if failedComponents.contains(name)
                || name.lastIndex(of: ".").map({ failedComponents.contains(String(name[..<$0])) }) == true
            {
                return nil  // its own problem is reported where it is defined
            }
            reader.fail(
                node, path, "expected the name of a component, found '\(name)'",
                suggestion: nearest(name, in: stations.map(\.name)))
            return nil
        }
        let isDatabase = stations[s].database != nil
        if isDatabase && access == .none {
            reader.fail(
                node, path,
                "a database is called as '\(base).read' or '\(base).write' (reads go to the replicas, writes to the primary), found '\(name)'"
            )
            return nil
        }
        if !isDatabase && access != .none {
            reader.fail(
                node, path, "'.read' and '.write' apply to a database; '\(base)' is not one (call it as '\(base)')")
            return nil
        }
        return (s, access)
    }
}
