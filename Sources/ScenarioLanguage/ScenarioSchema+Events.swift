import InfraModel

/// The schema of `events:` items: outages, gray failures, maintenance, restarts, deploys,
/// cache flushes, switchovers, databases' data losses and region outages.
extension SchemaBuilder {
    /// One scheduled event: `at` and exactly one action.
    mutating func event() -> JSONValue {
        let target: [(key: String, value: JSONValue)] = [
            ("component", ref("name")),
            ("zone", ref("name")),
            (
                "instances",
                .object([
                    ("description", .string("The first n instances, or a list of instance indices (default: all).")),
                    (
                        "anyOf",
                        .array([
                            count(minimum: 1), .object([("type", .string("array")), ("items", count(minimum: 0))]),
                        ])
                    ),
                ])
            ),
        ]
        func action(
            _ extra: [(key: String, value: JSONValue)], required: [String],
            targets: [String] = ["component", "zone", "instances"]
        ) -> JSONValue {
            .object([
                ("type", .string("object")), ("additionalProperties", .bool(false)),
                ("properties", .object(target.filter { targets.contains($0.key) } + extra)),
                ("required", .array(required.map { .string($0) })),
            ])
        }
        let multiplier = JSONValue.object([("type", .array([.string("number"), .string("string")]))])
        func share(_ what: String) -> JSONValue {
            .object([
                ("description", .string(what + ", 0.01 or 1%.")),
                ("type", .array([.string("number"), .string("string")])),
            ])
        }
        func step(_ what: String) -> JSONValue {
            .object([
                ("description", .string(what + ": a count, or a share of the pool such as 25%.")),
                ("type", .array([.string("integer"), .string("string")])),
            ])
        }
        let version = JSONValue.object([
            (
                "description",
                .string(
                    "The new version: service times × service_factor (default 1x), and the share of its responses that are errors, server_error (default 0)."
                )
            ),
            ("type", .string("object")), ("additionalProperties", .bool(false)),
            (
                "properties",
                .object([
                    ("service_factor", multiplier),
                    ("error_rate", share("Share of the new version's responses that are errors")),
                ])
            ),
        ])
        let analysis = JSONValue.object([
            (
                "description",
                .string(
                    "Judges the new version at the end of the bake by one-sided Wilson bounds at the confidence: a share above its limit rolls back, all within promote, otherwise on_inconclusive decides."
                )
            ),
            ("type", .string("object")), ("additionalProperties", .bool(false)),
            (
                "properties",
                .object([
                    ("max_error_rate", share("Most errors allowed among the new version's responses")),
                    (
                        "max_latency",
                        .object([
                            (
                                "description",
                                .string("One percentile of the time at the instance and its limit, e.g. {p99: 250ms}.")
                            ),
                            ("type", .string("object")), ("minProperties", .number(1)),
                            ("additionalProperties", .bool(false)),
                            ("properties", .object(ScenarioDecoder.deployQuantiles.map { ($0.0, ref("duration")) })),
                        ])
                    ),
                    ("confidence", share("Confidence of each bound, in [50%, 100%) (default 95%)")),
                    (
                        "on_inconclusive",
                        .object([("enum", .array(DeployVerdict.allCases.map { .string($0.rawValue) }))])
                    ),
                ])
            ),
            (
                "anyOf",
                .array([
                    .object([("required", .array([.string("max_error_rate")]))]),
                    .object([("required", .array([.string("max_latency")]))]),
                ])
            ),
        ])
        let actions: [(key: String, value: JSONValue)] = [
            (
                "outage",
                action(
                    [
                        ("for", ref("duration")),
                        ("mode", .object([("enum", .array(FailureSpec.Mode.allCases.map { .string($0.rawValue) }))])),
                    ], required: ["for"])
            ),
            ("degrade", action([("factor", multiplier), ("for", ref("duration"))], required: ["factor", "for"])),
            (
                "maintenance",
                action(
                    [("for", ref("duration")), ("drain", ref("duration"))], required: ["component", "for"],
                    targets: ["component", "instances"])
            ),
            (
                "rolling_restart",
                action(
                    [("batch", count(minimum: 1)), ("each", ref("duration")), ("drain", ref("duration"))],
                    required: ["component", "each"], targets: ["component"])
            ),
            (
                "rolling_deploy",
                action(
                    [
                        ("batch", count(minimum: 1)),
                        (
                            "max_unavailable",
                            step("Instances out of the rotation at once: batch by its Kubernetes name")
                        ),
                        ("max_surge", step("Instances replaced beside them per step, billed extra (default 0)")),
                        ("each", ref("duration")), ("drain", ref("duration")),
                        ("service_factor", multiplier), ("version", version),
                    ],
                    required: ["component", "each"], targets: ["component"])
            ),
            (
                "canary_deploy",
                action(
                    [
                        ("instances", count(minimum: 1)), ("bake", ref("duration")), ("batch", count(minimum: 1)),
                        (
                            "max_unavailable",
                            step(
                                "A promotion step's instances out of the rotation at once: batch by its Kubernetes name"
                            )
                        ),
                        (
                            "max_surge",
                            step("Instances replaced beside them per promotion step, billed extra (default 0)")
                        ),
                        ("each", ref("duration")), ("drain", ref("duration")), ("version", version),
                        ("analysis", analysis),
                    ],
                    required: ["component", "bake", "each"], targets: ["component"])
            ),
            (
                "blue_green_deploy",
                action(
                    [
                        ("provision", ref("duration")), ("bake", ref("duration")), ("version", version),
                        ("analysis", analysis),
                    ],
                    // provision is required for a pool of VMs, and an error for pods on a cluster.
                    required: ["component", "bake"], targets: ["component"])
            ),
            ("cache_flush", action([], required: ["component"], targets: ["component"])),
            ("switchover", action([], required: ["component"], targets: ["component"])),
            ("data_loss", action([], required: ["component"], targets: ["component"])),
            (
                "region_outage",
                .object([
                    ("type", .string("object")), ("additionalProperties", .bool(false)),
                    (
                        "properties",
                        .object([
                            ("region", described(ref("name"), "The region (under 'regions:') that goes down.")),
                            ("for", ref("duration")),
                            (
                                "mode",
                                .object([("enum", .array(FailureSpec.Mode.allCases.map { .string($0.rawValue) }))])
                            ),
                        ])
                    ),
                    ("required", .array([.string("region"), .string("for")])),
                ])
            ),
        ]
        return .object([
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
            ("required", .array([.string("at")])),
            ("minProperties", .number(2)),
            (
                "properties",
                .object([("at", described(ref("duration"), "When, from time 0 (warm-up included)."))] + actions)
            ),
        ])
    }
}
