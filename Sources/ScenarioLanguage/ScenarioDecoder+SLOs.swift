import InfraModel
import SimStats

extension ScenarioDecoder {
    static let sloKeys = ["metric", "max", "min", "within", "name"]
    static let replicationPlanKeys = ["min", "max", "until"]

    /// `replications: 20` or `replications: {min: 10, max: 200, until: slo-decided}`.
    mutating func decodeReplications(_ node: ScenarioNode) -> ReplicationPlan? {
        if case .scalar = node {
            return reader.integer(node, "replications", min: 1, max: 1_000_000).map { ReplicationPlan(fixed: $0) }
        }
        guard
            let f = reader.fields(
                node, "replications", allowed: Self.replicationPlanKeys, required: ["min", "max", "until"])
        else { return nil }
        let lo = f["min"].flatMap { reader.integer($0, f.path("min"), min: 2, max: 1_000_000) }
        let hi = f["max"].flatMap { reader.integer($0, f.path("max"), min: 2, max: 1_000_000) }
        if let u = f["until"], let s = reader.string(u, f.path("until")), s != "slo-decided" {
            reader.fail(
                u, f.path("until"), "expected slo-decided, found '\(s)'", suggestion: nearest(s, in: ["slo-decided"]))
        }
        guard let lo, let hi else { return nil }
        if hi < lo, let maxNode = f["max"] {
            reader.fail(maxNode, f.path("max"), "expected max ≥ min (\(lo)), found \(hi)")
            return nil
        }
        return ReplicationPlan(minimum: lo, maximum: hi, untilDecided: true)
    }

    /// `slos:` — a list of `{metric, max | min, within?, name?}`; metric ids are checked against
    /// the model's metrics, and thresholds are read in the metric's unit (durations for latencies,
    /// `99.95%` or a fraction for shares, `900/s` or a number for rates).
    mutating func decodeSLOs(_ node: ScenarioNode, layout: MetricLayout) -> [SLOSpec] {
        guard let items = reader.list(node, "slos") else { return [] }
        var slos: [SLOSpec] = []
        for (i, item) in items.enumerated() {
            let path = "slos.\(i)"
            guard let f = reader.fields(item, path, allowed: Self.sloKeys, required: ["metric"]) else { continue }
            guard let metricNode = f["metric"], let id = reader.string(metricNode, f.path("metric")) else { continue }
            guard let m = layout.metrics.first(where: { $0.id == id }) else {
                reader.fail(
                    metricNode, f.path("metric"),
                    "expected a metric id of this scenario (e.g. latency.p99, availability.request), found '\(id)'",
                    suggestion: nearest(id, in: layout.metrics.map(\.id)))
                continue
            }
            if case .maximum = m.kind {
                reader.fail(
                    metricNode, f.path("metric"),
                    "'\(id)' has no confidence interval, so no SLO can be decided on it; use a percentile such as \(id.dropLast(3))p999"
                )
                continue
            }
            var bound: SLOSpec.Bound?
            switch (f["max"], f["min"]) {
            case (let v?, nil): bound = threshold(v, f.path("max"), unit: m.unit).map { .max($0) }
            case (nil, let v?): bound = threshold(v, f.path("min"), unit: m.unit).map { .min($0) }
            default: reader.fail(item, path, "expected exactly one of 'max' and 'min'")
            }
            let within = f["within"].map { threshold($0, f.path("within"), unit: m.unit) } ?? 0
            guard let bound, let within else { continue }
            if within < 0, let withinNode = f["within"] {
                reader.fail(withinNode, f.path("within"), "expected a non-negative indifference zone")
                continue
            }
            guard let boundNode = f[bound.isMax ? "max" : "min"] else {
                preconditionFailure("bound was read from the slo's 'max' or 'min'")
            }
            let name =
                f["name"].flatMap { reader.string($0, f.path("name")) }
                ?? "\(id) \(bound.isMax ? "<=" : ">=") \(boundNode.scalarText ?? "")"
            slos.append(SLOSpec(name: name, metric: id, bound: bound, within: within, location: item.location))
        }
        return slos
    }

    /// A threshold in the metric's SI unit.
    mutating func threshold(_ node: ScenarioNode, _ path: String, unit: MetricUnit) -> Double? {
        guard case .scalar(let text, _) = node else {
            reader.fail(node, path, "expected a threshold, found \(node.kindDescription)")
            return nil
        }
        switch unit {
        case .seconds:
            return reader.duration(node, path)?.seconds
        case .fraction:
            let t = Substring(text).trimmingWhitespace()
            if t.hasSuffix("%"), let v = Quantity.number(t.dropLast()), v >= 0, v <= 100 { return v / 100 }
            if let v = Quantity.number(t), v >= 0, v <= 1 { return v }
            reader.fail(node, path, "expected a share such as 99.95% or 0.9995, found '\(text)'")
            return nil
        case .perSecond:
            if text.contains("/") { return reader.rate(node, path) }
            return reader.number(node, path, minimum: 0)
        case .count:
            return reader.number(node, path, minimum: 0)
        case .money(let currency):
            // A plain amount, or one followed by the scenario's currency code: 12000 or 12000 USD.
            var t = Substring(text).trimmingWhitespace()
            if t.hasSuffix(currency) { t = t.dropLast(currency.count).trimmingWhitespace() }
            if let v = Quantity.number(Substring(String(t).replacingUnderscores())), v >= 0 { return v }
            reader.fail(
                node, path,
                "expected an amount of money in \(currency) such as 12000 or 12000 \(currency), found '\(text)'")
            return nil
        }
    }
}

extension SLOSpec.Bound {
    var isMax: Bool { if case .max = self { true } else { false } }
}

extension ScenarioNode {
    /// The text of a scalar, nil otherwise.
    var scalarText: String? { if case .scalar(let s, _) = self { s } else { nil } }
}
