import InfraModel

/// The JSON Schema (draft 2020-12) of the scenario language, for editors: with it, VS Code
/// (YAML extension), IntelliJ and others complete keys, show descriptions and flag mistakes as
/// they are typed. `capsim schema` prints it.
///
/// It is built from the decoder's own lists (`ScenarioDecoder.topLevelKeys`, `serverPoolKeys`,
/// `distributionNames`, `BalancePolicy.allCases`, …) rather than a second hand-written copy, and
/// the tests keep the two in step: every key the decoder accepts at each place is a property
/// there, every shipped scenario validates, every example decodes.
///
/// Values are typed as an editor reads YAML 1.2: `10` is an integer, `10ms` a string, so
/// durations, rates and sizes are strings with a pattern. A file with `extends:` is a variant:
/// its mappings merge over the base's, so nothing in it is required except what a list item
/// (a class, an SLO) needs — the `partial-` definitions.
public enum ScenarioSchema {
    /// The schema as a JSON value.
    public static var document: JSONValue { SchemaBuilder().document }

    /// The schema as pretty JSON text.
    public static var text: String { document.text }

    /// Keys the decoder accepts for which the schema has no description: kept empty by a test,
    /// so a field added to the decoder is noticed here.
    static var undescribedKeys: [String] {
        var builder = SchemaBuilder()
        _ = builder.build()
        return builder.undescribed
    }
}

/// Assembles the schema. Each object's properties are listed in the decoder's order, looked up
/// in a table of descriptions; a key missing from the table still gets a permissive entry (so
/// editors do not flag valid files) and is recorded in `undescribed`.
struct SchemaBuilder {
    var undescribed: [String] = []

    var document: JSONValue {
        var copy = self
        return copy.build()
    }

    mutating func build() -> JSONValue {
        var defs: [(key: String, value: JSONValue)] = [
            ("scenario", scenario(partial: false)),
            ("partial-scenario", scenario(partial: true)),
            ("duration", durationSchema),
            ("rate", rateSchema),
            ("name", .object([
                ("type", .string("string")),
                ("pattern", .string("^[A-Za-z][A-Za-z0-9_-]*$")),
                ("description", .string("A name used in metric ids and key paths: letters, digits, '_' and '-', starting with a letter.")),
            ])),
            ("components", components(partial: false)),
            ("partial-components", components(partial: true)),
            // The kind decides the keys: a load balancer, else a server pool (so a server pool's
            // mistakes are reported against the server pool's own rules).
            ("component", byKind(balancer: ref("load-balancer"), database: ref("database"), cache: ref("cache"), cdn: ref("cdn"), pool: ref("server-pool"))),
            ("partial-component", byKind(balancer: ref("partial-load-balancer"), database: ref("partial-database"), cache: ref("partial-cache"),
                                         cdn: ref("partial-cdn"), pool: ref("partial-server-pool"))),
            ("cache", cache(partial: false, cdn: false)),
            ("partial-cache", cache(partial: true, cdn: false)),
            ("cdn", cache(partial: false, cdn: true)),
            ("partial-cdn", cache(partial: true, cdn: true)),
            ("server-pool", serverPool(partial: false)),
            ("partial-server-pool", serverPool(partial: true)),
            ("load-balancer", loadBalancer(partial: false)),
            ("database", database(partial: false)),
            ("partial-database", database(partial: true)),
            ("partial-load-balancer", loadBalancer(partial: true)),
            ("distribution", distribution(partial: false)),
            ("partial-distribution", distribution(partial: true)),
            ("workload", workload(partial: false)),
            ("partial-workload", workload(partial: true)),
            ("arrivals", arrivals(partial: false)),
            ("partial-arrivals", arrivals(partial: true)),
            ("profile", profile()),
            ("class", requestClass()),
            ("call", call()),
            ("failures", failures()),
            ("event", event()),
            ("health-check", healthCheck()),
            ("autoscale", autoscale(partial: false)),
            ("partial-autoscale", autoscale(partial: true)),
            ("keys", keys()),
            ("call-step", callStep()),
            ("replication-plan", replicationPlan(partial: false)),
            ("partial-replication-plan", replicationPlan(partial: true)),
            ("slo", slo()),
            ("availability", availability(partial: false)),
            ("partial-availability", availability(partial: true)),
            ("sweep", sweep()),
            ("client", client()),
            ("retries", retries()),
            ("cost", cost()),
            ("price", priceSchema),
            ("size", sizeSchema),
        ]
        defs.sort { $0.key < $1.key }
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("capsim scenario (language version \(Scenario.languageVersion))")),
            ("description", .string("A capsim scenario: traffic, components and how to run the simulation. Every quantity carries its unit (250ms, 2000/s). A file with 'extends' is a variant of another scenario: its mappings merge over the base's.")),
            ("if", .object([("required", .array([.string("extends")]))])),
            ("then", ref("partial-scenario")),
            ("else", ref("scenario")),
            ("$defs", .object(defs)),
        ])
    }

    // MARK: the top level

    mutating func scenario(partial: Bool) -> JSONValue {
        let p = partial ? "partial-" : ""
        let table: [String: JSONValue] = [
            "version": .object([
                ("description", .string("The scenario language version this file is written in. Required; this capsim reads \(Scenario.languageVersion).")),
                ("const", .number(Double(Scenario.languageVersion))),
            ]),
            "name": .object([
                ("description", .string("The scenario's name in reports. Default: the file's base name. Not inherited through 'extends'.")),
                ("type", .string("string")),
            ]),
            "description": .object([("description", .string("Free text.")), ("type", .string("string"))]),
            "horizon": described(ref("duration"), "Simulated time of one replication, warm-up included (e.g. 2h). Required."),
            "warmup": .object([
                ("description", .string("Requests arriving before this are not measured (default 0s; shorter than the horizon), or auto: chosen by MSER-5 on pilot replications.")),
                ("default", .string("0s")),
                ("anyOf", .array([ref("duration"), .object([("const", .string("auto"))])])),
            ]),
            "drain": described(ref("duration"), "After the horizon arrivals stop and requests in flight may finish for at most this long; any left end as in_flight_at_end (default 10m).", default: .string("10m")),
            "replications": .object([
                ("description", .string("Independent replications (default 10), or {min, max, until: slo-decided} to add planned batches until every SLO is decided.")),
                ("default", .number(10)),
                ("anyOf", .array([count(minimum: 1, maximum: 1_000_000), ref(p + "replication-plan")])),
            ]),
            "seed": .object([
                ("description", .string("Master seed of every random stream (default 1): 0 … 2^64−1.")),
                ("default", .number(1)),
                ("anyOf", .array([
                    .object([("type", .string("integer")), ("minimum", .number(0)), ("maximum", .number(Double(UInt64.max)))]),
                    .object([("type", .string("string")), ("pattern", .string("^[0-9][0-9_]*$"))]),
                ])),
            ]),
            "workload": described(ref(p + "workload"), "Traffic: the arrival process and the request classes. Required."),
            "components": described(ref(p + "components"), "The components requests visit, by name, in file order. Required."),
            "slos": .object([
                ("description", .string("Service-level objectives, each decided PASS, FAIL or INCONCLUSIVE from its confidence interval.")),
                ("type", .string("array")),
                ("items", ref("slo")),
            ]),
            "latency_objective": described(ref("duration"), "The latency a request must succeed within to count as good: reported as latency.good_ratio (share of all requests that succeed within it), which does not reward failing fast."),
            "availability": described(ref(p + "availability"), "Time-based availability: the measured time cut into windows, each judged by its success ratio; reported as availability.time (share of judged time whose windows met the objective), downtime.monthly and availability.windows.judged."),
            "sweep": described(ref("sweep"), "Key paths from the root mapped to lists of values; every point of their cartesian product is simulated (first axis outermost)."),
            "zones": .object([
                ("description", .string("Zones that fail as a whole, by name: {} or {failures: {mtbf, mttr, mode}}. Pools place their instances in them with their own 'zones' list.")),
                ("type", .string("object")),
                ("propertyNames", ref("name")),
                ("additionalProperties", .object([
                    ("anyOf", .array([
                        .object([("type", .string("null"))]),
                        .object([("type", .string("object")), ("additionalProperties", .bool(false)),
                                 ("properties", .object([("failures", ref("failures"))]))]),
                    ])),
                ])),
            ]),
            "events": .object([
                ("description", .string("Events at set times: {at, outage|degrade|maintenance|rolling_restart|rolling_deploy|cache_flush: {…}}; see the README.")),
                ("type", .string("array")),
                ("items", ref("event")),
            ]),
            "currency": .object([
                ("description", .string("The currency of every price and cost figure: three capital letters (ISO 4217, e.g. USD, EUR). A label only; default USD.")),
                ("type", .string("string")), ("pattern", .string("^[A-Z]{3}$")), ("default", .string("USD")),
            ]),
            "extends": .object([
                ("description", .string("A scenario file this one is a variant of (relative to this file's folder): this file's mappings merge over it, lists and values replace, 'key: ~' removes a key.")),
                ("type", .string("string")),
                ("minLength", .number(1)),
            ]),
        ]
        let keys = ScenarioDecoder.topLevelKeys.filter { partial || $0 != "extends" }
        return object(keys, table, at: "", required: partial ? [] : ["version", "horizon", "workload", "components"])
    }

    // MARK: components

    func components(partial: Bool) -> JSONValue {
        .object([
            ("type", .string("object")),
            ("description", .string("Components by name (letters, digits, '_' and '-', starting with a letter), in the order requests visit them by default.")),
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
            ("items", .object([("type", .string("number")), ("exclusiveMinimum", .number(0)), ("maximum", .number(1_000_000))])),
        ])
    }

    func byKind(balancer: JSONValue, database: JSONValue, cache: JSONValue, cdn: JSONValue, pool: JSONValue) -> JSONValue {
        func kind(_ k: String, _ then: JSONValue, _ otherwise: JSONValue) -> JSONValue {
            .object([
                ("if", .object([("properties", .object([("kind", .object([("const", .string(k))]))])),
                                ("required", .array([.string("kind")]))])),
                ("then", then),
                ("else", otherwise),
            ])
        }
        return kind("load_balancer", balancer, kind("database", database, kind("cache", cache, kind("cdn", cdn, pool))))
    }

    mutating func loadBalancer(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "kind": .object([("description", .string("The kind of component. Required.")), ("const", .string("load_balancer"))]),
            "targets": described(ref("name"), "The server_pool this balancer spreads requests over; a request through the balancer goes to it next. Required."),
            "policy": .object([
                ("description", .string("How requests spread over the target's instances (default round_robin): the same spellings as a server pool's balance.")),
                ("default", .string(BalancePolicy.roundRobin.rawValue)),
                ("enum", .array(BalancePolicy.allCases.map { .string($0.rawValue) })),
            ]),
            "weights": weightsSchema("For policy: weighted_round_robin: one positive number per instance of the target."),
            "vnodes": vnodesSchema,
            "load_factor": loadFactorSchema,
            "latency": described(ref(partial ? "partial-distribution" : "distribution"), "The balancer's own time per request (default none)."),
            "instances": described(count(minimum: 1, maximum: 1_000), "Balancer instances, requests spread over them in turn (default 1).", default: .number(1)),
            "capacity": .object([
                ("description", .string("Requests in flight per balancer instance (default unlimited); one more is turned away with queue_full. In a synchronous chain a request holds its place until the target answers.")),
                ("default", .string("unlimited")),
                ("anyOf", .array([count(minimum: 1), .object([("const", .string("unlimited"))])])),
            ]),
            "health_check": described(ref("health-check"), "How this balancer notices dead instances of its target (default: it never does)."),
            "failures": described(ref("failures"), "How the balancer's own instances (or, with failover, each unit of an active/passive pair) fail and are repaired (default: never)."),
            "failover": described(ref("duration"), "Each instance is an active/passive pair: when the active unit fails and the passive is up, requests are refused (failover) for this long, then the passive serves. Needs failures."),
            "cost": costProperty,
        ]
        return object(ScenarioDecoder.loadBalancerKeys, table, at: "components.*(load_balancer)", required: partial ? [] : ["kind", "targets"])
    }

    mutating func serverPoolTable(partial: Bool) -> [String: JSONValue] {
        [
            "kind": .object([
                ("description", .string("The kind of component. Required.")),
                ("const", .string("server_pool")),
            ]),
            "instances": described(count(minimum: 1, maximum: 1_000_000), "Identical instances (default 1).", default: .number(1)),
            "workers": .object([
                ("description", .string("Parallel workers per instance (default 1), or 'unlimited' for a pure delay such as a network hop.")),
                ("default", .number(1)),
                ("anyOf", .array([count(minimum: 1), .object([("const", .string("unlimited"))])])),
            ]),
            "queue": .object([
                ("description", .string("Waiting slots per instance, not counting those in service (default unlimited); a request arriving at a full instance ends with queue_full.")),
                ("default", .string("unlimited")),
                ("anyOf", .array([count(minimum: 0), .object([("const", .string("unlimited"))])])),
            ]),
            "service": described(ref(partial ? "partial-distribution" : "distribution"), "Service time of one request at one worker. Required."),
            "balance": .object([
                ("description", .string("How an arriving request picks an instance (default round_robin): round_robin in turn; random; least_outstanding, the fewest requests in flight (ties in turn); power_of_two, the fewer in flight of two random instances; weighted_round_robin, smooth (nginx) by 'weights'; consistent_hash, by the request's key on a ring of 'vnodes' virtual nodes per instance, with bounded load ('load_factor'); every class visiting it needs 'keys'.")),
                ("default", .string(BalancePolicy.roundRobin.rawValue)),
                ("enum", .array(BalancePolicy.allCases.map { .string($0.rawValue) })),
            ]),
            "weights": weightsSchema("Relative weights of the instances for balance: weighted_round_robin (required there, an error elsewhere): one positive number per instance, at most 6 decimal places, e.g. [3, 1]."),
            "vnodes": vnodesSchema,
            "load_factor": loadFactorSchema,
            "discipline": .object([
                ("description", .string("Which request an instance serves next (default fifo): fifo, oldest waiting first; lifo, newest waiting first; adaptive_lifo, oldest first while at most 'lifo_above' wait, newest first beyond; processor_sharing, every admitted request in service at once, the 'workers' (cores) shared equally, at most workers + queue admitted.")),
                ("default", .string("fifo")),
                ("enum", .array(QueueDiscipline.names.map { .string($0) })),
            ]),
            "drop_expired": .object([
                ("description", .string("Drop a waiting attempt whose client has already given up (timed out) instead of serving it for nobody (default false; not with processor_sharing).")),
                ("type", .string("boolean")), ("default", .bool(false)),
            ]),
            "lifo_above": described(count(minimum: 0),
                                    "discipline: adaptive_lifo only (an error elsewhere): newest first while more than this many requests wait (default half the queue, or 32 for an unlimited queue; below queue when the queue is finite)."),
            "failures": described(ref("failures"), "How each instance fails and is repaired (default: never fails)."),
            "health_check": described(ref("health-check"), "How the pool's balancer notices dead instances (default: it never does); or give it on the load balancer in front of the pool."),
            "zones": .object([
                ("description", .string("Zones the instances are spread over in turn (instance j in the (j mod n)-th); names declared under the top-level 'zones:' when there is one.")),
                ("type", .string("array")), ("minItems", .number(1)), ("items", ref("name")),
            ]),
            "cost": costProperty,
            "autoscale": described(ref(partial ? "partial-autoscale" : "autoscale"), "Target-tracking autoscaling (default: none, a fixed fleet). With it, 'instances' is the count at time 0 (default: the autoscaler's min)."),
        ]
    }

    mutating func autoscale(partial: Bool) -> JSONValue {
        let me = self
        let d = { (text: String) -> JSONValue in me.described(me.ref("duration"), text) }
        let table: [String: JSONValue] = [
            "metric": .object([
                ("description", .string("What the autoscaler tracks per serving instance: utilization (busy workers over the serving instances' workers), in_flight (requests at the pool, in service or waiting), request_rate (requests arriving per second). Required.")),
                ("enum", .array(AutoscalePolicy.Metric.allCases.map { .string($0.rawValue) })),
            ]),
            "target": .object([
                ("description", .string("The metric's target per instance: a share for utilization (60% or 0.6), a number for in_flight, a rate for request_rate (e.g. 100/s). Required.")),
                ("type", .array([.string("number"), .string("string")])),
            ]),
            "min": described(count(minimum: 1, maximum: 1_000_000), "Fewest instances held (default 1).", default: .number(1)),
            "max": described(count(minimum: 1, maximum: 1_000_000), "Most instances held. Required."),
            "interval": d("Time between evaluations (default 15s)."),
            "metric_lag": d("Age of the sample an evaluation acts on: the newest sample at least this old (default 0s)."),
            "cooldown": d("Both cooldowns at once (scale_out_cooldown and scale_in_cooldown override it)."),
            "scale_out_cooldown": d("No scale-out sooner than this after the last scale-out (default 0s)."),
            "scale_in_cooldown": d("No scale-in sooner than this after the last scaling action of either kind (default 5m)."),
            "scale_out_window": d("Scale-out stabilisation: the lowest desired count of this window is used (default 0s: the latest)."),
            "scale_in_window": d("Scale-in stabilisation: the highest desired count of this window is used (default 5m)."),
            "max_step": described(count(minimum: 1, maximum: 1_000_000), "Most instances one action adds or removes (default: no limit)."),
            "provisioning": .object([
                ("description", .string("Time from a scale-out to serving: a duration (fixed) or a distribution (default 60s). Billed from the scale-out.")),
                ("anyOf", .array([ref("duration"), ref("distribution")])),
            ]),
            "drain": d("Time a removed instance drains (out of the rotation, finishing its work) before it stops; what is left fails with instance_failed (default 30s)."),
            "schedule": .object([
                ("description", .string("Scheduled scaling: from each 'at' (in time order) the minimum is 'min'; a raise scales out at once.")),
                ("type", .string("array")),
                ("items", object(ScenarioDecoder.autoscaleScheduleKeys, [
                    "at": described(ref("duration"), "Time from the start of the replication. Required."),
                    "min": described(count(minimum: 1, maximum: 1_000_000), "The minimum from then on (≤ max). Required."),
                ], at: "components.*.autoscale.schedule.*", required: ["at", "min"])),
            ]),
        ]
        return object(ScenarioDecoder.autoscaleKeys, table, at: "components.*.autoscale", required: partial ? [] : ["metric", "target", "max"])
    }

    mutating func serverPool(partial: Bool) -> JSONValue {
        object(ScenarioDecoder.serverPoolKeys, serverPoolTable(partial: partial), at: "components.*", required: partial ? [] : ["kind", "service"])
    }

    /// `kind: cache` (`cdn: false`) or `kind: cdn`: a server pool's keys and the cache's own.
    mutating func cache(partial: Bool, cdn: Bool) -> JSONValue {
        var table = serverPoolTable(partial: partial)
        let kind = cdn ? "cdn" : "cache"
        table["kind"] = .object([("description", .string("The kind of component. Required.")), ("const", .string(kind))])
        if cdn {
            table["service"] = nil
            table["latency"] = described(ref(partial ? "partial-distribution" : "distribution"), "The network latency between the user and the edge: the time every request spends at the CDN, hit or miss (a pure delay unless 'workers' is given). Required.")
            table["workers"] = .object([
                ("description", .string("Parallel requests per edge instance (default unlimited: a pure delay).")),
                ("default", .string("unlimited")),
                ("anyOf", .array([count(minimum: 1), .object([("const", .string("unlimited"))])])),
            ])
        } else {
            table["service"] = described(ref(partial ? "partial-distribution" : "distribution"), "Time of one lookup at one worker (hit or miss). Required.")
        }
        table["hit_ratio"] = .object([
            ("description", .string("A fixed hit ratio: each lookup hits with this probability (0.85 or 85%), the request's own draw. Give this or 'policy'.")),
            ("type", .array([.string("number"), .string("string")])),
        ])
        table["policy"] = .object([
            ("description", .string("An emergent hit ratio: lru, a least-recently-used cache over the request keys (every class visiting it needs 'keys'), of 'capacity' keys. Give this or 'hit_ratio'.")),
            ("enum", .array(ScenarioDecoder.cachePolicies.map { .string($0) })),
        ])
        table["capacity"] = .object([
            ("description", .string("policy: lru only (required there): keys held, per instance or in total ('per'), e.g. 200k.")),
            ("anyOf", .array([
                .object([("type", .string("integer")), ("minimum", .number(1))]),
                .object([("type", .string("string")), ("pattern", .string("^\\s*[0-9][0-9_]*(?:\\.[0-9]+)?\\s*(?:k|M|G)?\\s*$"))]),
            ])),
        ])
        table["per"] = .object([
            ("description", .string("policy: lru only: 'instance' (default), capacity is each instance's; 'total', capacity is split evenly over the instances (a sharded cache; use balance: consistent_hash).")),
            ("default", .string("instance")), ("enum", .array([.string("instance"), .string("total")])),
        ])
        table["ttl"] = described(ref("duration"), "policy: lru only: an entry expires this long after its fill (hits do not extend it). Default: never.")
        table["start"] = .object([
            ("description", .string("policy: lru only: warm (default), each instance starts holding the most popular keys it would be sent, up to its capacity; cold, empty. A restarted instance always comes back cold.")),
            ("default", .string("warm")), ("enum", .array(CacheSpec.Start.allCases.map { .string($0.rawValue) })),
        ])
        table["on_failure"] = .object([
            ("description", .string("What a request does when no instance can take it (all believed unhealthy, or the one picked has crashed): bypass (default), straight to the backend below; fail, as a server pool.")),
            ("default", .string("bypass")), ("enum", .array(CacheSpec.OnFailure.allCases.map { .string($0.rawValue) })),
        ])
        return object(cdn ? ScenarioDecoder.cdnKeys : ScenarioDecoder.cacheKeys, table, at: "components.*(\(kind))",
                      required: partial ? [] : ["kind", cdn ? "latency" : "service"])
    }

    // MARK: workload

    mutating func workload(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "arrivals": described(ref(partial ? "partial-arrivals" : "arrivals"), "The external arrival process, shared by weight among the classes without their own. Required unless every class has its own."),
            "classes": .object([
                ("description", .string("Kinds of requests, each a share of the arrivals and a path through the components. Default: one class 'default' visiting every component in file order.")),
                ("type", .string("array")),
                ("minItems", .number(1)),
                ("items", ref("class")),
            ]),
            "mode": modeSchema("Default call mode of the classes."),
            "client": described(ref("client"), "How clients behave: per-attempt timeout, overall deadline, retries. Applies to every class without its own 'client'."),
            "response_size": described(ref("size"), "Size of a successful response (20KB; KB = 1000 B, KiB = 1024 B), for every class without its own: billed as egress at the class's entry component when it has egress_per_gb. Default 0."),
            "profile": described(ref("profile"), "A time-varying multiplier of the rate of every Poisson arrival process (workload's and classes' own): the product of its parts. Only with process: poisson; not with warmup: auto."),
        ]
        // `arrivals` is required unless every class has its own, which a schema cannot say simply.
        return object(ScenarioDecoder.workloadKeys, table, at: "workload", required: [])
    }

    mutating func arrivals(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "process": .object([
                ("description", .string("poisson: exponential gaps (multiplied by workload.profile); constant: exactly k/rate; gamma: renewal with gamma gaps of coefficient of variation 'cv'; mmpp2: two-state Markov-modulated Poisson ('states'); trace: replay of a CSV file ('file').")),
                ("enum", .array(ScenarioDecoder.arrivalProcesses.map { .string($0) })),
            ]),
            "rate": described(ref("rate"), "poisson, constant, gamma: mean arrivals per unit of time (e.g. 2000/s, 120k/min)."),
            "cv": .object([
                ("description", .string("gamma only: coefficient of variation of the gaps (1 = Poisson, > 1 burstier, < 1 more regular), 0.01 to 100.")),
                ("type", .string("number")), ("minimum", .number(0.01)), ("maximum", .number(100)),
            ]),
            "states": .object([
                ("description", .string("mmpp2 only: exactly two states, each {rate, mean_time}: Poisson at 'rate' while in the state, which lasts an exponential time of mean 'mean_time'. One rate may be 0/s.")),
                ("type", .string("array")), ("minItems", .number(2)), ("maxItems", .number(2)),
                ("items", .object([
                    ("type", .string("object")), ("additionalProperties", .bool(false)),
                    ("properties", .object([
                        ("rate", described(ref("rate"), "Arrivals per unit of time in this state.")),
                        ("mean_time", described(ref("duration"), "Mean time spent in this state per visit.")),
                    ])),
                    ("required", .array(ScenarioDecoder.mmppStateKeys.map { .string($0) })),
                ])),
            ]),
            "file": .object([
                ("description", .string("trace only: a CSV file, relative to the scenario file; the first column of each row is read, a header row is allowed, '#' starts a comment.")),
                ("type", .string("string")),
            ]),
            "format": .object([
                ("description", .string("trace only: timestamps (default; one arrival per row, in seconds or a duration with a unit, non-decreasing) or counts (arrivals per bin, spread uniformly at random within it).")),
                ("default", .string("timestamps")),
                ("enum", .array(ScenarioDecoder.traceFormats.map { .string($0) })),
            ]),
            "bin": described(ref("duration"), "trace with format: counts only: the time each row covers (default 1s).", default: .string("1s")),
        ]
        var schema = object(ScenarioDecoder.arrivalKeys, table, at: "workload.arrivals", required: partial ? [] : ["process"])
        if !partial, case .object(var pairs) = schema {
            // The keys each process needs: one alternative per process (they exclude each other).
            pairs.append(("oneOf", .array(ScenarioDecoder.arrivalProcesses.compactMap { p in
                ScenarioDecoder.arrivalKeysByProcess[p].map { keys in
                    .object([
                        ("properties", .object([("process", .object([("const", .string(p))]))])),
                        ("required", .array((["process"] + keys.required).map { .string($0) })),
                    ])
                }
            })))
            schema = .object(pairs)
        }
        return schema
    }

    mutating func profile() -> JSONValue {
        let multiplier: JSONValue = .object([
            ("description", .string("A multiplier of the base rate: 1.8x or a plain number ≥ 0.")),
            ("anyOf", .array([
                .object([("type", .string("number")), ("minimum", .number(0))]),
                .object([("type", .string("string")), ("pattern", .string("^\\s*" + Self.numberPattern + "\\s*[x×]?\\s*$"))]),
            ])),
        ])
        let clock: JSONValue = .object([
            ("type", .string("string")),
            ("pattern", .string("^\\s*(?:[0-9]{1,2}:[0-5][0-9](?::[0-5][0-9])?|" + Self.numberPattern + "\\s*" + Self.unitPattern + ")\\s*$")),
        ])
        let days = ScenarioDecoder.weekdays.flatMap { [$0, String($0.prefix(3))] }.joined(separator: "|")
        let table: [String: JSONValue] = [
            "start_at": .object([
                ("description", .string("The wall-clock time at simulated time 0, for diurnal and weekly: a time of day (08:00), a day and time ('saturday 08:00', 'sat 08:00') or a duration since Monday 00:00. Default Monday 00:00.")),
                ("default", .string("monday 00:00")),
                ("type", .string("string")),
                ("pattern", .string("^\\s*(?i:(?:" + days + ")(?:\\s+|$))?(?:[0-9]{1,2}:[0-5][0-9](?::[0-5][0-9])?|" + Self.numberPattern + "\\s*" + Self.unitPattern + ")?\\s*$")),
            ]),
            "piecewise": .object([
                ("description", .string("A table of [time, multiplier] points in increasing time (from the start of the simulation), linear (default) or step between points; the first value holds before the first point, the last after the last.")),
                ("type", .string("object")), ("additionalProperties", .bool(false)),
                ("properties", .object([
                    ("points", .object([
                        ("description", .string("[[0s, 1x], [30m, 3x], …]")),
                        ("type", .string("array")), ("minItems", .number(1)),
                        ("items", .object([("type", .string("array")), ("minItems", .number(2)), ("maxItems", .number(2))])),
                    ])),
                    ("interpolation", .object([
                        ("description", .string("linear (default): straight lines between points; step: each value holds until the next point.")),
                        ("default", .string("linear")),
                        ("enum", .array(RateProfile.Interpolation.allCases.map { .string($0.rawValue) })),
                    ])),
                ])),
                ("required", .array([.string("points")])),
            ]),
            "diurnal": .object([
                ("description", .string("A cosine daily cycle between trough and peak.")),
                ("type", .string("object")), ("additionalProperties", .bool(false)),
                ("properties", .object([
                    ("peak", described(multiplier, "The multiplier at the peak. Required.")),
                    ("trough", described(multiplier, "The multiplier half a period after the peak (default 2 − peak, so the base rate is the day's mean).")),
                    ("peak_at", described(clock, "When the peak falls within the period, wall clock: a time of day (14:00) or a duration (14h). Default half the period (12:00).")),
                    ("period", described(ref("duration"), "Length of the cycle (default 24h; shorter compresses a day), at least 1s.", default: .string("24h"))),
                ])),
                ("required", .array([.string("peak")])),
            ]),
            "weekly": .object([
                ("description", .string("Seven multipliers, Monday to Sunday, each applying for its whole wall-clock day.")),
                ("type", .string("array")), ("minItems", .number(7)), ("maxItems", .number(7)),
                ("items", multiplier),
            ]),
            "spikes": .object([
                ("description", .string("Bursts: the rate × factor during [at, at + for) (overlapping spikes multiply).")),
                ("type", .string("array")),
                ("items", .object([
                    ("type", .string("object")), ("additionalProperties", .bool(false)),
                    ("properties", .object([
                        ("at", described(ref("duration"), "Start, from the start of the simulation.")),
                        ("for", described(ref("duration"), "Length.")),
                        ("factor", described(multiplier, "Multiplier during the spike (e.g. 5x).")),
                    ])),
                    ("required", .array(ScenarioDecoder.spikeKeys.map { .string($0) })),
                ])),
            ]),
        ]
        var schema = object(ScenarioDecoder.profileKeys, table, at: "workload.profile", required: [])
        if case .object(var pairs) = schema {
            pairs.append(("anyOf", .array(ScenarioDecoder.profileParts.map { .object([("required", .array([.string($0)]))]) })))
            schema = .object(pairs)
        }
        return schema
    }

    mutating func requestClass() -> JSONValue {
        let table: [String: JSONValue] = [
            "name": described(ref("name"), "The class's name, used in metric ids (class.<name>.latency.p99)."),
            "weight": .object([
                ("description", .string("Relative share of the arrivals (weights need not sum to 1; default 1).")),
                ("type", .string("number")), ("exclusiveMinimum", .number(0)), ("default", .number(1)),
            ]),
            "path": .object([
                ("description", .string("The components the request visits, in order: each calls the next (synchronous mode) after its own 'calls'. An element is a component name or {to, calls, probability, repeat}.")),
                ("type", .string("array")), ("minItems", .number(1)),
                ("items", ref("call")),
            ]),
            "mode": modeSchema("How the request moves along its path: pipeline (each component releases its worker before the next) or synchronous (a chain of calls)."),
            "client": described(ref("client"), "This class's client behaviour (replaces the workload's 'client')."),
            "arrivals": described(ref("arrivals"), "The class's own arrival process (instead of a weighted share of workload.arrivals; then no 'weight')."),
            "keys": described(ref("keys"), "The key each request touches, drawn once per request (its retries and branches keep it): {count: 5M} uniform, {count: 5M, zipf: 0.99} Zipf. Needed to visit a consistent_hash component."),
            "response_size": described(ref("size"), "Size of this class's successful responses (replaces workload.response_size), billed as egress at its entry component (the first of its path)."),
        ]
        return object(ScenarioDecoder.classKeys, table, at: "workload.classes.*", required: ["name", "path"])
    }

    /// A visit of a call tree: a component name, or {to, calls, probability, repeat}.
    mutating func call() -> JSONValue {
        let table: [String: JSONValue] = [
            "to": .object([
                ("description", .string("The component called; a database as '<name>.read' or '<name>.write'.")),
                ("type", .string("string")), ("pattern", .string("^[A-Za-z][A-Za-z0-9_-]*(\\.(read|write))?$")),
            ]),
            "calls": .object([
                ("description", .string("What this component calls after its own service, in order, holding its worker until they return.")),
                ("type", .string("array")), ("minItems", .number(1)), ("items", ref("call-step")),
            ]),
            "probability": .object([
                ("description", .string("Chance that the caller makes this call (0.3 or 30%; default 1).")),
                ("type", .array([.string("number"), .string("string")])),
            ]),
            "repeat": .object([
                ("description", .string("The call is repeated a geometric number of times: {mean: m} calls on average (m ≥ 1), or {again: q}, the chance of another call after each.")),
                ("type", .string("object")), ("additionalProperties", .bool(false)), ("minProperties", .number(1)),
                ("properties", .object([
                    ("mean", .object([("type", .string("number")), ("minimum", .number(1))])),
                    ("again", .object([("type", .array([.string("number"), .string("string")]))])),
                ])),
            ]),
            "timeout": described(ref("duration"), "The caller gives up on this call after this long (the callee's work goes on for nobody) and retries it or fails the request with timeout."),
            "retries": described(ref("retries"), "How the caller retries this call when it fails or times out (as a client's retries; not decorrelated jitter)."),
        ]
        return .object([("anyOf", .array([
            .object([("type", .string("string"))]),
            object(ScenarioDecoder.callKeys, table, at: "workload.classes.*.path.*", required: ["to"]),
        ]))])
    }

    /// A step of a component's calls: one call, or {parallel: [calls…]} (all at once).
    func callStep() -> JSONValue {
        .object([("anyOf", .array([
            ref("call"),
            .object([
                ("type", .string("object")), ("additionalProperties", .bool(false)), ("required", .array([.string("parallel")])),
                ("properties", .object([("parallel", .object([
                    ("description", .string("Calls made at once; the next step starts when all have returned.")),
                    ("type", .string("array")), ("minItems", .number(2)), ("items", ref("call")),
                ]))])),
            ]),
        ]))])
    }

    mutating func failures() -> JSONValue {
        let choices = JSONValue.array([ref("duration"), ref("distribution")])
        let period = { (text: String) -> JSONValue in .object([("description", .string(text)), ("anyOf", choices)]) }
        let table: [String: JSONValue] = [
            "mtbf": period("Time to failure of an instance: a duration (the mean of an exponential time) or a distribution (exponential, deterministic, uniform, gamma, erlang, lognormal, weibull). Required."),
            "mttr": period("Repair time: a duration (exponential mean) or a distribution of the same families. Required."),
            "mode": .object([
                ("description", .string("crash (default): its requests fail at once with instance_failed; hang: they wait (callers until their timeouts) and fail at the restart.")),
                ("default", .string("crash")), ("enum", .array(FailureSpec.Mode.allCases.map { .string($0.rawValue) })),
            ]),
            "repair_crews": described(count(minimum: 1), "Repairs in progress at once in the pool (default: each instance its own); needs exponential times."),
            "required": described(count(minimum: 1), "Instances that must be up for the pool to count as available (k of k-out-of-n), reported as availability.<pool>.instances (default 1).", default: .number(1)),
        ]
        return object(ScenarioDecoder.failureKeys, table, at: "components.*.failures", required: ["mtbf", "mttr"])
    }

    mutating func healthCheck() -> JSONValue {
        let table: [String: JSONValue] = [
            "interval": described(ref("duration"), "Time between two checks of an instance. Required."),
            "unhealthy_after": described(count(minimum: 1, maximum: 1000), "Failed checks in a row before the instance leaves the rotation (default 3).", default: .number(3)),
            "healthy_after": described(count(minimum: 1, maximum: 1000), "Good checks in a row before it comes back (default 2).", default: .number(2)),
        ]
        return object(ScenarioDecoder.healthCheckKeys, table, at: "components.*.health_check", required: ["interval"])
    }

    /// One scheduled event: `at` and exactly one action.
    mutating func event() -> JSONValue {
        let target: [(key: String, value: JSONValue)] = [
            ("component", ref("name")),
            ("zone", ref("name")),
            ("instances", .object([("description", .string("The first n instances, or a list of instance indices (default: all).")),
                                   ("anyOf", .array([count(minimum: 1), .object([("type", .string("array")), ("items", count(minimum: 0))])]))])),
        ]
        func action(_ extra: [(key: String, value: JSONValue)], required: [String], targets: [String] = ["component", "zone", "instances"]) -> JSONValue {
            .object([("type", .string("object")), ("additionalProperties", .bool(false)),
                     ("properties", .object(target.filter { targets.contains($0.key) } + extra)),
                     ("required", .array(required.map { .string($0) }))])
        }
        let multiplier = JSONValue.object([("type", .array([.string("number"), .string("string")]))])
        let actions: [(key: String, value: JSONValue)] = [
            ("outage", action([("for", ref("duration")), ("mode", .object([("enum", .array(FailureSpec.Mode.allCases.map { .string($0.rawValue) }))]))], required: ["for"])),
            ("degrade", action([("factor", multiplier), ("for", ref("duration"))], required: ["factor", "for"])),
            ("maintenance", action([("for", ref("duration")), ("drain", ref("duration"))], required: ["component", "for"], targets: ["component", "instances"])),
            ("rolling_restart", action([("batch", count(minimum: 1)), ("each", ref("duration")), ("drain", ref("duration"))], required: ["component", "each"], targets: ["component"])),
            ("rolling_deploy", action([("batch", count(minimum: 1)), ("each", ref("duration")), ("drain", ref("duration")), ("service_factor", multiplier)],
                                      required: ["component", "each"], targets: ["component"])),
            ("cache_flush", action([], required: ["component"], targets: ["component"])),
        ]
        return .object([
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
            ("required", .array([.string("at")])),
            ("minProperties", .number(2)),
            ("properties", .object([("at", described(ref("duration"), "When, from time 0 (warm-up included)."))] + actions)),
        ])
    }

    /// `keys:` of a class: a key space of `count` ranks, uniform or Zipf.
    mutating func keys() -> JSONValue {
        let table: [String: JSONValue] = [
            "count": .object([
                ("description", .string("Number of keys (ranks 1 … count, at most 2^53), e.g. 5M, 200k, 1000. Required.")),
                ("anyOf", .array([
                    .object([("type", .string("integer")), ("minimum", .number(1))]),
                    .object([("type", .string("string")), ("pattern", .string("^\\s*[0-9][0-9_]*(?:\\.[0-9]+)?\\s*(?:k|M|G)?\\s*$"))]),
                ])),
            ]),
            "zipf": .object([
                ("description", .string("Zipf exponent s ≥ 0: P(rank k) ∝ k^(−s), rank 1 the most popular (web objects: 0.6–1.2). Without it every key is equally likely.")),
                ("type", .string("number")), ("minimum", .number(0)),
            ]),
        ]
        return object(ScenarioDecoder.keysKeys, table, at: "workload.classes.*.keys", required: ["count"])
    }

    var vnodesSchema: JSONValue {
        described(count(minimum: 1, maximum: 10_000),
                  "balance/policy: consistent_hash only (an error elsewhere): virtual nodes per instance on the hash ring (default 100; instances × vnodes ≤ 1,000,000).",
                  default: .number(Double(ConsistentHashOptions.defaultVnodes)))
    }

    var loadFactorSchema: JSONValue {
        .object([
            ("description", .string("balance/policy: consistent_hash only (an error elsewhere): bounded load — an instance holds at most ceil(load_factor × (in flight + 1) / instances) requests, the rest walk clockwise to the next instance with room (default 1.25); 'unlimited' for plain consistent hashing.")),
            ("default", .number(ConsistentHashOptions.defaultLoadFactor)),
            ("anyOf", .array([
                .object([("type", .string("number")), ("minimum", .number(1)), ("maximum", .number(1000))]),
                .object([("const", .string("unlimited"))]),
            ])),
        ])
    }

    func modeSchema(_ text: String) -> JSONValue {
        .object([("description", .string(text)), ("enum", .array(CallMode.allCases.map { .string($0.rawValue) }))])
    }

    // MARK: running

    mutating func replicationPlan(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "min": described(count(minimum: 2, maximum: 1_000_000), "Replications before the first look."),
            "max": described(count(minimum: 2, maximum: 1_000_000), "Most replications to run."),
            "until": .object([("description", .string("Stop adding batches once every SLO is decided.")), ("const", .string("slo-decided"))]),
        ]
        return object(ScenarioDecoder.replicationPlanKeys, table, at: "replications", required: partial ? [] : ["min", "max", "until"])
    }

    mutating func availability(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "objective": .object([
                ("description", .string("Success ratio a window must reach to count as up, as a share (99.9% or 0.999). Required.")),
                ("anyOf", .array([.object([("type", .string("string")), ("pattern", .string("^\\s*[0-9.]+\\s*%\\s*$"))]),
                                  .object([("type", .string("number")), ("exclusiveMinimum", .number(0)), ("maximum", .number(1))])])),
            ]),
            "window": described(ref("duration"), "Length of the windows, from the warm-up on (default 1m).", default: .string("1m")),
            "min_requests": described(count(minimum: 1, maximum: 1_000_000_000), "Requests a window needs to be judged (default 1); windows with fewer are reported in availability.windows.judged, not judged.", default: .number(1)),
        ]
        return object(ScenarioDecoder.availabilityKeys, table, at: "availability", required: partial ? [] : ["objective"])
    }

    mutating func client() -> JSONValue {
        let table: [String: JSONValue] = [
            "timeout": .object([
                ("description", .string("The client gives up on an attempt after this long (the attempt still holds its server: wasted work), or after a patience drawn per attempt from a distribution ({exponential: {mean: 2s}}). Default: none.")),
                ("anyOf", .array([ref("duration"), ref("distribution")])),
            ]),
            "deadline": described(ref("duration"), "The request fails with deadline_exceeded this long after it first arrived. Default: none."),
            "retries": described(ref("retries"), "Retries after a timeout or an error."),
        ]
        return object(ScenarioDecoder.clientKeys, table, at: "workload.client", required: [])
    }

    mutating func retries() -> JSONValue {
        let table: [String: JSONValue] = [
            "max": .object([("description", .string("Retries after the first attempt (0 … 100).")),
                            ("type", .string("integer")), ("minimum", .number(0)), ("maximum", .number(100))]),
            "backoff": .object([("description", .string("constant: every retry waits base; exponential: base · 2^(n−1), at most cap (default).")),
                                ("enum", .array(RetryPolicy.Backoff.allCases.map { .string($0.rawValue) })), ("default", .string("exponential"))]),
            "base": described(ref("duration"), "The first backoff (default 50ms).", default: .string("50ms")),
            "cap": described(ref("duration"), "The longest backoff (default 10s).", default: .string("10s")),
            "jitter": .object([("description", .string("none; full: U(0, d); equal: d/2 + U(0, d/2); decorrelated: min(cap, U(base, 3 · previous)). Default full.")),
                               ("enum", .array(RetryPolicy.Jitter.allCases.map { .string($0.rawValue) })), ("default", .string("full"))]),
            "budget": .object([("description", .string("Retry budget as a share of first attempts (e.g. 10%): a token bucket; a retry without a token fails the request with retry_budget_exhausted.")),
                               ("anyOf", .array([.object([("type", .string("string")), ("pattern", .string("^[0-9.]+%$"))]),
                                                 .object([("type", .string("number")), ("exclusiveMinimum", .number(0)), ("maximum", .number(1))])]))]),
        ]
        return object(ScenarioDecoder.retryKeys, table, at: "workload.client.retries", required: ["max"])
    }

    mutating func slo() -> JSONValue {
        let threshold: JSONValue = .object([("type", .array([.string("string"), .string("number")]))])
        let table: [String: JSONValue] = [
            "metric": .object([
                ("description", .string("A metric id of this scenario, e.g. latency.p99, availability.request, class.read.latency.p99.")),
                ("type", .string("string")),
            ]),
            "max": described(threshold, "The metric must not exceed this, in its unit: a duration for latencies (250ms), a share for ratios (0.1%), a rate or number for throughput."),
            "min": described(threshold, "The metric must not fall below this (e.g. 99.95% for availability.request)."),
            "within": described(threshold, "Indifference zone around the threshold, in the metric's unit: closer than this, either verdict is acceptable."),
            "name": .object([("description", .string("Label in reports (default: the metric and its bound).")), ("type", .string("string"))]),
        ]
        var schema = object(ScenarioDecoder.sloKeys, table, at: "slos.*", required: ["metric"])
        if case .object(var pairs) = schema {
            pairs.append(("oneOf", .array([
                .object([("required", .array([.string("max")]))]),
                .object([("required", .array([.string("min")]))]),
            ])))
            schema = .object(pairs)
        }
        return schema
    }

    func sweep() -> JSONValue {
        .object([
            ("description", .string("A key path (components.web.instances) mapped to the list of values to try, or nested mappings ending in lists.")),
            ("type", .string("object")),
            ("additionalProperties", .object([
                ("anyOf", .array([
                    .object([("type", .string("array")), ("minItems", .number(1))]),
                    ref("sweep"),
                ])),
            ])),
        ])
    }

    // MARK: cost

    /// A component's `cost:`: a price per instance-hour, or a mapping of prices.
    var costProperty: JSONValue {
        .object([
            ("description", .string("What the component costs: a price per instance-hour (0.096/h), or {instance, billing, per_million_requests, egress_per_gb}. Money is in the scenario's currency. Default: free.")),
            ("anyOf", .array([ref("price"), ref("cost")])),
        ])
    }

    mutating func cost() -> JSONValue {
        let amount: JSONValue = .object([("type", .string("number")), ("minimum", .number(0))])
        let table: [String: JSONValue] = [
            "instance": described(ref("price"), "Price per instance-hour held (0.096/h; also /s, /min, /d, /month = 730 h)."),
            "billing": .object([
                ("description", .string("How held instance-time is billed: per_second (default) or per_hour, each instance's holding period rounded up to whole hours.")),
                ("enum", .array(CostModel.Billing.allCases.map { .string($0.rawValue) })), ("default", .string("per_second")),
            ]),
            "per_million_requests": described(amount, "Price per million requests the component handles (each visit that gets a worker; retries count)."),
            "egress_per_gb": described(amount, "Price per GB (10^9 bytes) of responses the component sends to clients: it must be the first component of some class's path, and the classes need a response_size."),
        ]
        var schema = object(ScenarioDecoder.costKeys, table, at: "components.*.cost", required: [])
        if case .object(var pairs) = schema {
            pairs.append(("minProperties", .number(1)))
            schema = .object(pairs)
        }
        return schema
    }

    var priceSchema: JSONValue {
        .object([
            ("description", .string("A price per instance-time: a number per time unit — 0.096/h per instance-hour; also /s, /min, /d and /month (730 h).")),
            ("type", .string("string")),
            ("pattern", .string("^\\s*" + Self.numberPattern + "\\s*/\\s*(?:" + Quantity.priceUnits.map(\.0).joined(separator: "|") + ")\\s*$")),
            ("examples", .array([.string("0.096/h")])),
        ])
    }

    var sizeSchema: JSONValue {
        .object([
            ("description", .string("A size with its unit: B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024) — e.g. 20KB, 1.5MiB.")),
            ("type", .string("string")),
            ("pattern", .string("^\\s*" + Self.numberPattern + "\\s*(?:" + Quantity.sizeUnits.map(\.0).joined(separator: "|") + ")\\s*$")),
            ("examples", .array([.string("20KB"), .string("1.5MiB")])),
        ])
    }

    // MARK: distributions

    /// One object per family (`{lognormal: {mean: 20ms, cv: 1.5}}`); exactly one must match.
    func distribution(partial: Bool) -> JSONValue {
        let duration = ref("duration")
        let positive: JSONValue = .object([("type", .string("number")), ("exclusiveMinimum", .number(0))])
        func body(_ properties: [(String, JSONValue)], required: [String], extra: [(key: String, value: JSONValue)] = []) -> JSONValue {
            var pairs: [(key: String, value: JSONValue)] = [
                ("type", .string("object")),
                ("additionalProperties", .bool(false)),
                ("properties", .object(properties.map { ($0.0, $0.1) })),
            ]
            if !partial && !required.isEmpty { pairs.append(("required", .array(required.map { .string($0) }))) }
            if !partial { pairs += extra }
            return .object(pairs)
        }
        let spread: [(key: String, value: JSONValue)] = [("oneOf", .array([
            .object([("required", .array([.string("cv")]))]),
            .object([("required", .array([.string("sd")]))]),
        ]))]
        let meanSpread = body([("mean", duration), ("cv", positive), ("sd", duration)], required: ["mean"], extra: spread)
        let units = Quantity.durationUnits.map { JSONValue.string($0.0) }
        let families: [String: (String, JSONValue, JSONValue)] = [
            "exponential": ("Exponential with the given mean.", body([("mean", duration)], required: ["mean"]),
                            .object([("exponential", .object([("mean", .string("2ms"))]))])),
            "deterministic": ("Always the same value.", .object([("anyOf", .array([duration, body([("value", duration)], required: ["value"])]))]),
                              .object([("deterministic", .string("5ms"))])),
            "uniform": ("Uniform between min and max: [min, max] or {min, max}.",
                        .object([("anyOf", .array([
                            .object([("type", .string("array")), ("items", duration), ("minItems", .number(2)), ("maxItems", .number(2))]),
                            body([("min", duration), ("max", duration)], required: ["min", "max"]),
                        ]))]),
                        .object([("uniform", .array([.string("1ms"), .string("3ms")]))])),
            "normal": ("Normal truncated at 0, by mean and sd (a duration) or cv (a number).", meanSpread,
                       .object([("normal", .object([("mean", .string("10ms")), ("sd", .string("2ms"))]))])),
            "lognormal": ("Lognormal by its mean and coefficient of variation (or sd).", meanSpread,
                          .object([("lognormal", .object([("mean", .string("20ms")), ("cv", .number(1.5))]))])),
            "gamma": ("Gamma by its mean and coefficient of variation (or sd).", meanSpread,
                      .object([("gamma", .object([("mean", .string("4ms")), ("cv", .number(0.7))]))])),
            "weibull": ("Weibull by shape (a number) and scale (a duration).", body([("shape", positive), ("scale", duration)], required: ["shape", "scale"]),
                        .object([("weibull", .object([("shape", .number(1.5)), ("scale", .string("10ms"))]))])),
            "pareto": ("Pareto by shape and scale (the minimum).", body([("shape", positive), ("scale", duration)], required: ["shape", "scale"]),
                       .object([("pareto", .object([("shape", .number(2.5)), ("scale", .string("1ms"))]))])),
            "erlang": ("Sum of k exponentials with total mean.",
                       body([("k", .object([("type", .string("integer")), ("minimum", .number(1)), ("maximum", .number(10_000))])), ("mean", duration)], required: ["k", "mean"]),
                       .object([("erlang", .object([("k", .number(3)), ("mean", .string("6ms"))]))])),
            "hyperexponential": ("Mixture of exponentials: {mean, cv} (two balanced branches, cv ≥ 1) or {branches: [{p, mean}, …]}.",
                                 body([
                                     ("mean", duration),
                                     ("cv", .object([("type", .string("number")), ("minimum", .number(1))])),
                                     ("branches", .object([("type", .string("array")), ("minItems", .number(1)), ("items", .object([
                                         ("type", .string("object")), ("additionalProperties", .bool(false)),
                                         ("properties", .object([("p", positive), ("mean", duration)])),
                                         ("required", .array([.string("p"), .string("mean")])),
                                     ]))])),
                                 ], required: [], extra: [("anyOf", .array([
                                     .object([("required", .array([.string("mean"), .string("cv")]))]),
                                     .object([("required", .array([.string("branches")]))]),
                                 ]))]),
                                 .object([("hyperexponential", .object([("mean", .string("1ms")), ("cv", .number(2))]))])),
            "empirical": ("Resampled from a file of values, one per line (path relative to the scenario); a line may carry its own unit, otherwise 'unit' applies.",
                          body([("file", .object([("type", .string("string"))])), ("unit", .object([("enum", .array(units))]))], required: ["file"]),
                          .object([("empirical", .object([("file", .string("samples.csv")), ("unit", .string("ms"))]))])),
        ]
        let alternatives: [JSONValue] = ScenarioDecoder.distributionNames.map { name in
            guard let (text, schema, example) = families[name] else {
                return .object([("type", .string("object")), ("required", .array([.string(name)]))])
            }
            return .object([
                ("title", .string(name)),
                ("description", .string(text)),
                ("type", .string("object")),
                ("additionalProperties", .bool(false)),
                ("required", .array([.string(name)])),
                ("properties", .object([(name, schema)])),
                ("examples", .array([example])),
            ])
        }
        return .object([
            ("description", .string("A distribution, written as a mapping with one key naming the family: {exponential: {mean: 10ms}}. Durations carry units; shapes and cvs are plain numbers.")),
            ("oneOf", .array(alternatives)),
        ])
    }

    // MARK: quantities

    /// A plain decimal, as `Quantity.number` reads it (no sign: durations and rates are ≥ 0).
    static let numberPattern = "\\+?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?"

    static var unitPattern: String {
        "(?:" + Quantity.durationUnits.map(\.0).sorted { $0.count > $1.count }.joined(separator: "|") + ")"
    }

    var durationSchema: JSONValue {
        .object([
            ("description", .string("A duration with its unit: ns, us (µs), ms, s, m (min), h, d — e.g. 250ms, 1.5s, 5m, 2h, 30d.")),
            ("type", .string("string")),
            ("pattern", .string("^\\s*" + Self.numberPattern + "\\s*" + Self.unitPattern + "\\s*$")),
            ("examples", .array([.string("250ms"), .string("1.5s"), .string("5m")])),
        ])
    }

    var rateSchema: JSONValue {
        .object([
            ("description", .string("A rate: a number, optionally k, M or G, per time unit — e.g. 2000/s, 120k/min, 1.5M/h.")),
            ("type", .string("string")),
            ("pattern", .string("^\\s*" + Self.numberPattern + "\\s*(?:" + Quantity.countSuffixes.map(\.0).joined(separator: "|") + ")?\\s*/\\s*" + Self.unitPattern + "\\s*$")),
            ("examples", .array([.string("2000/s"), .string("120k/min")])),
        ])
    }

    /// A whole number (`1_000` grouping allowed, which YAML 1.2 reads as a string).
    func count(minimum: Int, maximum: Int? = nil) -> JSONValue {
        var integer: [(key: String, value: JSONValue)] = [("type", .string("integer")), ("minimum", .number(Double(minimum)))]
        if let maximum { integer.append(("maximum", .number(Double(maximum)))) }
        return .object([("anyOf", .array([
            .object(integer),
            .object([("type", .string("string")), ("pattern", .string("^[0-9][0-9_]*$"))]),
        ]))])
    }

    // MARK: helpers

    func ref(_ name: String) -> JSONValue { .object([("$ref", .string("#/$defs/" + name))]) }

    /// `schema` with a description (and default) in front.
    func described(_ schema: JSONValue, _ text: String, default value: JSONValue? = nil) -> JSONValue {
        guard case .object(let pairs) = schema else { return schema }
        var head: [(key: String, value: JSONValue)] = [("description", .string(text))]
        if let value { head.append(("default", value)) }
        return .object(head + pairs)
    }

    /// A closed object with the decoder's `keys` in order, each described by `table`.
    mutating func object(_ keys: [String], _ table: [String: JSONValue], at path: String, required: [String]) -> JSONValue {
        var properties: [(key: String, value: JSONValue)] = []
        for k in keys {
            if let schema = table[k] { properties.append((k, schema)) } else {
                undescribed.append(path.isEmpty ? k : path + "." + k)
                properties.append((k, .object([("description", .string("See the README."))])))
            }
        }
        var pairs: [(key: String, value: JSONValue)] = [
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
            ("properties", .object(properties)),
        ]
        if !required.isEmpty { pairs.append(("required", .array(required.map { .string($0) }))) }
        return .object(pairs)
    }
}
