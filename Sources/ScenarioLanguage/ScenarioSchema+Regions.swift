import InfraModel

/// The schema of `regions:` and a component's `region:`.
extension SchemaBuilder {
    /// A component's `region:` (pools, load balancers, databases).
    var regionProperty: JSONValue {
        described(
            ref("name"),
            "The region the component lives in (a name under the top-level 'regions:'; default: the region of its zones, or none). A call to it from another region pays the pair's round trip; the region's outages take all its instances."
        )
    }

    /// The top-level `dns:`.
    var dnsSchema: JSONValue {
        .object([
            (
                "description",
                .string(
                    "DNS failover between the regions' entry components: a request of a class whose path begins at an entry starts at the entry of the region its client's cached answer names."
                )
            ),
            ("type", .string("object")), ("additionalProperties", .bool(false)),
            (
                "properties",
                .object([
                    (
                        "routing",
                        .object([
                            (
                                "description",
                                .string("health_checked (default: clients cache answers for ttl) or anycast.")
                            ),
                            ("enum", .array(DNSSpec.Routing.allCases.map { .string($0.rawValue) })),
                        ])
                    ),
                    ("ttl", described(ref("duration"), "health_checked: how long a client keeps an answer. Required.")),
                    (
                        "detect",
                        described(
                            ref("duration"),
                            "From a region's outage (or recovery) to DNS answering accordingly (default 0s).")
                    ),
                    (
                        "entries",
                        .object([
                            (
                                "description",
                                .string("Each region's entry component (living in it), by region name. Required.")
                            ),
                            ("type", .string("object")), ("propertyNames", ref("name")),
                            ("additionalProperties", ref("name")),
                        ])
                    ),
                    (
                        "primary",
                        described(
                            ref("name"),
                            "Everyone is answered this region while it is known up (active/passive); default: each user its own region, else the nearest entry."
                        )
                    ),
                ])
            ),
            ("required", .array([.string("entries")])),
        ])
    }

    /// The top-level `regions:`.
    var regionsSchema: JSONValue {
        .object([
            (
                "description",
                .string(
                    "Regions by name: {zones: [..], users: share, failures: {mtbf, mttr, mode}, latency: {other-region: round trip}}. Components live in them ('region:' or their zones), users send requests from them, and a call from one region to a component in another pays the pair's round trip."
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
                                (
                                    "properties",
                                    .object([
                                        (
                                            "zones",
                                            .object([
                                                (
                                                    "description",
                                                    .string(
                                                        "Zones inside the region (declared under 'zones:' or named by a component); each zone in one region."
                                                    )
                                                ),
                                                ("type", .string("array")), ("items", ref("name")),
                                            ])
                                        ),
                                        (
                                            "users",
                                            .object([
                                                (
                                                    "description",
                                                    .string(
                                                        "Share of the requests whose users are in this region, such as 60% (the regions' shares add up to 100%; default: no users anywhere, and the first call pays no latency)."
                                                    )
                                                ),
                                                ("type", .array([.string("number"), .string("string")])),
                                            ])
                                        ),
                                        (
                                            "failures",
                                            described(
                                                ref("failures"),
                                                "Random outages of the whole region, taking every component in it (default: only scheduled region_outage events)."
                                            )
                                        ),
                                        (
                                            "latency",
                                            .object([
                                                (
                                                    "description",
                                                    .string(
                                                        "Round trip of a call to each other region, by name: a duration or a distribution; one figure for both directions, given under either region."
                                                    )
                                                ),
                                                ("type", .string("object")),
                                                ("propertyNames", ref("name")),
                                                (
                                                    "additionalProperties",
                                                    .object([
                                                        ("anyOf", .array([ref("duration"), ref("distribution")]))
                                                    ])
                                                ),
                                            ])
                                        ),
                                    ])
                                ),
                            ]),
                        ])
                    )
                ])
            ),
        ])
    }
}
