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
                "Read replicas (instances 1…count; the primary is instance 0). Required."),
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
        ]
        return object(
            ScenarioDecoder.databaseKeys, table, at: "components.*(database)",
            required: ["kind", "primary"], partial: partial)
    }
}
