import InfraModel
import SimKernel
import SimRandom

/// `kind: cluster` components and the pools that run on them as pods (`cluster:`, `pod:`).
/// A cluster is not a station: it serves no request. It is decoded with the components, and
/// resolved once the components and zones are known (`resolveClusters`).
extension ScenarioDecoder {
    static let clusterKeys = [
        "kind", "node", "nodes", "zones", "scoring", "spread", "failures", "node_outages", "pod_startup", "cost",
        "autoscale", "agents", "overcommit",
    ]
    static let nodeOutageKeys = ["at", "node", "for"]
    static let nodeKeys = ["cpu", "memory"]
    static let podKeys = ["cpu", "memory"]
    static let podOptionalKeys = ["max_unavailable"]
    static let nodeRangeKeys = ["min", "max", "initial"]
    static let clusterAutoscaleKeys = [
        "scan_interval", "provisioning", "scale_down_utilization", "scale_down_unneeded", "scale_down_delay_after_add",
        "drain",
    ]

    /// A cluster as decoded, its zones still names (resolved by `resolveClusters`).
    struct PendingCluster {
        var spec: ClusterSpec
        var zoneNames: [(name: String, node: ScenarioNode, path: String)]
        var price: Double?
        /// Each `node_outages` item, to locate an outage that starts after the horizon.
        var outageNodes: [(node: ScenarioNode, path: String)]
    }

    /// A pool's `cluster:` and `pod:` as decoded, resolved by `resolveClusters`.
    struct PendingPod {
        var station: String
        var clusterNode: ScenarioNode
        var path: String
        var cpu: Int
        var memory: Int
        var maxUnavailable: Int?
    }

    /// `components.<name>` of `kind: cluster`: `node: {cpu, memory}`, `nodes:` (a count, or
    /// `{min, max, initial}` for the cluster autoscaler, tuned by `autoscale:`), `zones:`,
    /// `scoring:`, `spread:`, `cost:` (per node-hour).
    mutating func decodeCluster(_ node: ScenarioNode, _ path: String, name: String) {
        guard
            let f = reader.fields(
                node, path, allowed: Self.clusterKeys, required: ["kind", "node", "nodes"])
        else { return }
        var resources: (cpu: Int, memory: Int)?
        if let n = f["node"] { resources = decodeResources(n, f.path("node"), keys: Self.nodeKeys) }
        var count: Int?
        var autoscale: ClusterAutoscalePolicy?
        if let n = f["nodes"] {
            if case .mapping = n {
                guard let range = decodeNodeRange(n, f.path("nodes")) else { return }
                count = range.max
                autoscale = ClusterAutoscalePolicy(min: range.min, initial: range.initial)
                if let a = f["autoscale"] {
                    guard decodeClusterAutoscale(a, f.path("autoscale"), into: &autoscale) else { return }
                }
            } else {
                count = reader.integer(n, f.path("nodes"), min: 1, max: 100_000)
                if let a = f["autoscale"] {
                    reader.fail(
                        a, f.path("autoscale"),
                        "the cluster autoscaler needs a range of nodes: give 'nodes: {min: …, max: …}' instead of a count"
                    )
                    return
                }
            }
        }
        var outageNodes: [(node: ScenarioNode, path: String)] = []
        var zoneNames: [(name: String, node: ScenarioNode, path: String)] = []
        if let z = f["zones"], let items = reader.list(z, f.path("zones")) {
            if items.isEmpty { reader.fail(z, f.path("zones"), "expected at least one zone name") }
            for (k, item) in items.enumerated() {
                guard let zone = reader.name(item, f.path("zones") + ".\(k)") else { continue }
                if zoneNames.contains(where: { $0.name == zone }) {
                    reader.fail(item, f.path("zones") + ".\(k)", "zone '\(zone)' is listed twice")
                    continue
                }
                zoneNames.append((zone, item, f.path("zones") + ".\(k)"))
            }
        }
        let score = f["scoring"].map { reader.choice($0, f.path("scoring"), ClusterSpec.Score.self) } ?? .leastAllocated
        var spread = true
        if let n = f["spread"] {
            switch n.scalarText {
            case "true": spread = true
            case "false": spread = false
            default: reader.fail(n, f.path("spread"), "expected true or false, found \(n.kindDescription)")
            }
            if f["zones"] == nil {
                reader.fail(n, f.path("spread"), "spread applies to pods over zones: give the nodes' 'zones'")
            }
        }
        var failures: FailureSpec?
        if let n = f["failures"] {
            guard let spec = decodeFailures(n, f.path("failures")) else { return }
            for (key, bad) in [
                ("mode", spec.mode != .crash), ("repair_crews", spec.repairCrews != nil),
                ("required", spec.required != 1),
            ] where bad {
                reader.fail(
                    n, f.path("failures") + "." + key,
                    "a node's failure crashes its pods and each node is repaired on its own: '\(key)' applies to a pool's instances"
                )
                return
            }
            failures = spec
        }
        var outages: [NodeOutage] = []
        if let n = f["node_outages"], let items = reader.list(n, f.path("node_outages")) {
            for (k, item) in items.enumerated() {
                let p = f.path("node_outages") + ".\(k)"
                guard let o = reader.fields(item, p, allowed: Self.nodeOutageKeys, required: Self.nodeOutageKeys)
                else { continue }
                let at = o["at"].flatMap { reader.duration($0, o.path("at")) }
                let node = o["node"].flatMap { reader.integer($0, o.path("node"), min: 0, max: 99_999) }
                let length = o["for"].flatMap { reader.duration($0, o.path("for"), positive: true) }
                guard let at, let node, let length else { continue }
                if let count, node >= count, let nodeNode = o["node"] {
                    reader.fail(
                        nodeNode, o.path("node"),
                        "expected a node from 0 to \(count - 1) (the cluster has \(count)\(f["autoscale"] != nil || autoscale != nil ? " at most" : "")), found \(node)"
                    )
                    continue
                }
                outages.append(NodeOutage(at: SimTime.zero + at, node: node, duration: length))
                outageNodes.append((item, p))
            }
        }
        var startup: Distribution = .deterministic(value: 0)
        if let n = f["pod_startup"] {
            guard let d = decodeTime(n, f.path("pod_startup")) else { return }
            startup = d
        }
        var nodePrice: Double?
        if let n = f["cost"] {
            guard let v = price(n, f.path("cost")) else { return }
            nodePrice = v
        }
        var agents = (cpu: 0, memory: 0)
        if let n = f["agents"] {
            guard let a = decodeResources(n, f.path("agents"), keys: Self.nodeKeys) else { return }
            agents = a
        }
        var overcommit = 1.0
        if let n = f["overcommit"] {
            guard let v = reader.number(n, f.path("overcommit"), minimum: 1) else { return }
            guard v <= 100 else {
                reader.fail(n, f.path("overcommit"), "expected an over-commit ratio from 1 to 100, found \(format(v))")
                return
            }
            overcommit = v
        }
        guard let resources, let count, let score else { return }
        if let n = f["agents"],
            agents.cpu >= Int((Double(resources.cpu) * overcommit).rounded(.down)) || agents.memory >= resources.memory
        {
            reader.fail(
                n, f.path("agents"),
                "the agents (\(Self.resources(agents.cpu, agents.memory))) leave no room for pods on a node of \(Self.resources(resources.cpu, resources.memory))"
            )
            return
        }
        var spec = ClusterSpec(
            name: name, nodeCPU: resources.cpu, nodeMemory: resources.memory, nodes: count, score: score,
            spread: spread)
        spec.failures = failures
        spec.outages = outages
        spec.podStartup = startup
        spec.autoscale = autoscale
        spec.agentCPU = agents.cpu
        spec.agentMemory = agents.memory
        spec.overcommit = overcommit
        pendingClusters.append(
            PendingCluster(spec: spec, zoneNames: zoneNames, price: nodePrice, outageNodes: outageNodes))
    }

    /// `nodes: {min, max, initial}`: 0 ≤ min ≤ initial ≤ max, max ≥ 1 (initial defaults to min).
    mutating func decodeNodeRange(_ node: ScenarioNode, _ path: String) -> (min: Int, max: Int, initial: Int)? {
        guard let f = reader.fields(node, path, allowed: Self.nodeRangeKeys, required: ["min", "max"]) else {
            return nil
        }
        let minimum = f["min"].flatMap { reader.integer($0, f.path("min"), min: 0, max: 100_000) }
        let maximum = f["max"].flatMap { reader.integer($0, f.path("max"), min: 1, max: 100_000) }
        guard let minimum, let maximum else { return nil }
        if maximum < minimum, let n = f["max"] {
            reader.fail(n, f.path("max"), "expected max ≥ min (\(minimum)), found \(maximum)")
            return nil
        }
        var initial = minimum
        if let n = f["initial"] {
            guard let v = reader.integer(n, f.path("initial"), min: 0, max: 100_000) else { return nil }
            guard (minimum...maximum).contains(v) else {
                reader.fail(
                    n, f.path("initial"),
                    "expected the nodes held at time 0 from min \(minimum) to max \(maximum), found \(v)")
                return nil
            }
            initial = v
        }
        return (minimum, maximum, initial)
    }

    /// A cluster's `autoscale:` (with a node range): the cluster autoscaler's settings, each
    /// optional (defaults in `ClusterAutoscalePolicy`). Returns false after an error.
    mutating func decodeClusterAutoscale(
        _ node: ScenarioNode, _ path: String, into policy: inout ClusterAutoscalePolicy?
    ) -> Bool {
        guard var p = policy, let f = reader.fields(node, path, allowed: Self.clusterAutoscaleKeys, required: [])
        else { return false }
        var ok = true
        for (key, positive) in [
            ("scan_interval", true), ("scale_down_unneeded", false), ("scale_down_delay_after_add", false),
            ("drain", false),
        ] {
            guard let n = f[key] else { continue }
            guard let d = reader.duration(n, f.path(key), positive: positive) else {
                ok = false
                continue
            }
            switch key {
            case "scan_interval": p.scanInterval = d
            case "scale_down_unneeded": p.scaleDownUnneeded = d
            case "scale_down_delay_after_add": p.scaleDownDelayAfterAdd = d
            default: p.drain = d
            }
        }
        if let n = f["provisioning"] {
            if let d = decodeTime(n, f.path("provisioning")) { p.provisioning = d } else { ok = false }
        }
        if let n = f["scale_down_utilization"] {
            if let v = threshold(n, f.path("scale_down_utilization"), unit: .fraction) {
                if v >= 0 && v <= 1 {
                    p.scaleDownUtilization = v
                } else {
                    reader.fail(
                        n, f.path("scale_down_utilization"),
                        "expected a share from 0 to 100 %, found '\(n.scalarText ?? "")'")
                    ok = false
                }
            } else {
                ok = false
            }
        }
        policy = p
        return ok
    }

    /// `{cpu: 4, memory: 16GiB}` — CPU in cores (`0.25`, or millicores `250m`), memory a size;
    /// `optional` keys are allowed besides, for the caller to read from the fields returned.
    mutating func decodeResources(_ node: ScenarioNode, _ path: String, keys: [String]) -> (cpu: Int, memory: Int)? {
        decodeResourceFields(node, path, keys: keys, optional: []).map { ($0.cpu, $0.memory) }
    }

    mutating func decodeResourceFields(
        _ node: ScenarioNode, _ path: String, keys: [String], optional: [String]
    ) -> (cpu: Int, memory: Int, fields: Fields)? {
        guard let f = reader.fields(node, path, allowed: keys + optional, required: keys) else { return nil }
        var cpu: Int?
        if let n = f["cpu"] {
            let text = n.scalarText ?? ""
            let millicores: Double? =
                text.hasSuffix("m")
                ? Double(text.dropLast()).map { $0 } : Quantity.number(Substring(text)).map { $0 * 1000 }
            if let m = millicores, m.isFinite, m >= 1, m <= 1e9, abs(m - m.rounded()) < 1e-6 {
                cpu = Int(m.rounded())
            } else {
                reader.fail(
                    n, f.path("cpu"),
                    "expected CPU in cores (e.g. 0.5) or millicores (e.g. 500m), at least 1m and in whole millicores, found \(n.scalarText.map { "'\($0)'" } ?? n.kindDescription)"
                )
            }
        }
        var memory: Int?
        if let n = f["memory"] {
            if let bytes = responseSize(n, f.path("memory")) {
                if bytes >= 1 && bytes <= 1e18 {
                    memory = Int(bytes.rounded())
                } else {
                    reader.fail(
                        n, f.path("memory"), "expected a memory size from 1B to 1EB, found '\(n.scalarText ?? "")'")
                }
            }
        }
        guard let cpu, let memory else { return nil }
        return (cpu, memory, f)
    }

    /// A server pool's `cluster:` and `pod:` (both or neither), recorded for `resolveClusters`.
    mutating func decodePod(_ f: Fields, name: String) {
        let cluster = f["cluster"]
        let pod = f["pod"]
        if let cluster, pod == nil {
            reader.fail(
                cluster, f.path("cluster"),
                "a pool on a cluster needs its pods' requests: give 'pod: {cpu: …, memory: …}'")
            return
        }
        if let pod, cluster == nil {
            reader.fail(pod, f.path("pod"), "pod requests apply to a pool on a cluster: give 'cluster: <name>'")
            return
        }
        guard let cluster, let pod else { return }
        guard
            let resources = decodeResourceFields(
                pod, f.path("pod"), keys: Self.podKeys, optional: Self.podOptionalKeys)
        else { return }
        var budget: Int?
        if let n = resources.fields["max_unavailable"] {
            guard let v = reader.integer(n, resources.fields.path("max_unavailable"), min: 0, max: 1_000_000) else {
                return
            }
            budget = v
        }
        if let n = f["zones"] {
            reader.fail(
                n, f.path("zones"),
                "a pod's zone is its node's: give the zones on the cluster, not on a pool that runs on it")
        }
        pendingPods.append(
            PendingPod(
                station: name, clusterNode: cluster, path: f.path("cluster"), cpu: resources.cpu,
                memory: resources.memory, maxUnavailable: budget))
    }

    /// Resolves the clusters' zones (declared under `zones:`, or named here first, as a pool's
    /// are) and the pools' `cluster:` references; returns the clusters and their node prices.
    mutating func resolveClusters(
        zones: inout [ZoneSpec], declaredZones: Bool, stations: inout [StationSpec], horizon: SimDuration?
    ) -> (clusters: [ClusterSpec], prices: [Double?]) {
        var clusters: [ClusterSpec] = []
        for var c in pendingClusters {
            for (o, item) in zip(c.spec.outages, c.outageNodes) {
                guard let horizon, o.at >= SimTime.zero + horizon else { continue }
                reader.fail(
                    item.node, item.path + ".at",
                    "expected a time before the horizon (\(horizon)), found \(o.at - SimTime.zero)")
            }
            var indices: [Int] = []
            for z in c.zoneNames {
                if let i = zones.firstIndex(where: { $0.name == z.name }) {
                    indices.append(i)
                } else if declaredZones {
                    reader.fail(
                        z.node, z.path, "expected a zone declared under 'zones:', found '\(z.name)'",
                        suggestion: nearest(z.name, in: zones.map(\.name)))
                } else {
                    zones.append(ZoneSpec(name: z.name))
                    indices.append(zones.count - 1)
                }
            }
            c.spec.zones = indices
            clusters.append(c.spec)
        }
        for p in pendingPods {
            guard let name = reader.name(p.clusterNode, p.path) else { continue }
            guard let c = clusters.firstIndex(where: { $0.name == name }) else {
                if !failedComponents.contains(name) {
                    reader.fail(
                        p.clusterNode, p.path, "expected a component of kind cluster, found '\(name)'",
                        suggestion: nearest(name, in: clusters.map(\.name)))
                }
                continue
            }
            let cluster = clusters[c]
            if p.cpu > cluster.podCPU || p.memory > cluster.podMemory {
                let agents = cluster.agentCPU > 0 || cluster.agentMemory > 0 || cluster.overcommit != 1
                reader.fail(
                    p.clusterNode, p.path,
                    "a pod of '\(p.station)' (\(Self.resources(p.cpu, p.memory))) fits on no node of '\(name)' (\(Self.resources(cluster.podCPU, cluster.podMemory)) each\(agents ? " for pods, agents reserved and over-commit counted" : "")): it would stay pending"
                )
                continue
            }
            guard let s = stations.firstIndex(where: { $0.name == p.station }) else { continue }
            if let prices = componentCosts.first(where: { $0.component == p.station }),
                prices.prices.instanceHour != nil
            {
                reader.fail(
                    prices.node, prices.path,
                    "a pool on a cluster is billed through its cluster's nodes: give the price per node-hour as the cluster's 'cost', not an instance price here"
                )
                continue
            }
            stations[s].pod = PodSpec(cluster: c, cpu: p.cpu, memory: p.memory, maxUnavailable: p.maxUnavailable)
        }
        return (clusters, pendingClusters.map(\.price))
    }

    /// `2 CPU, 4GiB`-style text for messages.
    static func resources(_ millicores: Int, _ bytes: Int) -> String {
        let cpu = millicores % 1000 == 0 ? "\(millicores / 1000) CPU" : "\(millicores)m CPU"
        let gib = Double(bytes) / 1_073_741_824
        let memory = gib == gib.rounded() ? "\(Int(gib))GiB" : "\(bytes)B"
        return cpu + ", " + memory
    }
}
