import InfraModel
import SimKernel

/// Prices: `currency:` at the top level, `cost:` on a server pool or load balancer, and
/// `response_size:` on the workload or a class (for egress). Decoded into a `CostModel` the
/// statistics turn into money; the simulation never sees it.
extension ScenarioDecoder {
    static let costKeys = ["instance", "billing", "per_million_requests", "egress_per_gb", "telemetry"]
    static let telemetryKeys = ["per_request", "ingest_per_gb", "storage_per_gb_month", "retention"]

    /// A component's `cost:` as decoded, kept until every component and class is known.
    struct ComponentCost {
        var component: String
        var prices: CostModel.Prices
        var node: ScenarioNode
        var path: String
        /// The `egress_per_gb` node, to locate problems with it.
        var egressNode: ScenarioNode?
    }

    /// `currency: USD` — three capital letters (ISO 4217 style); a label only.
    mutating func decodeCurrency(_ node: ScenarioNode) -> String? {
        guard let s = reader.string(node, "currency") else { return nil }
        let ok = s.count == 3 && s.allSatisfy { $0.isASCII && $0.isUppercase }
        if !ok {
            let upper = s.uppercased()
            let fix = upper.count == 3 && upper.allSatisfy { $0.isASCII && $0.isUppercase } ? upper : nil
            reader.fail(
                node, "currency",
                "expected a currency code of three capital letters (ISO 4217, e.g. USD, EUR), found '\(s)'",
                suggestion: fix)
            return nil
        }
        return s
    }

    /// `cost: 0.096/h` (per instance-hour) or `cost: {instance: 0.096/h, billing: per_second |
    /// per_hour, per_million_requests: 0.20, egress_per_gb: 0.09}`. Records it for `costModel`.
    mutating func decodeCost(_ node: ScenarioNode, _ path: String, component: String) {
        if case .scalar = node {
            guard let hourly = price(node, path) else { return }
            componentCosts.append(
                ComponentCost(
                    component: component, prices: CostModel.Prices(instanceHour: hourly), node: node, path: path))
            return
        }
        guard let f = reader.fields(node, path, allowed: Self.costKeys) else { return }
        var ok = true
        var prices = CostModel.Prices()
        if let n = f["instance"] {
            if let v = price(n, f.path("instance")) { prices.instanceHour = v } else { ok = false }
        }
        if let n = f["billing"] {
            if let b = reader.choice(n, f.path("billing"), CostModel.Billing.self) {
                prices.billing = b
            } else {
                ok = false
            }
            if f["instance"] == nil {
                reader.fail(
                    n, f.path("billing"),
                    "billing applies to the instance price: give 'instance' (e.g. instance: 0.096/h)")
                ok = false
            }
        }
        for (key, keyPath) in [
            ("per_million_requests", \CostModel.Prices.perMillionRequests), ("egress_per_gb", \.egressPerGB),
        ] {
            guard let n = f[key] else { continue }
            if let v = reader.number(n, f.path(key), minimum: 0) { prices[keyPath: keyPath] = v } else { ok = false }
        }
        if let n = f["telemetry"] {
            if let t = decodeTelemetry(n, f.path("telemetry")) { prices.telemetry = t } else { ok = false }
        }
        if f.pairs.isEmpty {
            reader.fail(
                node, path, "expected at least one price: instance, per_million_requests, egress_per_gb or telemetry")
            ok = false
        }
        if ok {
            componentCosts.append(
                ComponentCost(
                    component: component, prices: prices, node: node, path: path, egressNode: f["egress_per_gb"]))
        }
    }

    /// `telemetry: {per_request: 2KB, ingest_per_gb: 0.50, storage_per_gb_month: 0.03,
    /// retention: 15d}`: the bytes each request handled emits (required) and at least one price;
    /// a storage price needs a retention.
    mutating func decodeTelemetry(_ node: ScenarioNode, _ path: String) -> CostModel.Telemetry? {
        guard let f = reader.fields(node, path, allowed: Self.telemetryKeys, required: ["per_request"]) else {
            return nil
        }
        let bytes = f["per_request"].flatMap { responseSize($0, f.path("per_request")) }
        var ingest: Double?? = .some(0)
        if let n = f["ingest_per_gb"] { ingest = reader.number(n, f.path("ingest_per_gb"), minimum: 0).map { $0 } }
        var storage: Double?? = .some(0)
        if let n = f["storage_per_gb_month"] {
            storage = reader.number(n, f.path("storage_per_gb_month"), minimum: 0).map { $0 }
        }
        var retention: SimDuration?? = .some(.zero)
        if let n = f["retention"] { retention = reader.duration(n, f.path("retention")).map { $0 } }
        guard let bytes, let ingest = ingest ?? nil, let storage = storage ?? nil, let retention = retention ?? nil
        else { return nil }
        if f["ingest_per_gb"] == nil && f["storage_per_gb_month"] == nil {
            reader.fail(node, path, "expected a price for the telemetry: ingest_per_gb, storage_per_gb_month or both")
            return nil
        }
        if let n = f["storage_per_gb_month"], f["retention"] == nil {
            reader.fail(
                n, f.path("storage_per_gb_month"),
                "a storage price needs how long the telemetry is kept: give 'retention' (e.g. 15d)")
            return nil
        }
        return CostModel.Telemetry(
            bytesPerRequest: bytes, ingestPerGB: ingest, storagePerGBMonth: storage, retention: retention.seconds)
    }

    /// A price per instance-time (`0.096/h`), in money per instance-hour.
    mutating func price(_ node: ScenarioNode, _ path: String) -> Double? {
        guard case .scalar(let s, _) = node else {
            reader.fail(node, path, "expected a price per instance-hour such as 0.096/h, found \(node.kindDescription)")
            return nil
        }
        switch Quantity.price(s) {
        case .success(let v): return v
        case .failure(let e):
            reader.fail(node, path, e.message)
            return nil
        }
    }

    /// `response_size: 20KB` — bytes of a successful response (KB = 1000 B, KiB = 1024 B).
    mutating func responseSize(_ node: ScenarioNode, _ path: String) -> Double? {
        guard case .scalar(let s, _) = node else {
            reader.fail(node, path, "expected a size such as 20KB, found \(node.kindDescription)")
            return nil
        }
        switch Quantity.size(s) {
        case .success(let v): return v
        case .failure(let e):
            reader.fail(node, path, e.message)
            return nil
        }
    }

    /// The prices of the design, or nil when nothing is priced. Egress is billed where a
    /// response leaves for the client: at each class's entry component (the first of its path),
    /// so `egress_per_gb` elsewhere, or where no entering class has a response size, is an error.
    mutating func costModel(
        currency: String, stations: [StationSpec], classes: [RequestClass],
        responseBytes: [Double]
    ) -> CostModel? {
        guard !componentCosts.isEmpty else { return nil }
        var prices: [CostModel.Prices?] = Array(repeating: nil, count: stations.count)
        for c in componentCosts {
            guard let s = stations.firstIndex(where: { $0.name == c.component }) else { continue }
            prices[s] = c.prices
            guard c.prices.egressPerGB != nil, let node = c.egressNode else { continue }
            let entering = classes.indices.filter { classes[$0].path[0] == s }
            if entering.isEmpty {
                let entries = classes.map { stations[$0.path[0]].name }
                reader.fail(
                    node, c.path + ".egress_per_gb",
                    "egress is billed where responses leave for the client, the first component of a class's path (\(Array(Set(entries)).sorted().joined(separator: ", "))); no class's path starts at '\(c.component)'"
                )
            } else if !entering.contains(where: { responseBytes[$0] > 0 }) {
                reader.fail(
                    node, c.path + ".egress_per_gb",
                    "egress_per_gb needs the size of the responses '\(c.component)' sends: give workload.response_size (or its classes' response_size)"
                )
            }
        }
        return CostModel(currency: currency, stations: prices, responseBytes: responseBytes)
    }
}
