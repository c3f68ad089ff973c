import InfraModel
import SimKernel
import SimRandom

extension ScenarioDecoder {
    static let componentKinds = ["server_pool"]
    static let plannedComponentKinds = ["load_balancer", "cache", "database", "cdn"]
    static let serverPoolKeys = ["kind", "instances", "workers", "queue", "service", "balance"]
    static let plannedServerPoolKeys = ["zones", "failures", "autoscale", "cost", "drop_expired", "discipline",
                                        "health_check", "timeout", "capacity"]

    /// `components:` — a mapping of names to components, in file order.
    mutating func decodeComponents(_ node: ScenarioNode) -> [StationSpec] {
        guard case .mapping(let pairs, _) = node else {
            reader.fail(node, "components", "expected a mapping of component names to components, found \(node.kindDescription)")
            return []
        }
        if pairs.isEmpty { reader.fail(node, "components", "expected at least one component") }
        var stations: [StationSpec] = []
        for p in pairs {
            let path = "components." + p.key
            guard reader.checkName(p.key, .scalar(p.key, p.keyLocation), path) else { continue }
            if let s = decodeServerPool(p.value, path, name: p.key) { stations.append(s) }
        }
        return stations
    }

    mutating func decodeServerPool(_ node: ScenarioNode, _ path: String, name: String) -> StationSpec? {
        guard case .mapping(let pairs, _) = node else {
            reader.fail(node, path, "expected a component (a mapping with 'kind'), found \(node.kindDescription)")
            return nil
        }
        let kindNode = pairs.first { $0.key == "kind" }?.value
        if let kindNode, case .scalar(let kind, _) = kindNode, Self.plannedComponentKinds.contains(kind) {
            reader.fail(kindNode, path + ".kind", "component kind '\(kind)' is part of the scenario language but not built in this version of capsim yet")
            return nil
        }
        guard let f = reader.fields(node, path, allowed: Self.serverPoolKeys + Self.plannedServerPoolKeys,
                                    required: ["kind", "service"]) else { return nil }
        for key in Self.plannedServerPoolKeys { if let n = f[key] { notBuilt(n, f.path(key)) } }
        if let k = f["kind"], let kind = reader.string(k, f.path("kind")), !Self.componentKinds.contains(kind) {
            reader.fail(k, f.path("kind"), "expected a component kind (\((Self.componentKinds + Self.plannedComponentKinds).joined(separator: ", "))), found '\(kind)'",
                        suggestion: nearest(kind, in: Self.componentKinds + Self.plannedComponentKinds))
        }
        let instances = f["instances"].map { reader.integer($0, f.path("instances"), min: 1, max: 1_000_000) } ?? 1
        let workers: Int?? = f["workers"].map { reader.limit($0, f.path("workers"), min: 1) } ?? .some(1)
        let queue: Int?? = f["queue"].map { reader.limit($0, f.path("queue"), min: 0) } ?? .some(nil)
        let service = f["service"].flatMap { decodeDistribution($0, f.path("service")) }
        let balance = f["balance"].map { reader.choice($0, f.path("balance"), InstanceChoice.self) } ?? .roundRobin
        guard let instances, let workers, let queue, let service, let balance else { return nil }
        return StationSpec(name: name, instances: instances, workers: workers, queueCapacity: queue,
                           service: service, balance: balance)
    }
}
