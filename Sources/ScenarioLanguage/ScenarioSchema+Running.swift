import InfraModel

/// The schema of how a scenario runs and is judged: replications, availability, clients, SLOs, sweeps, cost.
extension SchemaBuilder {
    // MARK: running

    mutating func replicationPlan(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "min": described(count(minimum: 2, maximum: 1_000_000), "Replications before the first look."),
            "max": described(count(minimum: 2, maximum: 1_000_000), "Most replications to run."),
            "until": .object([
                ("description", .string("Stop adding batches once every SLO is decided.")),
                ("const", .string("slo-decided")),
            ]),
        ]
        return object(
            ScenarioDecoder.replicationPlanKeys, table, at: "replications",
            required: ["min", "max", "until"], partial: partial)
    }

    mutating func availability(partial: Bool) -> JSONValue {
        let table: [String: JSONValue] = [
            "objective": .object([
                (
                    "description",
                    .string("Success ratio a window must reach to count as up, as a share (99.9% or 0.999). Required.")
                ),
                (
                    "anyOf",
                    .array([
                        .object([("type", .string("string")), ("pattern", .string("^\\s*[0-9.]+\\s*%\\s*$"))]),
                        .object([
                            ("type", .string("number")), ("exclusiveMinimum", .number(0)), ("maximum", .number(1)),
                        ]),
                    ])
                ),
            ]),
            "window": described(
                ref("duration"), "Length of the windows, from the warm-up on (default 1m).", default: .string("1m")),
            "min_requests": described(
                count(minimum: 1, maximum: 1_000_000_000),
                "Requests a window needs to be judged (default 1); windows with fewer are reported in availability.windows.judged, not judged.",
                default: .number(1)),
        ]
        return object(
            ScenarioDecoder.availabilityKeys, table, at: "availability", required: ["objective"], partial: partial)
    }

    mutating func client() -> JSONValue {
        let table: [String: JSONValue] = [
            "timeout": .object([
                (
                    "description",
                    .string(
                        "The client gives up on an attempt after this long (the attempt still holds its server: wasted work), or after a patience drawn per attempt from a distribution ({exponential: {mean: 2s}}). Default: none."
                    )
                ),
                ("anyOf", .array([ref("duration"), ref("distribution")])),
            ]),
            "deadline": described(
                ref("duration"),
                "The request fails with deadline_exceeded this long after it first arrived. Default: none."),
            "retries": described(ref("retries"), "Retries after a timeout or an error."),
        ]
        return object(ScenarioDecoder.clientKeys, table, at: "workload.client", required: [])
    }

    mutating func retries() -> JSONValue {
        let table: [String: JSONValue] = [
            "max": .object([
                ("description", .string("Retries after the first attempt (0 … 100).")),
                ("type", .string("integer")), ("minimum", .number(0)), ("maximum", .number(100)),
            ]),
            "backoff": .object([
                (
                    "description",
                    .string(
                        "constant: every retry waits base; exponential: base · 2^(n−1), at most cap (default); or a distribution ({exponential: {mean: 100ms}}): every retry waits a fresh draw, at most cap (base and jitter do not apply)."
                    )
                ),
                (
                    "anyOf",
                    .array([
                        .object([("enum", .array(RetryPolicy.Backoff.allCases.map { .string($0.rawValue) }))]),
                        ref("distribution"),
                    ])
                ),
                ("default", .string("exponential")),
            ]),
            "base": described(ref("duration"), "The first backoff (default 50ms).", default: .string("50ms")),
            "cap": described(ref("duration"), "The longest backoff (default 10s).", default: .string("10s")),
            "jitter": .object([
                (
                    "description",
                    .string(
                        "none; full: U(0, d); equal: d/2 + U(0, d/2); decorrelated: min(cap, U(base, 3 · previous)). Default full."
                    )
                ),
                ("enum", .array(RetryPolicy.Jitter.allCases.map { .string($0.rawValue) })),
                ("default", .string("full")),
            ]),
            "budget": .object([
                (
                    "description",
                    .string(
                        "Retry budget as a share of first attempts (e.g. 10%): a token bucket; a retry without a token fails the request with retry_budget_exhausted."
                    )
                ),
                (
                    "anyOf",
                    .array([
                        .object([("type", .string("string")), ("pattern", .string("^[0-9.]+%$"))]),
                        .object([
                            ("type", .string("number")), ("exclusiveMinimum", .number(0)), ("maximum", .number(1)),
                        ]),
                    ])
                ),
            ]),
        ]
        return object(ScenarioDecoder.retryKeys, table, at: "workload.client.retries", required: ["max"])
    }

    mutating func slo() -> JSONValue {
        let threshold: JSONValue = .object([("type", .array([.string("string"), .string("number")]))])
        let table: [String: JSONValue] = [
            "metric": .object([
                (
                    "description",
                    .string(
                        "A metric id of this scenario, e.g. latency.p99, availability.request, class.read.latency.p99.")
                ),
                ("type", .string("string")),
            ]),
            "max": described(
                threshold,
                "The metric must not exceed this, in its unit: a duration for latencies (250ms), a share for ratios (0.1%), a rate or number for throughput."
            ),
            "min": described(threshold, "The metric must not fall below this (e.g. 99.95% for availability.request)."),
            "within": described(
                threshold,
                "Indifference zone around the threshold, in the metric's unit: closer than this, either verdict is acceptable."
            ),
            "name": .object([
                ("description", .string("Label in reports (default: the metric and its bound).")),
                ("type", .string("string")),
            ]),
        ]
        var schema = object(ScenarioDecoder.sloKeys, table, at: "slos.*", required: ["metric"])
        if case .object(var pairs) = schema {
            pairs.append(
                (
                    "oneOf",
                    .array([
                        .object([("required", .array([.string("max")]))]),
                        .object([("required", .array([.string("min")]))]),
                    ])
                ))
            schema = .object(pairs)
        }
        return schema
    }

    func sweep() -> JSONValue {
        .object([
            (
                "description",
                .string(
                    "A key path (components.web.instances) mapped to the list of values to try, or nested mappings ending in lists."
                )
            ),
            ("type", .string("object")),
            (
                "additionalProperties",
                .object([
                    (
                        "anyOf",
                        .array([
                            .object([("type", .string("array")), ("minItems", .number(1))]),
                            ref("sweep"),
                        ])
                    )
                ])
            ),
        ])
    }

    // MARK: cost

    /// A component's `cost:`: a price per instance-hour, or a mapping of prices.
    var costProperty: JSONValue {
        .object([
            (
                "description",
                .string(
                    "What the component costs: a price per instance-hour (0.096/h), or {instance, billing, per_million_requests, egress_per_gb, telemetry}. Money is in the scenario's currency. Default: free."
                )
            ),
            ("anyOf", .array([ref("price"), ref("cost")])),
        ])
    }

    mutating func cost() -> JSONValue {
        let amount: JSONValue = .object([("type", .string("number")), ("minimum", .number(0))])
        let table: [String: JSONValue] = [
            "instance": described(
                ref("price"), "Price per instance-hour held (0.096/h; also /s, /min, /d, /month = 730 h)."),
            "billing": .object([
                (
                    "description",
                    .string(
                        "How held instance-time is billed: per_second (default) or per_hour, each instance's holding period rounded up to whole hours."
                    )
                ),
                ("enum", .array(CostModel.Billing.allCases.map { .string($0.rawValue) })),
                ("default", .string("per_second")),
            ]),
            "per_million_requests": described(
                amount,
                "Price per million requests the component handles (each visit that gets a worker; retries count)."),
            "egress_per_gb": described(
                amount,
                "Price per GB (10^9 bytes) of responses the component sends to clients: it must be the first component of some class's path, and the classes need a response_size."
            ),
            "telemetry": object(
                ScenarioDecoder.telemetryKeys,
                [
                    "per_request": described(
                        ref("size"),
                        "Bytes of logs, metric samples and trace spans each request the component handles emits (2KB). Required."
                    ),
                    "ingest_per_gb": described(
                        amount, "Price per GB (10^9 bytes) ingested by the observability backend."),
                    "storage_per_gb_month": described(
                        amount, "Price per GB stored for a month (730 h); needs retention."),
                    "retention": described(ref("duration"), "How long the backend keeps the telemetry (15d)."),
                ], at: "components.*.cost.telemetry", required: ["per_request"]),
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
            (
                "description",
                .string(
                    "A price per instance-time: a number per time unit — 0.096/h per instance-hour; also /s, /min, /d and /month (730 h)."
                )
            ),
            ("type", .string("string")),
            (
                "pattern",
                .string(
                    "^\\s*" + Self.numberPattern + "\\s*/\\s*(?:" + Quantity.priceUnits.map(\.0).joined(separator: "|")
                        + ")\\s*$")
            ),
            ("examples", .array([.string("0.096/h")])),
        ])
    }

    var sizeSchema: JSONValue {
        .object([
            (
                "description",
                .string(
                    "A size with its unit: B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024) — e.g. 20KB, 1.5MiB."
                )
            ),
            ("type", .string("string")),
            (
                "pattern",
                .string(
                    "^\\s*" + Self.numberPattern + "\\s*(?:" + Quantity.sizeUnits.map(\.0).joined(separator: "|")
                        + ")\\s*$")
            ),
            ("examples", .array([.string("20KB"), .string("1.5MiB")])),
        ])
    }
}
