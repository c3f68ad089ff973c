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
            (
                "name",
                .object([
                    ("type", .string("string")),
                    ("pattern", .string("^[A-Za-z][A-Za-z0-9_-]*$")),
                    (
                        "description",
                        .string(
                            "A name used in metric ids and key paths: letters, digits, '_' and '-', starting with a letter."
                        )
                    ),
                ])
            ),
            ("components", components(partial: false)),
            ("partial-components", components(partial: true)),
            // The kind decides the keys: a load balancer, else a server pool (so a server pool's
            // mistakes are reported against the server pool's own rules).
            (
                "component",
                byKind(
                    balancer: ref("load-balancer"), database: ref("database"), cache: ref("cache"), cdn: ref("cdn"),
                    inspection: ref("inspection"), cluster: ref("cluster"), pool: ref("server-pool"))
            ),
            (
                "partial-component",
                byKind(
                    balancer: ref("partial-load-balancer"), database: ref("partial-database"),
                    cache: ref("partial-cache"),
                    cdn: ref("partial-cdn"), inspection: ref("partial-inspection"), cluster: ref("partial-cluster"),
                    pool: ref("partial-server-pool"),
                    unknownKind: ref("partial-component-of-any-kind"))
            ),
            ("cluster", cluster(partial: false)),
            ("partial-cluster", cluster(partial: true)),
            ("cache", cache(partial: false, cdn: false)),
            ("partial-cache", cache(partial: true, cdn: false)),
            ("cdn", cache(partial: false, cdn: true)),
            ("partial-cdn", cache(partial: true, cdn: true)),
            ("partial-component-of-any-kind", componentOfAnyKind()),
            ("inspection", inspection(partial: false)),
            ("partial-inspection", inspection(partial: true)),
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
            (
                "description",
                .string(
                    "A capsim scenario: traffic, components and how to run the simulation. Every quantity carries its unit (250ms, 2000/s). A file with 'extends' is a variant of another scenario: its mappings merge over the base's."
                )
            ),
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
                (
                    "description",
                    .string(
                        "The scenario language version this file is written in. Required; this capsim reads \(Scenario.languageVersion)."
                    )
                ),
                ("const", .number(Double(Scenario.languageVersion))),
            ]),
            "name": .object([
                (
                    "description",
                    .string(
                        "The scenario's name in reports. Default: the file's base name. Not inherited through 'extends'."
                    )
                ),
                ("type", .string("string")),
            ]),
            "description": .object([("description", .string("Free text.")), ("type", .string("string"))]),
            "horizon": described(
                ref("duration"), "Simulated time of one replication, warm-up included (e.g. 2h). Required."),
            "warmup": .object([
                (
                    "description",
                    .string(
                        "Requests arriving before this are not measured (default 0s; shorter than the horizon), or auto: chosen by MSER-5 on pilot replications."
                    )
                ),
                ("default", .string("0s")),
                ("anyOf", .array([ref("duration"), .object([("const", .string("auto"))])])),
            ]),
            "drain": described(
                ref("duration"),
                "After the horizon arrivals stop and requests in flight may finish for at most this long; any left end as in_flight_at_end (default 10m).",
                default: .string("10m")),
            "replications": .object([
                (
                    "description",
                    .string(
                        "Independent replications (default 10), or {min, max, until: slo-decided} to add planned batches until every SLO is decided."
                    )
                ),
                ("default", .number(10)),
                ("anyOf", .array([count(minimum: 1, maximum: 1_000_000), ref(p + "replication-plan")])),
            ]),
            "seed": .object([
                ("description", .string("Master seed of every random stream (default 1): 0 … 2^64−1.")),
                ("default", .number(1)),
                (
                    "anyOf",
                    .array([
                        .object([
                            ("type", .string("integer")), ("minimum", .number(0)),
                            ("maximum", .number(Double(UInt64.max))),
                        ]),
                        .object([("type", .string("string")), ("pattern", .string("^[0-9][0-9_]*$"))]),
                    ])
                ),
            ]),
            "workload": described(
                ref(p + "workload"), "Traffic: the arrival process and the request classes. Required."),
            "components": described(
                ref(p + "components"), "The components requests visit, by name, in file order. Required."),
            "slos": .object([
                (
                    "description",
                    .string(
                        "Service-level objectives, each decided PASS, FAIL or INCONCLUSIVE from its confidence interval."
                    )
                ),
                ("type", .string("array")),
                ("items", ref("slo")),
            ]),
            "latency_objective": described(
                ref("duration"),
                "The latency a request must succeed within to count as good: reported as latency.good_ratio (share of all requests that succeed within it), which does not reward failing fast."
            ),
            "availability": described(
                ref(p + "availability"),
                "Time-based availability: the measured time cut into windows, each judged by its success ratio; reported as availability.time (share of judged time whose windows met the objective), downtime.monthly and availability.windows.judged."
            ),
            "sweep": described(
                ref("sweep"),
                "Key paths from the root mapped to lists of values; every point of their cartesian product is simulated (first axis outermost)."
            ),
            "regions": regionsSchema,
            "dns": dnsSchema,
            "zones": .object([
                (
                    "description",
                    .string(
                        "Zones that fail as a whole, by name: {} or {failures: {mtbf, mttr, mode}}. Pools place their instances in them with their own 'zones' list."
                    )
                ),
                ("type", .string("object")),
                ("propertyNames", ref("name")),
                (
                    "additionalProperties",
                    .object([
                        (
                            "anyOf",
                            .array([
                                .object([("type", .string("null"))]),
                                .object([
                                    ("type", .string("object")), ("additionalProperties", .bool(false)),
                                    ("properties", .object([("failures", ref("failures"))])),
                                ]),
                            ])
                        )
                    ])
                ),
            ]),
            "events": .object([
                (
                    "description",
                    .string(
                        "Events at set times: {at, outage|degrade|maintenance|rolling_restart|rolling_deploy|canary_deploy|blue_green_deploy|cache_flush|switchover|region_outage|data_loss: {…}}; see the README."
                    )
                ),
                ("type", .string("array")),
                ("items", ref("event")),
            ]),
            "currency": .object([
                (
                    "description",
                    .string(
                        "The currency of every price and cost figure: three capital letters (ISO 4217, e.g. USD, EUR). A label only; default USD."
                    )
                ),
                ("type", .string("string")), ("pattern", .string("^[A-Z]{3}$")), ("default", .string("USD")),
            ]),
            "extends": .object([
                (
                    "description",
                    .string(
                        "A scenario file this one is a variant of (relative to this file's folder): this file's mappings merge over it, lists and values replace, 'key: ~' removes a key."
                    )
                ),
                ("type", .string("string")),
                ("minLength", .number(1)),
            ]),
        ]
        let keys = ScenarioDecoder.topLevelKeys.filter { partial || $0 != "extends" }
        return object(
            keys, table, at: "", required: ["version", "horizon", "workload", "components"], partial: partial)
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

    /// A closed object with the decoder's `keys` in order, each described by `table`. In the
    /// `partial` form (a variant's, over its `extends:` base) nothing is required and every key
    /// may also be null: `key: ~` removes the base's value.
    mutating func object(
        _ keys: [String], _ table: [String: JSONValue], at path: String, required: [String], partial: Bool = false
    ) -> JSONValue {
        var properties: [(key: String, value: JSONValue)] = []
        for k in keys {
            var schema: JSONValue
            if let described = table[k] {
                schema = described
            } else {
                undescribed.append(path.isEmpty ? k : path + "." + k)
                schema = .object([("description", .string("See the README."))])
            }
            if partial { schema = .object([("anyOf", .array([schema, .object([("type", .string("null"))])]))]) }
            properties.append((k, schema))
        }
        let required = partial ? [] : required
        var pairs: [(key: String, value: JSONValue)] = [
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
            ("properties", .object(properties)),
        ]
        if !required.isEmpty { pairs.append(("required", .array(required.map { .string($0) }))) }
        return .object(pairs)
    }
}
