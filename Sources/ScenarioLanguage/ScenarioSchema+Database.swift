import InfraModel

extension SchemaBuilder {
    /// `kind: database` (see `ScenarioDecoder.decodeDatabase`).
    mutating func database(partial: Bool) -> JSONValue {
        let dist = ref(partial ? "partial-distribution" : "distribution")
        let workers = JSONValue.object([
            (
                "description",
                .string("Parallel workers (connections served at once) per node (default 1), or 'unlimited'.")
            ),
            ("anyOf", .array([count(minimum: 1), .object([("const", .string("unlimited"))])])),
        ])
        let queue = JSONValue.object([
            (
                "description",
                .string("Waiting slots per node (default unlimited); one more request ends with queue_full.")
            ),
            ("anyOf", .array([count(minimum: 0), .object([("const", .string("unlimited"))])])),
        ])
        let primaryTable: [String: JSONValue] = [
            "workers": workers, "queue": queue,
            "service": described(dist, "Service time of one query at the primary. Required."),
        ]
        let replicaTable: [String: JSONValue] = [
            "count": described(
                count(minimum: 0, maximum: 1_000),
                "Read replicas in the database's own region (instances 1…count; the primary is instance 0). Required."),
            "remote": described(
                .object([
                    ("type", .string("object")),
                    ("additionalProperties", count(minimum: 1, maximum: 1_000)),
                ]),
                "Replicas in other regions: region name -> count (after the local ones). A commit reaches a replica in another region than the primary after its lag plus half the regions' round trip; reads go to the nearest region with a replica up, the caller's own first."
            ),
            "workers": workers, "queue": queue,
            "service": described(dist, "Service time of one read at a replica (default the primary's)."),
            "lag": described(
                dist,
                "Replication lag of each commit at each replica, drawn per write and replica; a replica applies commits in commit order at max(commit + lag, previous apply). Required with replicas unless 'apply' is given; with 'apply' it is the time to ship a commit to the replica (default 0s)."
            ),
            "apply": described(
                dist,
                "An apply queue: the time to apply one commit at a replica, on 'apply_threads' threads, dispatched and made visible in commit order, so the lag grows with the write load. Default: none (the lag alone)."
            ),
            "apply_threads": described(
                count(minimum: 1, maximum: 1_000), "Apply threads per replica (with 'apply'; default 1)."),
            "balance": .object([
                ("description", .string("How reads pick a replica (default round_robin).")),
                ("enum", .array(ScenarioDecoder.databaseBalancePolicies.map { .string($0.rawValue) })),
            ]),
        ]
        let table: [String: JSONValue] = [
            "kind": .object([
                ("description", .string("The kind of component. Required.")), ("const", .string("database")),
            ]),
            "primary": described(
                object(
                    ScenarioDecoder.databasePrimaryKeys, primaryTable, at: "components.*(database).primary",
                    required: ["service"], partial: partial),
                "The primary, which serves every write (and reads by read_policy). Required."),
            "replicas": described(
                object(
                    ScenarioDecoder.databaseReplicaKeys, replicaTable, at: "components.*(database).replicas",
                    required: ["count"], partial: partial),
                "Read replicas (default none)."),
            "replication": .object([
                (
                    "description",
                    .string(
                        "async (default): a write returns at its commit; sync: it returns (holding its primary worker) when 'acks' replicas have applied it."
                    )
                ),
                ("enum", .array([.string("async"), .string("sync")])),
            ]),
            "acks": described(
                count(minimum: 1),
                "replication: sync only: replicas whose apply a write waits for (default 1, at most replicas.count)."),
            "read_policy": .object([
                ("description", .string("Where reads go (default replicas): replicas, primary, or any node.")),
                ("enum", .array(ReadPolicy.allCases.map { .string($0.rawValue) })),
            ]),
            "failures": described(
                ref("failures"), "How each node (primary and replicas) fails and is repaired (default: never fails)."),
            "health_check": described(
                ref("health-check"), "How the database's clients notice dead nodes (default: they never do)."),
            "zones": .object([
                ("description", .string("Zones the nodes are spread over in turn (the primary is node 0).")),
                ("type", .string("array")), ("minItems", .number(1)), ("items", ref("name")),
            ]),
            "cost": costProperty,
            "region": regionProperty,
            "failover": described(
                object(
                    ScenarioDecoder.databaseFailoverKeys,
                    [
                        "detect": .object([
                            (
                                "description",
                                .string(
                                    "Time from the primary's failure until it is noticed: a duration or a distribution. Required."
                                )
                            ),
                            ("anyOf", .array([ref("duration"), dist])),
                        ]),
                        "promote": .object([
                            (
                                "description",
                                .string(
                                    "Time to promote the most caught-up replica once noticed (and a switchover's promotion): a duration or a distribution. Required."
                                )
                            ),
                            ("anyOf", .array([ref("duration"), dist])),
                        ]),
                    ], at: "components.*(database).failover", required: ScenarioDecoder.databaseFailoverKeys,
                    partial: partial),
                "Primary failover (needs replicas): when the primary fails, writes end with 'failover' until, after detect + promote, the up replica with the most commits is the primary; the commits it lacks are lost (db.<c>.lost_writes). Default: none (a failed primary fails writes until it is back)."
            ),
            "backups": described(
                object(
                    ScenarioDecoder.databaseBackupKeys, backupTable(dist, partial: partial),
                    at: "components.*(database).backups", required: ["duration"], partial: partial),
                "A backup schedule: a backup starts at 'at' and every 'every' after, reads a snapshot from one node and slows that node for its duration; once over it is what a restore recovers (db.<c>.backups). Default: none."
            ),
            "restore": described(
                object(
                    ScenarioDecoder.databaseRestoreKeys, restoreTable(dist), at: "components.*(database).restore",
                    required: [], partial: partial),
                "Recovery from a total loss (a data_loss event, or every node down at once): every request fails with 'restoring' for the restore time, then the database serves the last completed backup, or with log_shipping the last shipped commit; the acknowledged writes after it are lost (db.<c>.data_lost). Give 'time', or 'size' and 'rate'. Default: none."
            ),
        ]
        return object(
            ScenarioDecoder.databaseKeys, table, at: "components.*(database)",
            required: ["kind", "primary"], partial: partial)
    }

    /// The keys of a database's `backups:`.
    private mutating func backupTable(_ dist: JSONValue, partial: Bool) -> [String: JSONValue] {
        let timeOrDistribution = JSONValue.object([("anyOf", .array([ref("duration"), dist]))])
        let load: [String: JSONValue] = [
            "service_factor": .object([
                (
                    "description",
                    .string(
                        "The node's service times are multiplied by this during the backup: 1.5x or a plain number ≥ 1 (default 1 when load is given)."
                    )
                ),
                ("type", .array([.string("number"), .string("string")])),
            ]),
            "workers": .object([
                (
                    "description",
                    .string(
                        "Workers of the node the backup holds for its duration: a count, or a share of the node's (finite) workers such as 25%, rounded up (default 0)."
                    )
                ),
                ("type", .array([.string("integer"), .string("string")])),
            ]),
        ]
        return [
            "every": described(ref("duration"), "Time between two backups' starts (default 24h)."),
            "at": described(ref("duration"), "The first backup's start, from time 0, before the horizon (default 0s)."),
            "duration": described(
                timeOrDistribution, "How long a backup takes: a duration or a distribution, drawn per backup. Required."
            ),
            "from": .object([
                (
                    "description",
                    .string(
                        "The node it reads from: replica (the last replica up that is not the primary; the default with replicas) or primary (the default without)."
                    )
                ),
                ("enum", .array(DatabaseBackups.Source.allCases.map { .string($0.rawValue) })),
            ]),
            "load": described(
                object(
                    ScenarioDecoder.databaseBackupLoadKeys, load, at: "components.*(database).backups.load",
                    required: [], partial: partial),
                "What the backup costs its node (default {service_factor: 1.5x})."),
        ]
    }

    /// The keys of a database's `restore:`.
    private func restoreTable(_ dist: JSONValue) -> [String: JSONValue] {
        [
            "time": .object([
                ("description", .string("The restore's duration: a duration or a distribution, drawn per restore.")),
                ("anyOf", .array([ref("duration"), dist])),
            ]),
            "size": described(ref("size"), "The data to restore (500GB): with 'rate', the restore takes size / rate."),
            "rate": .object([
                ("description", .string("The restore's data rate, a size per time unit (200MB/s, 1.5GB/min).")),
                ("type", .string("string")),
            ]),
            "log_shipping": described(
                ref("duration"),
                "Point-in-time recovery: the log is shipped off the nodes at the end of every interval of this length, and a restore replays it up to the last shipment (default: none)."
            ),
            "all_down": .object([
                (
                    "description",
                    .string(
                        "restore (default): every node down at once is a total loss; wait: the nodes keep their data and the database waits for them."
                    )
                ),
                ("enum", .array(DatabaseRestore.AllDown.allCases.map { .string($0.rawValue) })),
            ]),
        ]
    }
}
