import InfraModel
import SimKernel
import SimRandom

extension ScenarioDecoder {
    static let componentKinds = [
        "server_pool", "load_balancer", "database", "cache", "cdn", "firewall", "waf", "ids", "cluster",
    ]
    static let plannedComponentKinds: [String] = []
    static let serverPoolKeys = [
        "kind", "instances", "workers", "queue", "service", "balance", "weights",
        "vnodes", "load_factor", "discipline", "lifo_above", "drop_expired", "timeout", "failures", "health_check",
        "zones", "region", "cost",
        "autoscale", "standby", "rate_limit", "tls", "concurrency_limit", "cluster", "pod",
    ]
    /// `balance:` spellings of the language that need a feature not built yet, with the reason.
    static let plannedBalancePolicies: [String: String] = [:]
    static let plannedServerPoolKeys = ["capacity"]

    /// `components:` — a mapping of names to components: the components in file order, and what
    /// their load balancers say about their targets.
    mutating func decodeComponentsAndBalancers(
        _ node: ScenarioNode
    ) -> (stations: [StationSpec], balancers: [BalancerTarget]) {
        guard case .mapping(let pairs, _) = node else {
            reader.fail(
                node, "components", "expected a mapping of component names to components, found \(node.kindDescription)"
            )
            return ([], [])
        }
        if pairs.isEmpty { reader.fail(node, "components", "expected at least one component") }
        var stations: [StationSpec] = []
        var balancers: [BalancerTarget] = []
        var explicitBalance: Set<String> = []
        var kinds: [String: String] = [:]
        for p in pairs {
            let path = "components." + p.key
            guard reader.checkName(p.key, .scalar(p.key, p.keyLocation), path) else { continue }
            if case .mapping(let fields, _) = p.value,
                fields.first(where: { $0.key == "kind" })?.value.scalarText == "load_balancer"
            {
                kinds[p.key] = "load_balancer"
                if let (s, b) = decodeLoadBalancer(p.value, path, name: p.key) {
                    stations.append(s)
                    balancers.append(b)
                } else {
                    failedComponents.insert(p.key)
                }
                continue
            }
            if case .mapping(let fields, _) = p.value,
                fields.first(where: { $0.key == "kind" })?.value.scalarText == "cluster"
            {
                kinds[p.key] = "cluster"
                let decoded = pendingClusters.count
                decodeCluster(p.value, path, name: p.key)
                if pendingClusters.count == decoded { failedComponents.insert(p.key) }
                continue
            }
            if case .mapping(let fields, _) = p.value,
                fields.first(where: { $0.key == "kind" })?.value.scalarText == "database"
            {
                kinds[p.key] = "database"
                if let s = decodeDatabase(p.value, path, name: p.key) {
                    stations.append(s)
                } else {
                    failedComponents.insert(p.key)
                }
                continue
            }
            if case .mapping(let fields, _) = p.value,
                let kind = fields.first(where: { $0.key == "kind" })?.value.scalarText,
                kind == "cache" || kind == "cdn"
            {
                kinds[p.key] = kind
                if let s = decodeCache(p.value, path, name: p.key, cdn: kind == "cdn") {
                    stations.append(s)
                } else {
                    failedComponents.insert(p.key)
                }
                continue
            }
            if case .mapping(let fields, _) = p.value,
                let kind = fields.first(where: { $0.key == "kind" })?.value.scalarText,
                let inspection = InspectionSpec.Kind(rawValue: kind)
            {
                kinds[p.key] = kind
                if let s = decodeInspection(p.value, path, name: p.key, kind: inspection) {
                    stations.append(s)
                } else {
                    failedComponents.insert(p.key)
                }
                continue
            }
            kinds[p.key] = "server_pool"
            if case .mapping(let fields, _) = p.value,
                fields.contains(where: {
                    ["balance", "weights"].contains($0.key) || Self.consistentHashKeys.contains($0.key)
                })
            {
                explicitBalance.insert(p.key)
            }
            if let s = decodeServerPool(p.value, path, name: p.key) {
                stations.append(s)
            } else {
                failedComponents.insert(p.key)
            }
        }
        // Clusters only host pods: a scenario of clusters alone has nothing to send requests to.
        if !pairs.isEmpty, stations.isEmpty, failedComponents.isEmpty {
            reader.fail(
                node, "components",
                "expected at least one component that serves requests: a cluster only hosts the pods of pools that name it (cluster: \(pairs[0].key))"
            )
        }
        componentKinds = kinds
        resolveBalancers(balancers, stations: &stations, explicitBalance: explicitBalance, kinds: kinds)
        return (stations, balancers)
    }

    mutating func decodeServerPool(_ node: ScenarioNode, _ path: String, name: String) -> StationSpec? {
        guard case .mapping(let pairs, _) = node else {
            reader.fail(node, path, "expected a component (a mapping with 'kind'), found \(node.kindDescription)")
            return nil
        }
        let kindNode = pairs.first { $0.key == "kind" }?.value
        if let kindNode, case .scalar(let kind, _) = kindNode, Self.plannedComponentKinds.contains(kind) {
            reader.fail(
                kindNode, path + ".kind",
                "component kind '\(kind)' is part of the scenario language but not built in this version of capsim yet")
            return nil
        }
        guard
            let f = reader.fields(
                node, path, allowed: Self.serverPoolKeys + Self.plannedServerPoolKeys,
                required: ["kind", "service"])
        else { return nil }
        for key in Self.plannedServerPoolKeys { if let n = f[key] { notBuilt(n, f.path(key)) } }
        if let c = f["cost"] { decodeCost(c, f.path("cost"), component: name) }
        decodePod(f, name: name)
        if let k = f["kind"], let kind = reader.string(k, f.path("kind")), !Self.componentKinds.contains(kind) {
            reader.fail(
                k, f.path("kind"),
                "expected a component kind (\((Self.componentKinds + Self.plannedComponentKinds).joined(separator: ", "))), found '\(kind)'",
                suggestion: nearest(kind, in: Self.componentKinds + Self.plannedComponentKinds))
        }
        // A cold standby holds nothing until its failover (an autoscaler's min 0, standby only).
        let fewest = f["standby"] != nil && f["autoscale"] != nil ? 0 : 1
        let instances =
            f["instances"].map { reader.integer($0, f.path("instances"), min: fewest, max: 1_000_000) } ?? 1
        let workers: Int?? = f["workers"].map { reader.limit($0, f.path("workers"), min: 1) } ?? .some(1)
        let queue: Int?? = f["queue"].map { reader.limit($0, f.path("queue"), min: 0) } ?? .some(nil)
        let service = f["service"].flatMap { decodeDistribution($0, f.path("service")) }
        let balance = f["balance"].map { decodeBalance($0, f.path("balance")) } ?? .roundRobin
        var weights: [Int]?
        if let w = f["weights"] {
            if let balance, balance != .weightedRoundRobin {
                reader.fail(
                    w, f.path("weights"),
                    "weights apply only to 'balance: weighted_round_robin'; this component's balance is \(balance.rawValue)\(f["balance"] == nil ? " (the default)" : "")"
                )
                return nil
            }
            weights = decodeWeights(w, f.path("weights"), instances: instances)
        }
        if balance == .weightedRoundRobin, f["weights"] == nil, let b = f["balance"] {
            reader.fail(
                b, f.path("balance"),
                "weighted_round_robin needs 'weights': one positive number per instance, e.g. weights: [3, 1]")
            return nil
        }
        let hashOptions = decodeHashOptions(
            f, policy: balance, policyKey: "balance", owner: "component", instances: instances)
        let order = decodeDiscipline(f, station: name, queue: queue)
        guard let instances, let workers, let queue, let service, let balance, let order, let hashOptions else {
            return nil
        }
        let (discipline, priorityClasses, preemption) = order
        if balance == .weightedRoundRobin && weights == nil { return nil }
        var dropExpired = false
        if let d = f["drop_expired"] {
            switch d.scalarText {
            case "true": dropExpired = true
            case "false": dropExpired = false
            default:
                reader.fail(d, f.path("drop_expired"), "expected true or false, found \(d.kindDescription)")
                return nil
            }
            if dropExpired && discipline == .processorSharing {
                reader.fail(
                    d, f.path("drop_expired"), "processor sharing has no waiting line to drop from; remove drop_expired"
                )
                return nil
            }
        }
        let queueTimeout: QueueTimeout?? =
            f["timeout"].map { decodeQueueTimeout($0, f.path("timeout"), workers: workers, queue: queue, discipline) }
            ?? .some(nil)
        guard let queueTimeout else { return nil }
        let failures: FailureSpec?? = f["failures"].map { decodeFailures($0, f.path("failures")) } ?? .some(nil)
        let healthCheck: HealthCheck?? =
            f["health_check"].map { decodeHealthCheck($0, f.path("health_check")) } ?? .some(nil)
        guard let failures, let healthCheck else { return nil }
        if let spec = failures, let failuresNode = f["failures"], spec.required > instances {
            reader.fail(
                failuresNode, f.path("failures") + ".required",
                "expected at most the pool's \(instances) instances, found \(spec.required)")
            return nil
        }
        if failures != nil, let failuresNode = f["failures"], discipline == .processorSharing {
            reader.fail(
                failuresNode, f.path("failures"),
                "failures of a processor_sharing pool are not built in this version of capsim yet")
            return nil
        }
        var station = StationSpec(
            name: name, instances: instances, workers: workers, queueCapacity: queue,
            service: service, balance: balance, weights: weights, discipline: discipline,
            dropExpired: dropExpired, failures: failures, healthCheck: healthCheck)
        station.consistentHash = hashOptions
        station.queueTimeout = queueTimeout
        station.priorityClasses = priorityClasses
        station.preemption = preemption
        if let n = f["rate_limit"] {
            guard let limit = decodeRateLimit(n, f.path("rate_limit")) else { return nil }
            station.rateLimit = limit
        }
        if let n = f["tls"] {
            guard let tls = decodeTLS(n, f.path("tls")) else { return nil }
            station.tls = tls
        }
        if let n = f["concurrency_limit"] {
            guard let limit = decodeConcurrencyLimit(n, f.path("concurrency_limit")) else { return nil }
            station.concurrencyLimit = limit
        }
        if let a = f["autoscale"] {
            // Every instance the pool may hold is allocated; `initial` of them serve at time 0.
            guard
                let policy = decodeAutoscale(
                    a, f.path("autoscale"), pool: f, instances: instances, workers: workers,
                    balance: balance, discipline: discipline)
            else { return nil }
            station.instances = policy.max
            station.autoscale = policy
        }
        if let n = f["standby"] {
            guard
                let standby = decodeStandby(
                    n, f.path("standby"), autoscale: station.autoscale, onCluster: f["cluster"] != nil)
            else { return nil }
            station.standby = standby
        }
        return station
    }

    /// `discipline:` (default fifo) and, for adaptive_lifo only, `lifo_above:` — a whole number
    /// of waiting requests, below `queue` when the queue is finite; default half the queue
    /// (rounded down), or 32 for an unlimited queue. `{priority: [classes]}` gives priority by
    /// class (`decodePriorityClasses`), with `preemptive: true` preemptive resume: the classes and
    /// the preemption come back beside the discipline (empty and `.never` for the others).
    /// `queue` is nil when it failed to decode.
    mutating func decodeDiscipline(
        _ f: Fields, station: String, queue: Int??
    ) -> (QueueDiscipline, [String], Preemption)? {
        var name = "fifo"
        if let d = f["discipline"] {
            if case .mapping = d {
                guard
                    let g = reader.fields(
                        d, f.path("discipline"), allowed: ["priority", "preemptive"], required: ["priority"]),
                    let list = g["priority"]
                else { return nil }
                var preemption = Preemption.never
                if let p = g["preemptive"] {
                    switch p.scalarText {
                    case "true": preemption = .resume
                    case "false": preemption = .never
                    default:
                        reader.fail(p, g.path("preemptive"), "expected true or false, found \(p.kindDescription)")
                        return nil
                    }
                }
                if let n = f["lifo_above"] {
                    reader.fail(
                        n, f.path("lifo_above"),
                        "lifo_above applies only to 'discipline: adaptive_lifo'; this component's discipline is priority"
                    )
                    return nil
                }
                guard let queue else { return nil }
                if queue == 0 {
                    reader.fail(
                        d, f.path("discipline"),
                        "priority has no effect with queue: 0 (no request ever waits)")
                    return nil
                }
                return decodePriorityClasses(list, g.path("priority"), station: station).map {
                    (.priority, $0, preemption)
                }
            }
            guard let s = reader.string(d, f.path("discipline")) else { return nil }
            if s == "priority" {
                reader.fail(
                    d, f.path("discipline"),
                    "priority needs its classes, most urgent first: discipline: {priority: [checkout, browse]}")
                return nil
            }
            guard QueueDiscipline.names.contains(s) else {
                reader.fail(
                    d, f.path("discipline"),
                    "expected one of \(QueueDiscipline.names.joined(separator: ", ")) or {priority: [classes]}, found '\(s)'",
                    suggestion: nearest(s, in: QueueDiscipline.names))
                return nil
            }
            name = s
        }
        switch name {
        case "lifo", "fifo", "processor_sharing":
            if let n = f["lifo_above"] {
                reader.fail(
                    n, f.path("lifo_above"),
                    "lifo_above applies only to 'discipline: adaptive_lifo'; this component's discipline is \(name)\(f["discipline"] == nil ? " (the default)" : "")"
                )
                return nil
            }
            return (name == "fifo" ? .fifo : name == "lifo" ? .lifo : .processorSharing, [], .never)
        default:
            guard let queue else { return nil }
            guard let n = f["lifo_above"] else {
                return (.adaptiveLifo(lifoAbove: QueueDiscipline.defaultLifoAbove(queue: queue)), [], .never)
            }
            if queue == 0 {
                reader.fail(n, f.path("lifo_above"), "lifo_above has no effect with queue: 0 (no request ever waits)")
                return nil
            }
            guard let above = reader.integer(n, f.path("lifo_above"), min: 0) else { return nil }
            if let q = queue, above >= q {
                reader.fail(
                    n, f.path("lifo_above"),
                    "expected a whole number from 0 to \(q - 1) (fewer than the \(q) waiting slots of queue: \(q); a larger lifo_above never switches to newest first), found \(above)"
                )
                return nil
            }
            return (.adaptiveLifo(lifoAbove: above), [], .never)
        }
    }

    /// `balance:` — a policy's YAML spelling; a planned one is an error saying what it needs.
    mutating func decodeBalance(_ node: ScenarioNode, _ path: String) -> BalancePolicy? {
        guard let s = reader.string(node, path) else { return nil }
        if let policy = BalancePolicy(rawValue: s) { return policy }
        if let reason = Self.plannedBalancePolicies[s] {
            reader.fail(node, path, reason)
            return nil
        }
        let names = BalancePolicy.allCases.map(\.rawValue)
        reader.fail(
            node, path, "expected one of \(names.joined(separator: ", ")), found '\(s)'",
            suggestion: nearest(s, in: names + Self.plannedBalancePolicies.keys.sorted()))
        return nil
    }

    /// `weights: [3, 1]` — relative weights for weighted_round_robin, one positive number per
    /// instance, at most 6 decimal places. Scaled exactly to whole numbers and divided by their
    /// greatest common divisor (`[0.75, 0.25]` → `[3, 1]`), so smooth weighted round robin keeps
    /// its exact period Σw.
    mutating func decodeWeights(_ node: ScenarioNode, _ path: String, instances: Int?) -> [Int]? {
        guard let items = reader.list(node, path) else { return nil }
        if items.isEmpty {
            reader.fail(node, path, "expected one weight per instance, found an empty list")
            return nil
        }
        var values: [Double] = []
        for (i, item) in items.enumerated() {
            guard let w = reader.number(item, path + ".\(i)", exclusiveMinimum: 0) else { continue }
            if w > 1_000_000 {
                reader.fail(item, path + ".\(i)", "expected a weight ≤ 1000000, found \(format(w))")
                continue
            }
            values.append(w)
        }
        guard values.count == items.count else { return nil }
        if let instances, items.count != instances {
            reader.fail(
                node, path,
                "expected \(instances) weight\(instances == 1 ? "" : "s") (one per instance), found \(items.count)")
            return nil
        }
        var scale = 1.0
        for _ in 0...6 {
            if values.allSatisfy({
                let x = $0 * scale
                return abs(x - x.rounded()) <= 1e-9 * x
            }) {
                let whole = values.map { Int(($0 * scale).rounded()) }
                let divisor = whole.reduce(0) { gcd($0, $1) }
                return whole.map { $0 / divisor }
            }
            scale *= 10
        }
        reader.fail(node, path, "expected weights with at most 6 decimal places")
        return nil
    }
}

private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

extension ScenarioDecoder {
    /// A pool's `timeout:` — a duration (`100ms`: a fixed server queue timeout) or a distribution
    /// (`{exponential: {mean: 2s}}`: a patience drawn per visit). Only where requests can wait.
    mutating func decodeQueueTimeout(
        _ node: ScenarioNode, _ path: String, workers: Int?, queue: Int?, _ discipline: QueueDiscipline
    ) -> QueueTimeout? {
        let why: String? =
            discipline == .processorSharing
            ? "processor sharing has no waiting line (every admitted request is in service)"
            : workers == nil
                ? "with 'workers: unlimited' nothing waits for a worker"
                : queue == 0 ? "with 'queue: 0' nothing waits for a worker" : nil
        if let why {
            reader.fail(node, path, "a queue timeout needs a waiting line: \(why); remove timeout")
            return nil
        }
        if case .mapping = node { return decodeDistribution(node, path).map { .patience($0) } }
        return reader.duration(node, path, positive: true).map { .fixed($0) }
    }
}
