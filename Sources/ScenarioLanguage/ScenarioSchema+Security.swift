import InfraModel

/// The schema of what guards a component: rate limits, TLS termination, concurrency limits and
/// inspection stages (`kind: firewall`, `waf`, `ids`).
extension SchemaBuilder {
    /// `rate_limit:` of a server pool or a load balancer: a token bucket.
    mutating func rateLimit(partial: Bool, owner: String) -> JSONValue {
        let table: [String: JSONValue] = [
            "rate": described(
                ref("rate"), "Tokens added per second, e.g. 500/s: the long-run rate of requests let through. Required."
            ),
            "burst": described(
                count(minimum: 1, maximum: 1_000_000_000),
                "The bucket's size in requests; it starts full, so this many may pass at once. Required."),
            "scope": .object([
                (
                    "description",
                    .string(
                        "fleet (default): one bucket for the component, checked before an instance is chosen; instance: a bucket per instance, checked after the balancer chose it."
                    )
                ),
                ("default", .string(RateLimitSpec.Scope.fleet.rawValue)),
                ("enum", .array(RateLimitSpec.Scope.allCases.map { .string($0.rawValue) })),
            ]),
            "per": .object([
                (
                    "description",
                    .string(
                        "component (default): every class shares the bucket(s); class: each class has bucket(s) of its own, each with the full rate and burst; key: each request key (a class's keys: rank, standing for its client) has its own (every class reaching the component needs keys; at most 10,000,000 buckets)."
                    )
                ),
                ("default", .string(RateLimitSpec.Partition.component.rawValue)),
                ("enum", .array(RateLimitSpec.Partition.allCases.map { .string($0.rawValue) })),
            ]),
        ]
        return described(
            object(
                ScenarioDecoder.rateLimitKeys, table, at: "components.*(\(owner)).rate_limit",
                required: ["rate", "burst"], partial: partial),
            "A token bucket in front of the component: a request finding it empty is turned away at once with rate_limited (blamed on the component, no worker used). Default: no limit."
        )
    }

    /// `tls:` of a server pool or a load balancer: TLS termination's CPU.
    mutating func tls(partial: Bool, owner: String) -> JSONValue {
        let cost = JSONValue.array([ref("duration"), ref(partial ? "partial-distribution" : "distribution")])
        let table: [String: JSONValue] = [
            "handshake": .object([
                ("description", .string("CPU of a full handshake, a duration or a distribution. Required.")),
                ("anyOf", cost),
            ]),
            "resumption": .object([
                (
                    "description",
                    .string("CPU of a resumed handshake (a session ticket), a duration or a distribution (default 0s).")
                ),
                ("anyOf", cost),
            ]),
            "resumed": .object([
                ("description", .string("Share of new connections resumed, 0 to 1 or 0% to 100% (default 0).")),
                ("type", .array([.string("number"), .string("string")])),
            ]),
            "per_request": .object([
                (
                    "description",
                    .string("CPU of every request's record encryption, a duration or a distribution (default 0s).")
                ),
                ("anyOf", cost),
            ]),
            "requests_per_connection": .object([
                (
                    "description",
                    .string(
                        "Mean requests a connection carries (keep-alive), at least 1 (default 1): a request opens a connection with probability 1/this."
                    )
                ),
                ("type", .string("number")), ("minimum", .number(1)), ("default", .number(1)),
            ]),
            "rtt": .object([
                (
                    "description",
                    .string(
                        "The network round trip between the client and this component, a duration or a distribution: a request that opens a connection spends its handshake's round trips first (latency, holding nothing). Default: not counted."
                    )
                ),
                ("anyOf", cost),
            ]),
            "round_trips": .object([
                (
                    "description",
                    .string("Round trips of a full handshake (TLS 1.3: 1, TLS 1.2: 2; default 1). Needs rtt.")
                ),
                ("type", .string("integer")), ("minimum", .number(0)), ("maximum", .number(10)),
                ("default", .number(1)),
            ]),
            "resumed_round_trips": .object([
                (
                    "description",
                    .string("Round trips of a resumed handshake (default 1; 0 for TLS 1.3 early data). Needs rtt.")
                ),
                ("type", .string("integer")), ("minimum", .number(0)), ("maximum", .number(10)),
                ("default", .number(1)),
            ]),
        ]
        return described(
            object(
                ScenarioDecoder.tlsKeys, table, at: "components.*(\(owner)).tls", required: ["handshake"],
                partial: partial
            ),
            "TLS termination: CPU added to each request's service here (a handshake for a new connection, full or resumed, and a per-request cost), and with rtt the handshake's round trips as latency. Default: none."
        )
    }

    /// A server pool's `concurrency_limit:`: a fixed count, or an adaptive (AIMD) limit.
    mutating func concurrencyLimit(partial: Bool) -> JSONValue {
        let count = JSONValue.object([("type", .string("integer")), ("minimum", .number(1))])
        let table: [String: JSONValue] = [
            "latency": described(
                ref("duration"),
                "A visit slower than this (arrival at the instance to release) multiplies the limit by 'backoff'. Required."
            ),
            "initial": described(count, "The limit at the start (default 20).", default: .number(20)),
            "min": described(count, "The least the limit falls to (default 1).", default: .number(1)),
            "max": described(count, "The most the limit grows to (default 1000).", default: .number(1000)),
            "backoff": .object([
                (
                    "description",
                    .string("The factor a slow visit multiplies the limit by, between 0 and 1 (default 0.9).")
                ),
                ("type", .string("number")), ("exclusiveMinimum", .number(0)), ("maximum", .number(1)),
                ("default", .number(0.9)),
            ]),
        ]
        return .object([
            (
                "description",
                .string(
                    "At most this many requests in flight per instance (in service or waiting); more are turned away with rate_limited. A number (fixed), or an adaptive AIMD limit {latency, initial, min, max, backoff}. Default: none."
                )
            ),
            (
                "anyOf",
                .array([
                    count,
                    object(
                        ScenarioDecoder.concurrencyLimitKeys, table, at: "components.*.concurrency_limit",
                        required: ["latency"], partial: partial),
                ])
            ),
        ])
    }

    /// `kind: firewall`, `waf` or `ids`: a server pool's keys and the stage's own.
    mutating func inspection(partial: Bool) -> JSONValue {
        var table = serverPoolTable(partial: partial)
        table["kind"] = .object([
            ("description", .string("The kind of component. Required.")),
            ("enum", .array(ScenarioDecoder.inspectionKinds.map { .string($0) })),
        ])
        table["service"] = described(
            ref(partial ? "partial-distribution" : "distribution"),
            "Time of one inspection at one worker (every request, blocked or not). Required.")
        table["on_failure"] = .object([
            (
                "description",
                .string(
                    "What a request does when no instance can take it (all believed unhealthy, or the one picked has crashed): open, passes uninspected (default for waf and ids); closed, rejected as at a server pool (default for firewall)."
                )
            ),
            ("enum", .array(InspectionSpec.OnFailure.allCases.map { .string($0.rawValue) })),
        ])
        let share: JSONValue = .object([
            ("description", .string("The share of the class's inspected requests blocked, 0.95 or 95%.")),
            ("type", .array([.string("number"), .string("string")])),
        ])
        let detection = object(
            ScenarioDecoder.detectionKeys,
            [
                "probability": share,
                "delay": described(
                    ref("duration"),
                    "Time from the first request of the class the stage inspects until it detects the class (default 0s)."
                ),
            ], at: "components.*(inspection).detect.*", required: ["probability"], partial: partial)
        table["detect"] = .object([
            (
                "description",
                .string(
                    "Class names mapped to the share blocked (95%: from the start) or {probability, delay}. A class not named passes."
                )
            ),
            ("type", .string("object")),
            ("additionalProperties", .object([("anyOf", .array([share, detection]))])),
        ])
        return object(
            ScenarioDecoder.inspectionKeys, table, at: "components.*(inspection)", required: ["kind", "service"],
            partial: partial)
    }
}
