import InfraModel

/// The schema of distributions and quantities with units.
extension SchemaBuilder {
    // MARK: distributions

    /// One object per family (`{lognormal: {mean: 20ms, cv: 1.5}}`); exactly one must match.
    func distribution(partial: Bool) -> JSONValue {
        let duration = ref("duration")
        let positive: JSONValue = .object([("type", .string("number")), ("exclusiveMinimum", .number(0))])
        func body(
            _ properties: [(String, JSONValue)], required: [String], extra: [(key: String, value: JSONValue)] = []
        ) -> JSONValue {
            var pairs: [(key: String, value: JSONValue)] = [
                ("type", .string("object")),
                ("additionalProperties", .bool(false)),
                ("properties", .object(properties.map { ($0.0, $0.1) })),
            ]
            if !partial && !required.isEmpty { pairs.append(("required", .array(required.map { .string($0) }))) }
            if !partial { pairs += extra }
            return .object(pairs)
        }
        let spread: [(key: String, value: JSONValue)] = [
            (
                "oneOf",
                .array([
                    .object([("required", .array([.string("cv")]))]),
                    .object([("required", .array([.string("sd")]))]),
                ])
            )
        ]
        let meanSpread = body(
            [("mean", duration), ("cv", positive), ("sd", duration)], required: ["mean"], extra: spread)
        let units = Quantity.durationUnits.map { JSONValue.string($0.0) }
        let families: [String: (String, JSONValue, JSONValue)] = [
            "exponential": (
                "Exponential with the given mean.", body([("mean", duration)], required: ["mean"]),
                .object([("exponential", .object([("mean", .string("2ms"))]))])
            ),
            "deterministic": (
                "Always the same value.",
                .object([("anyOf", .array([duration, body([("value", duration)], required: ["value"])]))]),
                .object([("deterministic", .string("5ms"))])
            ),
            "uniform": (
                "Uniform between min and max: [min, max] or {min, max}.",
                .object([
                    (
                        "anyOf",
                        .array([
                            .object([
                                ("type", .string("array")), ("items", duration), ("minItems", .number(2)),
                                ("maxItems", .number(2)),
                            ]),
                            body([("min", duration), ("max", duration)], required: ["min", "max"]),
                        ])
                    )
                ]),
                .object([("uniform", .array([.string("1ms"), .string("3ms")]))])
            ),
            "normal": (
                "Normal truncated at 0, by mean and sd (a duration) or cv (a number).", meanSpread,
                .object([("normal", .object([("mean", .string("10ms")), ("sd", .string("2ms"))]))])
            ),
            "lognormal": (
                "Lognormal by its mean and coefficient of variation (or sd).", meanSpread,
                .object([("lognormal", .object([("mean", .string("20ms")), ("cv", .number(1.5))]))])
            ),
            "gamma": (
                "Gamma by its mean and coefficient of variation (or sd).", meanSpread,
                .object([("gamma", .object([("mean", .string("4ms")), ("cv", .number(0.7))]))])
            ),
            "weibull": (
                "Weibull by shape (a number) and scale (a duration).",
                body([("shape", positive), ("scale", duration)], required: ["shape", "scale"]),
                .object([("weibull", .object([("shape", .number(1.5)), ("scale", .string("10ms"))]))])
            ),
            "pareto": (
                "Pareto by shape and scale (the minimum).",
                body([("shape", positive), ("scale", duration)], required: ["shape", "scale"]),
                .object([("pareto", .object([("shape", .number(2.5)), ("scale", .string("1ms"))]))])
            ),
            "erlang": (
                "Sum of k exponentials with total mean.",
                body(
                    [
                        (
                            "k",
                            .object([
                                ("type", .string("integer")), ("minimum", .number(1)), ("maximum", .number(10_000)),
                            ])
                        ), ("mean", duration),
                    ], required: ["k", "mean"]),
                .object([("erlang", .object([("k", .number(3)), ("mean", .string("6ms"))]))])
            ),
            "hyperexponential": (
                "Mixture of exponentials: {mean, cv} (two balanced branches, cv ≥ 1) or {branches: [{p, mean}, …]}.",
                body(
                    [
                        ("mean", duration),
                        ("cv", .object([("type", .string("number")), ("minimum", .number(1))])),
                        (
                            "branches",
                            .object([
                                ("type", .string("array")), ("minItems", .number(1)),
                                (
                                    "items",
                                    .object([
                                        ("type", .string("object")), ("additionalProperties", .bool(false)),
                                        ("properties", .object([("p", positive), ("mean", duration)])),
                                        ("required", .array([.string("p"), .string("mean")])),
                                    ])
                                ),
                            ])
                        ),
                    ], required: [],
                    extra: [
                        (
                            "anyOf",
                            .array([
                                .object([("required", .array([.string("mean"), .string("cv")]))]),
                                .object([("required", .array([.string("branches")]))]),
                            ])
                        )
                    ]),
                .object([("hyperexponential", .object([("mean", .string("1ms")), ("cv", .number(2))]))])
            ),
            "empirical": (
                "Resampled from a file of values, one per line (path relative to the scenario); a line may carry its own unit, otherwise 'unit' applies.",
                body(
                    [("file", .object([("type", .string("string"))])), ("unit", .object([("enum", .array(units))]))],
                    required: ["file"]),
                .object([("empirical", .object([("file", .string("samples.csv")), ("unit", .string("ms"))]))])
            ),
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
            (
                "description",
                .string(
                    "A distribution, written as a mapping with one key naming the family: {exponential: {mean: 10ms}}. Durations carry units; shapes and cvs are plain numbers."
                )
            ),
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
            (
                "description",
                .string("A duration with its unit: ns, us (µs), ms, s, m (min), h, d — e.g. 250ms, 1.5s, 5m, 2h, 30d.")
            ),
            ("type", .string("string")),
            ("pattern", .string("^\\s*" + Self.numberPattern + "\\s*" + Self.unitPattern + "\\s*$")),
            ("examples", .array([.string("250ms"), .string("1.5s"), .string("5m")])),
        ])
    }

    var rateSchema: JSONValue {
        .object([
            (
                "description",
                .string("A rate: a number, optionally k, M or G, per time unit — e.g. 2000/s, 120k/min, 1.5M/h.")
            ),
            ("type", .string("string")),
            (
                "pattern",
                .string(
                    "^\\s*" + Self.numberPattern + "\\s*(?:" + Quantity.countSuffixes.map(\.0).joined(separator: "|")
                        + ")?\\s*/\\s*" + Self.unitPattern + "\\s*$")
            ),
            ("examples", .array([.string("2000/s"), .string("120k/min")])),
        ])
    }

    /// A whole number (`1_000` grouping allowed, which YAML 1.2 reads as a string).
    func count(minimum: Int, maximum: Int? = nil) -> JSONValue {
        var integer: [(key: String, value: JSONValue)] = [
            ("type", .string("integer")), ("minimum", .number(Double(minimum))),
        ]
        if let maximum { integer.append(("maximum", .number(Double(maximum)))) }
        return .object([
            (
                "anyOf",
                .array([
                    .object(integer),
                    .object([("type", .string("string")), ("pattern", .string("^[0-9][0-9_]*$"))]),
                ])
            )
        ])
    }
}
