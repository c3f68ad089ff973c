import ScenarioLanguage
import SimStats

/// The JSON report: everything a run produced, keys in a fixed order (an ordered `JSONValue`,
/// not `JSONEncoder`, whose key order is not the layout's), so the same run gives the same bytes.
public enum JSONReport {
    public static func render(_ r: RunReport) -> String { value(r).text }

    public static func value(_ r: RunReport) -> JSONValue {
        let layout = r.summary.layout
        var warmup: [(key: String, value: JSONValue)] = [
            ("seconds", .number(r.scenario.model.window.warmup.seconds)), ("auto", .bool(r.warmup != nil)),
        ]
        if let c = r.warmup {
            warmup += [
                ("method", .string("MSER-5")), ("batch", .number(Double(c.batch))),
                ("batches", .number(Double(c.batches))), ("pilots", .number(Double(c.pilots))),
            ]
        }
        var fields: [(key: String, value: JSONValue)] = [
            ("capsim_version", .string(CapSimInfo.version)),
            ("schema_version", .number(Double(CapSimInfo.schemaVersion))),
            (
                "scenario",
                .object(
                    [
                        ("name", .string(r.scenario.name)),
                        ("file", .string(r.scenario.file)),
                        ("hash", .string(r.scenario.hash)),
                        ("seed", .string(String(r.scenario.seed))),
                        ("replications", .number(Double(r.summary.replications))),
                        ("axes", .object(r.scenario.axes.map { ($0.path, .string($0.text)) })),
                    ] + (r.scenario.model.cost.map { [("currency", .string($0.currency))] } ?? []))
            ),
            ("warmup", .object(warmup)),
            ("events", .number(Double(r.summary.events))),
            ("requests", .number(Double(r.summary.arrivals))),
            ("metrics", .object(metrics(r))),
            (
                "distributions",
                .object(
                    zip(layout.distributions, r.summary.pooledDistributions).map { name, levels in
                        (name, .array(levels.shares.map { .number($0) }))
                    })
            ),
            ("components", components(r)),
            ("latency_quantiles", latencyQuantiles(r.summary)),
        ]
        // Only with `--timeseries`: every other report keeps its shape.
        if let series = r.timeSeries { fields.append(("time_series", timeSeries(series))) }
        // Only after `run --rare-failures`: every other report keeps its bytes.
        if let strat = r.rareFailures { fields.append(("rare_failures", rareFailures(strat, r.scenario))) }
        fields += [
            ("slos", .array(r.slos.map(slo))),
            ("warnings", .array(r.summary.warnings.map { .string($0) })),
            ("unstable_replications", .array(r.unstableReplications.map { .number(Double($0)) })),
        ]
        // Only for runs cut short, so reports of complete runs keep their shape.
        if let planned = r.interruptedOf {
            fields.append(
                (
                    "interrupted",
                    .object([
                        ("replications_finished", .number(Double(r.results.count))),
                        ("replications_planned", .number(Double(planned))),
                    ])
                ))
        }
        if !r.eventLimitedReplications.isEmpty {
            fields.append(
                ("event_limited_replications", .array(r.eventLimitedReplications.map { .number(Double($0)) })))
        }
        fields += [
            (
                "per_replication",
                .array(
                    r.results.map { rep in
                        .object([
                            ("replication", .number(Double(rep.replication))),
                            ("events", .number(Double(rep.outcome.events))),
                            ("requests", .number(Double(rep.outcome.arrivals))),
                            ("fingerprint", .string(hex(rep.outcome.fingerprint))),
                            ("unstable", .bool(rep.outcome.unstable)),
                            ("metrics", .object(zip(layout.metrics, rep.values).map { ($0.id, .number($1)) })),
                        ])
                    })
            )
        ]
        return .object(fields)
    }

    /// Every metric's value, half-width and replications; then, after `run --rare-failures`,
    /// `availability.rare_failures` (its n: the replications of each state's run).
    static func metrics(_ r: RunReport) -> [(key: String, value: JSONValue)] {
        let layout = r.summary.layout
        // Estimates are aligned with the layout's metrics (`Summary.init`).
        var metrics: [(key: String, value: JSONValue)] = zip(layout.metrics, r.summary.estimates).map { m, e in
            var fields: [(key: String, value: JSONValue)] = [("value", .number(e.value))]
            if let hw = e.halfWidth95 { fields.append(("hw95", .number(hw))) }
            fields.append(("n", .number(Double(e.replications))))
            fields.append(("unit", .string(m.unit.jsonName)))
            return (e.id, .object(fields))
        }
        if let strat = r.rareFailures {
            let fields: [(key: String, value: JSONValue)] = [
                ("value", .number(strat.estimate)), ("hw95", .number(strat.halfWidth)),
                ("n", .number(Double(r.scenario.replications))), ("unit", .string(MetricUnit.fraction.jsonName)),
            ]
            metrics.append((StratifiedAvailability.metricID, .object(fields)))
        }
        return metrics
    }

    /// The stratified estimate in full (`run --rare-failures`): the failure run, the interval and
    /// its two parts, and every state with its instances up per component, its share and its
    /// availability.
    static func rareFailures(_ strat: StratifiedAvailability, _ scenario: Scenario) -> JSONValue {
        let stations = scenario.model.stations
        let databases = stations.filter { $0.database != nil }
        let states: [JSONValue] = strat.strata.map { s in
            var fields: [(key: String, value: JSONValue)] = [
                ("up", .object(zip(stations, s.up).map { ($0.name, .number(Double($1))) }))
            ]
            // Only with databases (so the report of a design without them is unchanged).
            if !databases.isEmpty {
                fields.append(("writable", .object(zip(databases, s.writable).map { ($0.name, .bool($1)) })))
            }
            fields += [
                ("share", .number(s.share)), ("share_hw95", .number(s.shareHalfWidth)),
                ("availability", .number(s.availability)), ("hw95", .number(s.halfWidth)),
                ("replications", .number(Double(s.replications))),
            ]
            return .object(fields)
        }
        return .object([
            ("failure_horizon", .number(strat.failureHorizon.seconds)),
            ("failure_events", .number(Double(strat.failureEvents))),
            ("batches", .number(Double(StratifiedAvailability.batches))),
            ("estimate", .number(strat.estimate)), ("hw95", .number(strat.halfWidth)),
            ("shares_hw95", .number(strat.sharesHalfWidth)), ("states_hw95", .number(strat.statesHalfWidth)),
            ("degrees_of_freedom", .number(strat.degreesOfFreedom)),
            ("states", .array(states)),
        ])
    }

    static func slo(_ o: SLOOutcome) -> JSONValue {
        let bound: (key: String, value: JSONValue) =
            switch o.slo.bound {
            case .max(let t): ("max", .number(t))
            case .min(let t): ("min", .number(t))
            }
        return .object([
            ("name", .string(o.slo.name)), ("metric", .string(o.slo.metric)), bound,
            ("within", .number(o.slo.within)), ("verdict", .string(o.verdict.rawValue)),
            ("estimate", .number(o.estimate)), ("lower", .number(o.lower)), ("upper", .number(o.upper)),
            ("level", .number(o.level)), ("replications", .number(Double(o.replications))),
            ("p_value", .number(o.pValue)), ("reason", .string(o.reason)),
        ])
    }

    static func hex(_ x: UInt64) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
