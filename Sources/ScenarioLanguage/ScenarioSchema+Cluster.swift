import InfraModel

/// The schema of `kind: cluster` and of a pool's `cluster:` and `pod:`.
extension SchemaBuilder {
    /// `{cpu, memory}`: a node's allocatable resources, or a pod's requests (with `extra`
    /// keys: a pod's disruption budget).
    mutating func resources(
        _ text: String, of whose: String, extra: [String: JSONValue] = [:], extraKeys: [String] = []
    ) -> JSONValue {
        let me = self
        return me.described(
            object(
                ScenarioDecoder.nodeKeys + extraKeys,
                [
                    "cpu": .object([
                        (
                            "description",
                            .string("CPU \(whose), in cores (0.5) or millicores (500m); whole millicores, at least 1m.")
                        ),
                        ("type", .array([.string("number"), .string("string")])),
                    ]),
                    "memory": me.described(me.ref("size"), "Memory \(whose), a size (8GiB, 512MiB, 2GB)."),
                ].merging(extra) { a, _ in a }, at: "components.*.node", required: ScenarioDecoder.nodeKeys), text)
    }

    mutating func cluster(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "kind": .object([
                ("description", .string("The kind of component. Required.")), ("const", .string("cluster")),
            ]),
            "node": resources(
                "The node type: what each node has to allocate to pods. Required.", of: "allocatable on each node"),
            "nodes": .object([
                (
                    "description",
                    .string(
                        "Nodes held for the whole run (a fixed count, billed whether or not they run pods), or {min, max, initial} for the cluster autoscaler (initial defaults to min). Required."
                    )
                ),
                (
                    "anyOf",
                    .array([
                        count(minimum: 1, maximum: 100_000),
                        object(
                            ScenarioDecoder.nodeRangeKeys,
                            [
                                "min": described(count(minimum: 0, maximum: 100_000), "Nodes held at least."),
                                "max": described(
                                    count(minimum: 1, maximum: 100_000), "Nodes held at most (the node slots)."),
                                "initial": described(
                                    count(minimum: 0, maximum: 100_000),
                                    "Nodes held and ready at time 0, from min to max (default min)."),
                            ], at: "components.*.nodes", required: ["min", "max"]),
                    ])
                ),
            ]),
            "autoscale": object(
                ScenarioDecoder.clusterAutoscaleKeys,
                [
                    "scan_interval": described(ref("duration"), "Time between the autoscaler's scans (default 10s)."),
                    "provisioning": .object([
                        (
                            "description",
                            .string(
                                "Time from the decision to add a node until it takes pods (billed from the decision): a duration or a distribution (default 90s)."
                            )
                        ),
                        ("anyOf", .array([ref("duration"), ref(partial ? "partial-distribution" : "distribution")])),
                    ]),
                    "scale_down_utilization": .object([
                        (
                            "description",
                            .string(
                                "A node whose requested share (the larger of CPU and memory) is below this may be removed: a share (50% or 0.5, the default)."
                            )
                        ),
                        ("type", .array([.string("number"), .string("string")])),
                    ]),
                    "scale_down_unneeded": described(
                        ref("duration"), "How long a node must stay unneeded before it is removed (default 10m)."),
                    "scale_down_delay_after_add": described(
                        ref("duration"), "No scale-down sooner than this after a scale-up (default 10m)."),
                    "drain": described(
                        ref("duration"),
                        "How long the pods of a node being removed drain before it goes; what is left fails (default 30s)."
                    ),
                ], at: "components.*.autoscale", required: []),
            "zones": .object([
                (
                    "description",
                    .string(
                        "Zones of the nodes in turn (node k in the (k mod n)-th); names declared under the top-level 'zones:' when there is one. A pod's zone is its node's."
                    )
                ),
                ("type", .string("array")), ("minItems", .number(1)), ("items", ref("name")),
            ]),
            "scoring": .object([
                (
                    "description",
                    .string(
                        "How the scheduler ranks the nodes a pod fits on: least_allocated (default; the node left with the most free, mean of CPU and memory shares: pods spread) or most_allocated (the node left with the least free: bin-packing). Ties go to the lowest node."
                    )
                ),
                ("default", .string(ClusterSpec.Score.leastAllocated.rawValue)),
                ("enum", .array(ClusterSpec.Score.allCases.map { .string($0.rawValue) })),
            ]),
            "spread": .object([
                (
                    "description",
                    .string(
                        "With zones: each pod goes to a zone with the fewest of its pool's pods among the zones where it fits, before the scoring picks the node (default true)."
                    )
                ),
                ("type", .string("boolean")), ("default", .bool(true)),
            ]),
            "failures": described(
                ref("failures"),
                "Random failures of each node: {mtbf, mttr} (a node's failure crashes its pods; mode, repair_crews and required are a pool's only). Default: nodes fail only by node_outages and zones."
            ),
            "node_outages": .object([
                (
                    "description",
                    .string(
                        "Scheduled failures of single nodes: [{at, node, for}], node 0-based; its pods are killed and rescheduled on the nodes with room."
                    )
                ),
                ("type", .string("array")),
                (
                    "items",
                    object(
                        ScenarioDecoder.nodeOutageKeys,
                        [
                            "at": described(ref("duration"), "When the node goes down (before the horizon)."),
                            "node": described(count(minimum: 0, maximum: 99_999), "The node, 0-based."),
                            "for": described(ref("duration"), "How long it stays down."),
                        ], at: "components.*.node_outages.*", required: ScenarioDecoder.nodeOutageKeys)
                ),
            ]),
            "pod_startup": .object([
                (
                    "description",
                    .string(
                        "Time from a pod's placement on a node to serving (image pull and readiness): a duration or a distribution (default 0s). Pods placed at time 0 serve at once."
                    )
                ),
                ("anyOf", .array([ref("duration"), ref(partial ? "partial-distribution" : "distribution")])),
            ]),
            "agents": resources(
                "Node agents (monitoring and logging daemons): CPU and memory they reserve on every node, not allocatable to pods (default none).",
                of: "reserved on each node"),
            "overcommit": .object([
                (
                    "description",
                    .string(
                        "CPU over-commit ratio (default 1): the scheduler places CPU requests up to this many times a node's CPU, and the pods of a node whose requests (agents included) exceed its CPU serve slower by requested / CPU. Memory is never over-committed."
                    )
                ),
                ("type", .string("number")), ("minimum", .number(1)), ("maximum", .number(100)),
            ]),
            "cost": described(
                ref("price"),
                "Price per node-hour held (0.20/h), billed per second: a pool on the cluster has no instance price of its own."
            ),
        ]
        return object(
            ScenarioDecoder.clusterKeys, table, at: "components.*(cluster)", required: ["kind", "node", "nodes"],
            partial: partial)
    }

    /// A server pool's `cluster:` and `pod:`.
    mutating func podProperties() -> [String: JSONValue] {
        let pod = resources(
            "What each pod requests on its node. Needs 'cluster'.", of: "requested by each pod",
            extra: [
                "max_unavailable": described(
                    count(minimum: 0, maximum: 1_000_000),
                    "The pool's disruption budget: the cluster autoscaler evicts a node's pods only while at most this many of the pool's pods are not running (default: no budget)."
                )
            ], extraKeys: ScenarioDecoder.podOptionalKeys)
        return [
            "cluster": described(
                ref("name"),
                "A component of kind cluster the pool runs on: each instance is a pod, placed on a node by the cluster's scheduler (pending while no node has room). Needs 'pod'; not with 'zones' (a pod's zone is its node's) or an instance price."
            ),
            "pod": pod,
        ]
    }
}
