import InfraModel

/// The schema of `workload:`: arrivals, profiles, classes and their call trees, and failures
/// (events: `ScenarioSchema+Events.swift`).
extension SchemaBuilder {
    // MARK: workload

    mutating func workload(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "arrivals": described(
                ref(partial ? "partial-arrivals" : "arrivals"),
                "The external arrival process, shared by weight among the classes without their own. Required unless every class has its own."
            ),
            "classes": .object([
                (
                    "description",
                    .string(
                        "Kinds of requests, each a share of the arrivals and a path through the components. Default: one class 'default' visiting every component in file order."
                    )
                ),
                ("type", .string("array")),
                ("minItems", .number(1)),
                ("items", ref("class")),
            ]),
            "mode": modeSchema("Default call mode of the classes."),
            "client": described(
                ref("client"),
                "How clients behave: per-attempt timeout, overall deadline, retries. Applies to every class without its own 'client'."
            ),
            "response_size": described(
                ref("size"),
                "Size of a successful response (20KB; KB = 1000 B, KiB = 1024 B), for every class without its own: billed as egress at the class's entry component when it has egress_per_gb. Default 0."
            ),
            "profile": described(
                ref("profile"),
                "A time-varying multiplier of the rate of every Poisson arrival process (workload's and classes' own): the product of its parts. Only with process: poisson; not with warmup: auto."
            ),
        ]
        // `arrivals` is required unless every class has its own, which a schema cannot say simply.
        return object(ScenarioDecoder.workloadKeys, table, at: "workload", required: [])
    }

    mutating func arrivals(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "process": .object([
                (
                    "description",
                    .string(
                        "poisson: exponential gaps (multiplied by workload.profile); constant: exactly k/rate; gamma: renewal with gamma gaps of coefficient of variation 'cv'; mmpp2: two-state Markov-modulated Poisson ('states'); trace: replay of a CSV file ('file'); closed: a fixed population of 'users', each sending one request, waiting for its end and thinking for 'think' before the next."
                    )
                ),
                ("enum", .array(ScenarioDecoder.arrivalProcesses.map { .string($0) })),
            ]),
            "rate": described(
                ref("rate"), "poisson, constant, gamma: mean arrivals per unit of time (e.g. 2000/s, 120k/min)."),
            "users": described(
                count(minimum: 1, maximum: ScenarioDecoder.maxUsers),
                "closed only: the users, each with at most one request in flight."),
            "think": .object([
                (
                    "description",
                    .string(
                        "closed only: a user's think time between the end of its request (success or error) and its next one: a duration (fixed) or a distribution, of mean above 0. Each user starts thinking at time 0."
                    )
                ),
                ("anyOf", .array([ref("duration"), ref("distribution")])),
            ]),
            "cv": .object([
                (
                    "description",
                    .string(
                        "gamma only: coefficient of variation of the gaps (1 = Poisson, > 1 burstier, < 1 more regular), 0.01 to 100."
                    )
                ),
                ("type", .string("number")), ("minimum", .number(0.01)), ("maximum", .number(100)),
            ]),
            "states": .object([
                (
                    "description",
                    .string(
                        "mmpp2 only: exactly two states, each {rate, mean_time}: Poisson at 'rate' while in the state, which lasts an exponential time of mean 'mean_time'. One rate may be 0/s."
                    )
                ),
                ("type", .string("array")), ("minItems", .number(2)), ("maxItems", .number(2)),
                (
                    "items",
                    .object([
                        ("type", .string("object")), ("additionalProperties", .bool(false)),
                        (
                            "properties",
                            .object([
                                ("rate", described(ref("rate"), "Arrivals per unit of time in this state.")),
                                ("mean_time", described(ref("duration"), "Mean time spent in this state per visit.")),
                            ])
                        ),
                        ("required", .array(ScenarioDecoder.mmppStateKeys.map { .string($0) })),
                    ])
                ),
            ]),
            "file": .object([
                (
                    "description",
                    .string(
                        "trace only: a CSV file, relative to the scenario file; the first column of each row is read, a header row is allowed, '#' starts a comment."
                    )
                ),
                ("type", .string("string")),
            ]),
            "format": .object([
                (
                    "description",
                    .string(
                        "trace only: timestamps (default; one arrival per row, in seconds or a duration with a unit, non-decreasing) or counts (arrivals per bin, spread uniformly at random within it)."
                    )
                ),
                ("default", .string("timestamps")),
                ("enum", .array(ScenarioDecoder.traceFormats.map { .string($0) })),
            ]),
            "bin": described(
                ref("duration"), "trace with format: counts only: the time each row covers (default 1s).",
                default: .string("1s")),
        ]
        var schema = object(
            ScenarioDecoder.arrivalKeys, table, at: "workload.arrivals", required: ["process"], partial: partial)
        if !partial, case .object(var pairs) = schema {
            // The keys each process needs: one alternative per process (they exclude each other).
            pairs.append(
                (
                    "oneOf",
                    .array(
                        ScenarioDecoder.arrivalProcesses.compactMap { p in
                            ScenarioDecoder.arrivalKeysByProcess[p].map { keys in
                                .object([
                                    ("properties", .object([("process", .object([("const", .string(p))]))])),
                                    ("required", .array((["process"] + keys.required).map { .string($0) })),
                                ])
                            }
                        })
                ))
            schema = .object(pairs)
        }
        return schema
    }

    mutating func profile() -> JSONValue {
        let multiplier: JSONValue = .object([
            ("description", .string("A multiplier of the base rate: 1.8x or a plain number ≥ 0.")),
            (
                "anyOf",
                .array([
                    .object([("type", .string("number")), ("minimum", .number(0))]),
                    .object([
                        ("type", .string("string")),
                        ("pattern", .string("^\\s*" + Self.numberPattern + "\\s*[x×]?\\s*$")),
                    ]),
                ])
            ),
        ])
        let clock: JSONValue = .object([
            ("type", .string("string")),
            (
                "pattern",
                .string(
                    "^\\s*(?:[0-9]{1,2}:[0-5][0-9](?::[0-5][0-9])?|" + Self.numberPattern + "\\s*" + Self.unitPattern
                        + ")\\s*$")
            ),
        ])
        let days = ScenarioDecoder.weekdays.flatMap { [$0, String($0.prefix(3))] }.joined(separator: "|")
        let table: [String: JSONValue] = [
            "start_at": .object([
                (
                    "description",
                    .string(
                        "The wall-clock time at simulated time 0, for diurnal and weekly: a time of day (08:00), a day and time ('saturday 08:00', 'sat 08:00') or a duration since Monday 00:00. Default Monday 00:00."
                    )
                ),
                ("default", .string("monday 00:00")),
                ("type", .string("string")),
                (
                    "pattern",
                    .string(
                        "^\\s*(?i:(?:" + days + ")(?:\\s+|$))?(?:[0-9]{1,2}:[0-5][0-9](?::[0-5][0-9])?|"
                            + Self.numberPattern + "\\s*" + Self.unitPattern + ")?\\s*$")
                ),
            ]),
            "piecewise": .object([
                (
                    "description",
                    .string(
                        "A table of [time, multiplier] points in increasing time (from the start of the simulation), linear (default) or step between points; the first value holds before the first point, the last after the last."
                    )
                ),
                ("type", .string("object")), ("additionalProperties", .bool(false)),
                (
                    "properties",
                    .object([
                        (
                            "points",
                            .object([
                                ("description", .string("[[0s, 1x], [30m, 3x], …]")),
                                ("type", .string("array")), ("minItems", .number(1)),
                                (
                                    "items",
                                    .object([
                                        ("type", .string("array")), ("minItems", .number(2)), ("maxItems", .number(2)),
                                    ])
                                ),
                            ])
                        ),
                        (
                            "interpolation",
                            .object([
                                (
                                    "description",
                                    .string(
                                        "linear (default): straight lines between points; step: each value holds until the next point."
                                    )
                                ),
                                ("default", .string("linear")),
                                ("enum", .array(RateProfile.Interpolation.allCases.map { .string($0.rawValue) })),
                            ])
                        ),
                    ])
                ),
                ("required", .array([.string("points")])),
            ]),
            "diurnal": .object([
                ("description", .string("A cosine daily cycle between trough and peak.")),
                ("type", .string("object")), ("additionalProperties", .bool(false)),
                (
                    "properties",
                    .object([
                        ("peak", described(multiplier, "The multiplier at the peak. Required.")),
                        (
                            "trough",
                            described(
                                multiplier,
                                "The multiplier half a period after the peak (default 2 − peak, so the base rate is the day's mean)."
                            )
                        ),
                        (
                            "peak_at",
                            described(
                                clock,
                                "When the peak falls within the period, wall clock: a time of day (14:00) or a duration (14h). Default half the period (12:00)."
                            )
                        ),
                        (
                            "period",
                            described(
                                ref("duration"),
                                "Length of the cycle (default 24h; shorter compresses a day), at least 1s.",
                                default: .string("24h"))
                        ),
                    ])
                ),
                ("required", .array([.string("peak")])),
            ]),
            "weekly": .object([
                (
                    "description",
                    .string("Seven multipliers, Monday to Sunday, each applying for its whole wall-clock day.")
                ),
                ("type", .string("array")), ("minItems", .number(7)), ("maxItems", .number(7)),
                ("items", multiplier),
            ]),
            "spikes": .object([
                (
                    "description",
                    .string("Bursts: the rate × factor during [at, at + for) (overlapping spikes multiply).")
                ),
                ("type", .string("array")),
                (
                    "items",
                    .object([
                        ("type", .string("object")), ("additionalProperties", .bool(false)),
                        (
                            "properties",
                            .object([
                                ("at", described(ref("duration"), "Start, from the start of the simulation.")),
                                ("for", described(ref("duration"), "Length.")),
                                ("factor", described(multiplier, "Multiplier during the spike (e.g. 5x).")),
                            ])
                        ),
                        ("required", .array(ScenarioDecoder.spikeKeys.map { .string($0) })),
                    ])
                ),
            ]),
        ]
        var schema = object(ScenarioDecoder.profileKeys, table, at: "workload.profile", required: [])
        if case .object(var pairs) = schema {
            pairs.append(
                ("anyOf", .array(ScenarioDecoder.profileParts.map { .object([("required", .array([.string($0)]))]) })))
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
                (
                    "description",
                    .string(
                        "The components the request visits, in order: each calls the next (synchronous mode) after its own 'calls'. An element is a component name or {to, calls, probability, repeat, timeout, retries, service}."
                    )
                ),
                ("type", .string("array")), ("minItems", .number(1)),
                ("items", ref("call")),
            ]),
            "mode": modeSchema(
                "How the request moves along its path: pipeline (each component releases its worker before the next) or synchronous (a chain of calls)."
            ),
            "client": described(ref("client"), "This class's client behaviour (replaces the workload's 'client')."),
            "arrivals": described(
                ref("arrivals"),
                "The class's own arrival process (instead of a weighted share of workload.arrivals; then no 'weight')."),
            "keys": described(
                ref("keys"),
                "The key each request touches, drawn once per request (its retries and branches keep it): {count: 5M} uniform, {count: 5M, zipf: 0.99} Zipf. Needed to visit a consistent_hash component."
            ),
            "response_size": described(
                ref("size"),
                "Size of this class's successful responses (replaces workload.response_size), billed as egress at its entry component (the first of its path)."
            ),
            "attack": .object([
                (
                    "description",
                    .string(
                        "An attack class: simulated like any class (it loads the components), but left out of the headline figures (latency, availability.request, errors, throughput) and reported on its own as class.<name>.*, with class.<name>.reached.<component>. At least one class must be legitimate (default false)."
                    )
                ),
                ("type", .string("boolean")), ("default", .bool(false)),
            ]),
            "legitimate": .object([
                ("description", .string("legitimate: false is another spelling of attack: true (default true).")),
                ("type", .string("boolean")), ("default", .bool(true)),
            ]),
        ]
        return object(ScenarioDecoder.classKeys, table, at: "workload.classes.*", required: ["name", "path"])
    }

    /// A visit of a call tree: a component name, or {to, calls, probability, repeat, timeout,
    /// retries, service}.
    mutating func call() -> JSONValue {
        let table: [String: JSONValue] = [
            "to": .object([
                ("description", .string("The component called; a database as '<name>.read' or '<name>.write'.")),
                ("type", .string("string")), ("pattern", .string("^[A-Za-z][A-Za-z0-9_-]*(\\.(read|write))?$")),
            ]),
            "calls": .object([
                (
                    "description",
                    .string(
                        "What this component calls after its own service, in order, holding its worker until they return."
                    )
                ),
                ("type", .string("array")), ("minItems", .number(1)), ("items", ref("call-step")),
            ]),
            "probability": .object([
                ("description", .string("Chance that the caller makes this call (0.3 or 30%; default 1).")),
                ("type", .array([.string("number"), .string("string")])),
            ]),
            "repeat": .object([
                (
                    "description",
                    .string(
                        "The call is repeated a geometric number of times: {mean: m} calls on average (m ≥ 1), or {again: q}, the chance of another call after each."
                    )
                ),
                ("type", .string("object")), ("additionalProperties", .bool(false)), ("minProperties", .number(1)),
                (
                    "properties",
                    .object([
                        ("mean", .object([("type", .string("number")), ("minimum", .number(1))])),
                        ("again", .object([("type", .array([.string("number"), .string("string")]))])),
                    ])
                ),
            ]),
            "timeout": described(
                ref("duration"),
                "The caller gives up on this call after this long (the callee's work goes on for nobody) and retries it or fails the request with timeout."
            ),
            "retries": described(
                ref("retries"),
                "How the caller retries this call when it fails or times out (as a client's retries; not decorrelated jitter)."
            ),
            "service": described(
                ref("distribution"),
                "This visit's own service demand, in place of the component's 'service' (a class that costs the component more or less than the others). Server pools, caches, inspection stages and databases (the query's demand at whichever node serves it)."
            ),
        ]
        return .object([
            (
                "anyOf",
                .array([
                    .object([("type", .string("string"))]),
                    object(ScenarioDecoder.callKeys, table, at: "workload.classes.*.path.*", required: ["to"]),
                ])
            )
        ])
    }

    /// A step of a component's calls: one call, or {parallel: [calls…]} (all at once).
    func callStep() -> JSONValue {
        .object([
            (
                "anyOf",
                .array([
                    ref("call"),
                    .object([
                        ("type", .string("object")), ("additionalProperties", .bool(false)),
                        ("required", .array([.string("parallel")])),
                        (
                            "properties",
                            .object([
                                (
                                    "parallel",
                                    .object([
                                        (
                                            "description",
                                            .string("Calls made at once; the next step starts when all have returned.")
                                        ),
                                        ("type", .string("array")), ("minItems", .number(2)), ("items", ref("call")),
                                    ])
                                )
                            ])
                        ),
                    ]),
                ])
            )
        ])
    }

    mutating func failures() -> JSONValue {
        let choices = JSONValue.array([ref("duration"), ref("distribution")])
        let period = { (text: String) -> JSONValue in .object([("description", .string(text)), ("anyOf", choices)]) }
        let table: [String: JSONValue] = [
            "mtbf": period(
                "Time to failure of an instance: a duration (the mean of an exponential time) or a distribution (exponential, deterministic, uniform, gamma, erlang, lognormal, weibull). Required."
            ),
            "mttr": period(
                "Repair time: a duration (exponential mean) or a distribution of the same families. Required."),
            "mode": .object([
                (
                    "description",
                    .string(
                        "crash (default): its requests fail at once with instance_failed; hang: they wait (callers until their timeouts) and fail at the restart."
                    )
                ),
                ("default", .string("crash")), ("enum", .array(FailureSpec.Mode.allCases.map { .string($0.rawValue) })),
            ]),
            "repair_crews": described(
                count(minimum: 1),
                "Repairs in progress at once in the pool (default: each instance its own); needs exponential times."),
            "required": described(
                count(minimum: 1),
                "Instances that must be up for the pool to count as available (k of k-out-of-n), reported as availability.<pool>.instances (default 1).",
                default: .number(1)),
        ]
        return object(ScenarioDecoder.failureKeys, table, at: "components.*.failures", required: ["mtbf", "mttr"])
    }

    mutating func healthCheck() -> JSONValue {
        let table: [String: JSONValue] = [
            "interval": described(ref("duration"), "Time between two checks of an instance. Required."),
            "unhealthy_after": described(
                count(minimum: 1, maximum: 1000),
                "Failed checks in a row before the instance leaves the rotation (default 3).", default: .number(3)),
            "healthy_after": described(
                count(minimum: 1, maximum: 1000), "Good checks in a row before it comes back (default 2).",
                default: .number(2)),
        ]
        return object(ScenarioDecoder.healthCheckKeys, table, at: "components.*.health_check", required: ["interval"])
    }

    /// `keys:` of a class: a key space of `count` ranks, uniform or Zipf.
    mutating func keys() -> JSONValue {
        let table: [String: JSONValue] = [
            "count": .object([
                (
                    "description",
                    .string("Number of keys (ranks 1 … count, at most 2^53), e.g. 5M, 200k, 1000. Required.")
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
            ]),
            "zipf": .object([
                (
                    "description",
                    .string(
                        "Zipf exponent s ≥ 0: P(rank k) ∝ k^(−s), rank 1 the most popular (web objects: 0.6–1.2). Without it every key is equally likely."
                    )
                ),
                ("type", .string("number")), ("minimum", .number(0)),
            ]),
        ]
        return object(ScenarioDecoder.keysKeys, table, at: "workload.classes.*.keys", required: ["count"])
    }

    var vnodesSchema: JSONValue {
        described(
            count(minimum: 1, maximum: 10_000),
            "balance/policy: consistent_hash only (an error elsewhere): virtual nodes per instance on the hash ring (default 100; instances × vnodes ≤ 1,000,000).",
            default: .number(Double(ConsistentHashOptions.defaultVnodes)))
    }

    var loadFactorSchema: JSONValue {
        .object([
            (
                "description",
                .string(
                    "balance/policy: consistent_hash only (an error elsewhere): bounded load — an instance holds at most ceil(load_factor × (in flight + 1) / instances) requests, the rest walk clockwise to the next instance with room (default 1.25); 'unlimited' for plain consistent hashing."
                )
            ),
            ("default", .number(ConsistentHashOptions.defaultLoadFactor)),
            (
                "anyOf",
                .array([
                    .object([("type", .string("number")), ("minimum", .number(1)), ("maximum", .number(1000))]),
                    .object([("const", .string("unlimited"))]),
                ])
            ),
        ])
    }

    func modeSchema(_ text: String) -> JSONValue {
        .object([("description", .string(text)), ("enum", .array(CallMode.allCases.map { .string($0.rawValue) }))])
    }
}
