import InfraModel

/// The schema of `components:`: pools, balancers, caches, CDNs and their parts (the guards —
/// limits, TLS, inspection stages — in `ScenarioSchema+Security.swift`).
extension SchemaBuilder {
    // MARK: components

    func components(partial: Bool) -> JSONValue {
        .object(
            [
                ("type", .string("object")),
                (
                    "description",
                    .string(
                        "Components by name (letters, digits, '_' and '-', starting with a letter), in the order requests visit them by default."
                    )
                ),
                ("propertyNames", ref("name")),
                ("additionalProperties", ref(partial ? "partial-component" : "component")),
            ] + (partial ? [] : [("minProperties", .number(1))]))
    }

    /// Relative instance weights for weighted round robin (a pool's own, or its balancer's).
    func weightsSchema(_ text: String) -> JSONValue {
        .object([
            ("description", .string(text)),
            ("type", .string("array")),
            ("minItems", .number(1)),
            (
                "items",
                .object([
                    ("type", .string("number")), ("exclusiveMinimum", .number(0)), ("maximum", .number(1_000_000)),
                ])
            ),
        ])
    }

    /// The schema of a component chosen by its `kind`. `unknownKind` applies when the kind is
    /// absent (a variant's component, which takes its kind from the scenario it extends): nil
    /// means the server pool's (whose rules then report the missing kind).
    func byKind(
        balancer: JSONValue, database: JSONValue, cache: JSONValue, cdn: JSONValue, inspection: JSONValue,
        cluster: JSONValue, pool: JSONValue, unknownKind: JSONValue? = nil
    ) -> JSONValue {
        func kind(_ k: String, _ then: JSONValue, _ otherwise: JSONValue) -> JSONValue {
            kinds([k], then, otherwise)
        }
        func kinds(_ ks: [String], _ then: JSONValue, _ otherwise: JSONValue) -> JSONValue {
            let test: JSONValue =
                ks.count == 1
                ? .object([("const", .string(ks[0]))]) : .object([("enum", .array(ks.map { .string($0) }))])
            return .object([
                (
                    "if",
                    .object([
                        ("properties", .object([("kind", test)])),
                        ("required", .array([.string("kind")])),
                    ])
                ),
                ("then", then),
                ("else", otherwise),
            ])
        }
        return kind(
            "load_balancer", balancer,
            kind(
                "database", database,
                kind(
                    "cache", cache,
                    kind(
                        "cdn", cdn,
                        kinds(
                            ScenarioDecoder.inspectionKinds, inspection,
                            kind(
                                "cluster", cluster,
                                unknownKind.map { kind("server_pool", pool, $0) } ?? pool))))))
    }

    mutating func loadBalancer(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "kind": .object([
                ("description", .string("The kind of component. Required.")), ("const", .string("load_balancer")),
            ]),
            "targets": described(
                ref("name"),
                "The server_pool this balancer spreads requests over; a request through the balancer goes to it next. Required."
            ),
            "policy": .object([
                (
                    "description",
                    .string(
                        "How requests spread over the target's instances (default round_robin): the same spellings as a server pool's balance."
                    )
                ),
                ("default", .string(BalancePolicy.roundRobin.rawValue)),
                ("enum", .array(BalancePolicy.allCases.map { .string($0.rawValue) })),
            ]),
            "weights": weightsSchema(
                "For policy: weighted_round_robin: one positive number per instance of the target."),
            "vnodes": vnodesSchema,
            "load_factor": loadFactorSchema,
            "latency": described(
                ref(partial ? "partial-distribution" : "distribution"),
                "The balancer's own time per request (default none)."),
            "instances": described(
                count(minimum: 1, maximum: 1_000), "Balancer instances, requests spread over them in turn (default 1).",
                default: .number(1)),
            "capacity": .object([
                (
                    "description",
                    .string(
                        "Requests in flight per balancer instance (default unlimited); one more is turned away with queue_full. In a synchronous chain a request holds its place until the target answers."
                    )
                ),
                ("default", .string("unlimited")),
                ("anyOf", .array([count(minimum: 1), .object([("const", .string("unlimited"))])])),
            ]),
            "health_check": described(
                ref("health-check"), "How this balancer notices dead instances of its target (default: it never does)."),
            "failures": described(
                ref("failures"),
                "How the balancer's own instances (or, with failover, each unit of an active/passive pair) fail and are repaired (default: never)."
            ),
            "failover": failover(partial: partial),
            "rate_limit": rateLimit(partial: partial, owner: "load_balancer"),
            "tls": tls(partial: partial, owner: "load_balancer"),
            "region": regionProperty,
            "cost": costProperty,
        ]
        return object(
            ScenarioDecoder.loadBalancerKeys, table, at: "components.*(load_balancer)",
            required: ["kind", "targets"], partial: partial)
    }

    /// A load balancer's `failover:`: a switch time, or the pair's options.
    mutating func failover(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "switch": described(
                ref("duration"),
                "After the failure is noticed, requests are refused (failover) for this long, then the passive unit serves. Required."
            ),
            "standby": .object([
                (
                    "description",
                    .string(
                        "hot (default): the passive unit fails while it waits, as the active one; cold: it cannot fail while idle, its time to failure starts when it becomes active. cold needs exponential mtbf and mttr."
                    )
                ),
                ("default", .string(FailoverSpec.Standby.hot.rawValue)),
                ("enum", .array(FailoverSpec.Standby.allCases.map { .string($0.rawValue) })),
            ]),
            "detection": .object([
                (
                    "description",
                    .string(
                        "Time from the active unit's failure to the start of the switch, a duration or a distribution drawn per failure (default 0s): the instance is down meanwhile (instance_failed); a unit repaired first serves again at once."
                    )
                ),
                ("anyOf", .array([ref("duration"), ref(partial ? "partial-distribution" : "distribution")])),
            ]),
            "repair_crews": described(
                count(minimum: 1, maximum: 2),
                "2 (default): each unit repaired on its own; 1: one crew the pair shares, repairing its units one at a time in failure order (needs exponential mtbf and mttr).",
                default: .number(2)),
        ]
        return .object([
            (
                "description",
                .string(
                    "Each instance is an active/passive pair of units, each failing by failures: a switch time (failover: 5s: a hot standby, the failure noticed at once, each unit repaired on its own), or {switch, standby, detection, repair_crews}. Needs failures."
                )
            ),
            (
                "anyOf",
                .array([
                    ref("duration"),
                    object(
                        ScenarioDecoder.failoverKeys, table, at: "components.*(load_balancer).failover",
                        required: ["switch"], partial: partial),
                ])
            ),
        ])
    }

    mutating func serverPoolTable(partial: Bool) -> [String: JSONValue] {
        [
            "kind": .object([
                ("description", .string("The kind of component. Required.")),
                ("const", .string("server_pool")),
            ]),
            "instances": described(
                count(minimum: 0, maximum: 1_000_000),
                "Identical instances (default 1); 0 only for a cold standby (an autoscaled pool with standby: and min 0).",
                default: .number(1)),
            "workers": .object([
                (
                    "description",
                    .string(
                        "Parallel workers per instance (default 1), or 'unlimited' for a pure delay such as a network hop."
                    )
                ),
                ("default", .number(1)),
                ("anyOf", .array([count(minimum: 1), .object([("const", .string("unlimited"))])])),
            ]),
            "queue": .object([
                (
                    "description",
                    .string(
                        "Waiting slots per instance, not counting those in service (default unlimited); a request arriving at a full instance ends with queue_full."
                    )
                ),
                ("default", .string("unlimited")),
                ("anyOf", .array([count(minimum: 0), .object([("const", .string("unlimited"))])])),
            ]),
            "service": described(
                ref(partial ? "partial-distribution" : "distribution"),
                "Service time of one request at one worker. Required."),
            "balance": .object([
                (
                    "description",
                    .string(
                        "How an arriving request picks an instance (default round_robin): round_robin in turn; random; least_outstanding, the fewest requests in flight (ties in turn); power_of_two, the fewer in flight of two random instances; weighted_round_robin, smooth (nginx) by 'weights'; consistent_hash, by the request's key on a ring of 'vnodes' virtual nodes per instance, with bounded load ('load_factor'); every class visiting it needs 'keys'."
                    )
                ),
                ("default", .string(BalancePolicy.roundRobin.rawValue)),
                ("enum", .array(BalancePolicy.allCases.map { .string($0.rawValue) })),
            ]),
            "weights": weightsSchema(
                "Relative weights of the instances for balance: weighted_round_robin (required there, an error elsewhere): one positive number per instance, at most 6 decimal places, e.g. [3, 1]."
            ),
            "vnodes": vnodesSchema,
            "load_factor": loadFactorSchema,
            "discipline": .object([
                (
                    "description",
                    .string(
                        "Which request an instance serves next (default fifo): fifo, oldest waiting first; lifo, newest waiting first; adaptive_lifo, oldest first while at most 'lifo_above' wait, newest first beyond; {priority: [checkout, browse]}, the waiting request of the most urgent class first (the classes listed most urgent first, those not listed after them), oldest first within a class, non-preemptive unless 'preemptive: true' (preemptive resume: an arriving request takes the worker of a less urgent one in its own service, which later resumes with the service it had left); processor_sharing, every admitted request in service at once, the 'workers' (cores) shared equally, at most workers + queue admitted."
                    )
                ),
                ("default", .string("fifo")),
                (
                    "anyOf",
                    .array([
                        .object([("enum", .array(QueueDiscipline.names.map { .string($0) }))]),
                        .object([
                            ("type", .string("object")),
                            (
                                "properties",
                                .object([
                                    (
                                        "priority",
                                        .object([
                                            ("type", .string("array")),
                                            ("items", .object([("type", .string("string"))])),
                                            ("minItems", .number(1)),
                                        ])
                                    ),
                                    (
                                        "preemptive",
                                        .object([
                                            (
                                                "description",
                                                .string(
                                                    "Preemptive resume (default false): a more urgent request takes the worker of a less urgent one in its own service; the displaced request waits at the head of its level and resumes with the service it had left."
                                                )
                                            ),
                                            ("type", .string("boolean")), ("default", .bool(false)),
                                        ])
                                    ),
                                ])
                            ),
                            ("required", .array([.string("priority")])), ("additionalProperties", .bool(false)),
                        ]),
                    ])
                ),
            ]),
            "drop_expired": .object([
                (
                    "description",
                    .string(
                        "Drop a waiting attempt whose client has already given up (timed out) instead of serving it for nobody (default false; not with processor_sharing)."
                    )
                ),
                ("type", .string("boolean")), ("default", .bool(false)),
            ]),
            "timeout": .object([
                (
                    "description",
                    .string(
                        "Server-side queue timeout: a request that has waited this long in an instance's line leaves it unserved and ends with timeout, blamed on the pool (a duration); or a patience drawn per visit from a distribution ({exponential: {mean: 2s}}: the Erlang-A queue). Not with processor_sharing, unlimited workers or queue: 0. Default: none."
                    )
                ),
                ("anyOf", .array([ref("duration"), ref("distribution")])),
            ]),
            "lifo_above": described(
                count(minimum: 0),
                "discipline: adaptive_lifo only (an error elsewhere): newest first while more than this many requests wait (default half the queue, or 32 for an unlimited queue; below queue when the queue is finite)."
            ),
            "failures": described(ref("failures"), "How each instance fails and is repaired (default: never fails)."),
            "health_check": described(
                ref("health-check"),
                "How the pool's balancer notices dead instances (default: it never does); or give it on the load balancer in front of the pool."
            ),
            "zones": .object([
                (
                    "description",
                    .string(
                        "Zones the instances are spread over in turn (instance j in the (j mod n)-th); names declared under the top-level 'zones:' when there is one."
                    )
                ),
                ("type", .string("array")), ("minItems", .number(1)), ("items", ref("name")),
            ]),
            "cost": costProperty,
            "region": regionProperty,
            "rate_limit": rateLimit(partial: partial, owner: "server_pool"),
            "tls": tls(partial: partial, owner: "server_pool"),
            "concurrency_limit": concurrencyLimit(partial: partial),
            "autoscale": described(
                ref(partial ? "partial-autoscale" : "autoscale"),
                "Target-tracking autoscaling (default: none, a fixed fleet). With it, 'instances' is the count at time 0 (default: the autoscaler's min)."
            ),
            "standby": object(
                ScenarioDecoder.standbyKeys,
                [
                    "scale_to": described(
                        count(minimum: 1, maximum: 1_000_000),
                        "The autoscaler's minimum while DNS's health checks know its primary region down: the instances missing are provisioned at the failover (from min to max). Required."
                    )
                ], at: "components.*.standby", required: ["scale_to"], partial: partial),
        ].merging(podProperties()) { a, _ in a }
    }

    mutating func autoscale(partial: Bool) -> JSONValue {
        let me = self
        let d = { (text: String) -> JSONValue in me.described(me.ref("duration"), text) }
        let table: [String: JSONValue] = [
            "metric": .object([
                (
                    "description",
                    .string(
                        "What the autoscaler tracks per serving instance: utilization (busy workers over the serving instances' workers), in_flight (requests at the pool, in service or waiting), request_rate (requests arriving per second). Required."
                    )
                ),
                ("enum", .array(AutoscalePolicy.Metric.allCases.map { .string($0.rawValue) })),
            ]),
            "target": .object([
                (
                    "description",
                    .string(
                        "The metric's target per instance: a share for utilization (60% or 0.6), a number for in_flight, a rate for request_rate (e.g. 100/s). Required."
                    )
                ),
                ("type", .array([.string("number"), .string("string")])),
            ]),
            "min": described(
                count(minimum: 0, maximum: 1_000_000),
                "Fewest instances held (default 1); 0 only on a standby pool (a cold standby).", default: .number(1)),
            "max": described(count(minimum: 1, maximum: 1_000_000), "Most instances held. Required."),
            "interval": d("Time between evaluations (default 15s)."),
            "metric_lag": d(
                "Age of the sample an evaluation acts on: the newest sample at least this old (default 0s)."),
            "cooldown": d("Both cooldowns at once (scale_out_cooldown and scale_in_cooldown override it)."),
            "scale_out_cooldown": d("No scale-out sooner than this after the last scale-out (default 0s)."),
            "scale_in_cooldown": d(
                "No scale-in sooner than this after the last scaling action of either kind (default 5m)."),
            "scale_out_window": d(
                "Scale-out stabilisation: the lowest desired count of this window is used (default 0s: the latest)."),
            "scale_in_window": d(
                "Scale-in stabilisation: the highest desired count of this window is used (default 5m)."),
            "max_step": described(
                count(minimum: 1, maximum: 1_000_000), "Most instances one action adds or removes (default: no limit)."),
            "provisioning": .object([
                (
                    "description",
                    .string(
                        "Time from a scale-out to serving: a duration (fixed) or a distribution (default 60s). Billed from the scale-out."
                    )
                ),
                ("anyOf", .array([ref("duration"), ref("distribution")])),
            ]),
            "drain": d(
                "Time a removed instance drains (out of the rotation, finishing its work) before it stops; what is left fails with instance_failed (default 30s)."
            ),
            "schedule": .object([
                (
                    "description",
                    .string(
                        "Scheduled scaling: from each 'at' (in time order) the minimum is 'min'; a raise scales out at once."
                    )
                ),
                ("type", .string("array")),
                (
                    "items",
                    object(
                        ScenarioDecoder.autoscaleScheduleKeys,
                        [
                            "at": described(ref("duration"), "Time from the start of the replication. Required."),
                            "min": described(
                                count(minimum: 1, maximum: 1_000_000), "The minimum from then on (≤ max). Required."),
                        ], at: "components.*.autoscale.schedule.*", required: ["at", "min"])
                ),
            ]),
        ]
        return object(
            ScenarioDecoder.autoscaleKeys, table, at: "components.*.autoscale",
            required: ["metric", "target", "max"], partial: partial)
    }

    mutating func serverPool(partial: Bool) -> JSONValue {
        object(
            ScenarioDecoder.serverPoolKeys, serverPoolTable(partial: partial), at: "components.*",
            required: ["kind", "service"], partial: partial)
    }

    /// `kind: cache` (`cdn: false`) or `kind: cdn`: a server pool's keys and the cache's own.
    mutating func cache(partial: Bool, cdn: Bool) -> JSONValue {
        var table = serverPoolTable(partial: partial)
        let kind = cdn ? "cdn" : "cache"
        table["kind"] = .object([
            ("description", .string("The kind of component. Required.")), ("const", .string(kind)),
        ])
        if cdn {
            table["service"] = nil
            table["latency"] = described(
                ref(partial ? "partial-distribution" : "distribution"),
                "The network latency between the user and the edge: the time every request spends at the CDN, hit or miss (a pure delay unless 'workers' is given). Required."
            )
            table["workers"] = .object([
                ("description", .string("Parallel requests per edge instance (default unlimited: a pure delay).")),
                ("default", .string("unlimited")),
                ("anyOf", .array([count(minimum: 1), .object([("const", .string("unlimited"))])])),
            ])
        } else {
            table["service"] = described(
                ref(partial ? "partial-distribution" : "distribution"),
                "Time of one lookup at one worker (hit or miss). Required.")
        }
        table["hit_ratio"] = .object([
            (
                "description",
                .string(
                    "A fixed hit ratio: each lookup hits with this probability (0.85 or 85%), the request's own draw. Give this or 'policy'."
                )
            ),
            ("type", .array([.string("number"), .string("string")])),
        ])
        table["policy"] = .object([
            (
                "description",
                .string(
                    "An emergent hit ratio: lru, a least-recently-used cache over the request keys (every class visiting it needs 'keys'), of 'capacity' keys. Give this or 'hit_ratio'."
                )
            ),
            ("enum", .array(ScenarioDecoder.cachePolicies.map { .string($0) })),
        ])
        table["capacity"] = .object([
            (
                "description",
                .string("policy: lru only (required there): keys held, per instance or in total ('per'), e.g. 200k.")
            ),
            (
                "anyOf",
                .array([
                    .object([("type", .string("integer")), ("minimum", .number(1))]),
                    .object([
                        ("type", .string("string")),
                        ("pattern", .string("^\\s*[0-9][0-9_]*(?:\\.[0-9]+)?\\s*(?:k|M|G)?\\s*$")),
                    ]),
                ])
            ),
        ])
        table["per"] = .object([
            (
                "description",
                .string(
                    "policy: lru only: 'instance' (default), capacity is each instance's; 'total', capacity is split evenly over the instances (a sharded cache; use balance: consistent_hash)."
                )
            ),
            ("default", .string("instance")), ("enum", .array([.string("instance"), .string("total")])),
        ])
        table["ttl"] = described(
            ref("duration"),
            "policy: lru only: an entry expires this long after its fill (hits do not extend it). Default: never.")
        table["start"] = .object([
            (
                "description",
                .string(
                    "policy: lru only: warm (default), each instance starts holding the most popular keys it would be sent, up to its capacity; cold, empty. A restarted instance always comes back cold."
                )
            ),
            ("default", .string("warm")), ("enum", .array(CacheSpec.Start.allCases.map { .string($0.rawValue) })),
        ])
        table["on_failure"] = .object([
            (
                "description",
                .string(
                    "What a request does when no instance can take it (all believed unhealthy, or the one picked has crashed): bypass (default), straight to the backend below; fail, as a server pool."
                )
            ),
            ("default", .string("bypass")), ("enum", .array(CacheSpec.OnFailure.allCases.map { .string($0.rawValue) })),
        ])
        return object(
            cdn ? ScenarioDecoder.cdnKeys : ScenarioDecoder.cacheKeys, table, at: "components.*(\(kind))",
            required: ["kind", cdn ? "latency" : "service"], partial: partial)
    }

    /// A variant's component without `kind` (it keeps its base's): any key of any kind, where a
    /// key two kinds describe differently may take either form. The merged scenario is checked
    /// against its kind's own rules when it is loaded.
    mutating func componentOfAnyKind() -> JSONValue {
        let kinds = [
            serverPool(partial: true), loadBalancer(partial: true), database(partial: true),
            cache(partial: true, cdn: false), cache(partial: true, cdn: true), inspection(partial: true),
            cluster(partial: true),
        ]
        // Per key, the distinct forms the kinds give it, in the kinds' order.
        var forms: [(key: String, schemas: [JSONValue])] = []
        for kind in kinds {
            guard case .object(let pairs)? = kind["properties"] else { continue }
            for (key, schema) in pairs {
                if let i = forms.firstIndex(where: { $0.key == key }) {
                    if !forms[i].schemas.contains(schema) { forms[i].schemas.append(schema) }
                } else {
                    forms.append((key, [schema]))
                }
            }
        }
        let properties = forms.map { f in
            (key: f.key, value: f.schemas.count == 1 ? f.schemas[0] : JSONValue.object([("anyOf", .array(f.schemas))]))
        }
        return .object([
            (
                "description",
                .string(
                    "A variant's component without 'kind' (it keeps its base's): any key of any kind; the merged component is checked by its kind's rules."
                )
            ),
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
            ("properties", .object(properties)),
        ])
    }
}
