import InfraModel
import SimKernel
import SimRandom

/// A class's `path`: a chain of components, any of which may make further calls — one after
/// another, in parallel, with a probability, or repeated — forming the class's call tree.
///
/// ```yaml
/// path:
///   - edge
///   - web
///   - to: app
///     calls:
///       - {to: db, repeat: {mean: 3}}        # 1, 2, 3, … queries (geometric, mean 3)
///       - parallel: [search, {to: ads, probability: 0.5}]
///       - {to: audit, probability: 10%}
/// ```
///
/// Each element of `path` calls the next after its own `calls` (so a plain list is the chain
/// it always was). Nodes are numbered depth first, which is the order hop times are kept in.
extension ScenarioDecoder {
    static let callKeys = ["to", "calls", "probability", "repeat", "timeout", "retries", "service"]
    /// The kinds of component whose visits draw a service demand of their own, which a path
    /// element's `service` may replace.
    static let ownServiceKinds = ["server_pool", "cache", "firewall", "waf", "ids", "database"]
    static let repeatKeys = ["mean", "again"]
    /// Nodes per class: a request's draws are seated per node in 8 bits of the stream entity.
    static let maxCallNodes = 256

    mutating func decodeCallPath(_ node: ScenarioNode, _ path: String, stations: [StationSpec]) -> [CallNode]? {
        guard let items = reader.list(node, path) else { return nil }
        if items.isEmpty {
            reader.fail(node, path, "expected at least one component in the path")
            return nil
        }
        var nodes: [CallNode] = []
        var complete = true
        var previous: Int?
        for (i, item) in items.enumerated() {
            guard let n = decodeCallNode(item, path + ".\(i)", stations: stations, into: &nodes, root: i == 0) else {
                complete = false
                previous = nil
                continue
            }
            if let p = previous { nodes[p].steps.append(.call(n)) }
            previous = n
        }
        guard complete else { return nil }
        if nodes.count > Self.maxCallNodes {
            reader.fail(
                node, path,
                "expected at most \(Self.maxCallNodes) component visits in one class's calls, found \(nodes.count)")
            return nil
        }
        return nodes
    }

    /// One visit: a component name, or `{to, calls, probability, repeat}`. Appends the node and
    /// its subtree to `nodes`; returns its index, or nil after reporting a problem.
    mutating func decodeCallNode(
        _ item: ScenarioNode, _ path: String, stations: [StationSpec],
        into nodes: inout [CallNode], root: Bool, depth: Int = 0
    ) -> Int? {
        if case .scalar = item {
            guard let (s, access) = callTarget(named: item, path, stations) else { return nil }
            nodes.append(CallNode(station: s))
            nodes[nodes.count - 1].access = access
            return nodes.count - 1
        }
        if case .mapping(let pairs, _) = item, pairs.contains(where: { $0.key == "parallel" }) {
            reader.fail(
                item, path,
                "'parallel' is a step of a component's calls (to: …, calls: [{parallel: […]}]), not a component of the path"
            )
            return nil
        }
        guard let f = reader.fields(item, path, allowed: Self.callKeys, required: ["to"]) else { return nil }
        guard depth < 32 else {
            reader.fail(item, path, "expected calls nested at most 32 deep")
            return nil
        }
        let target = f["to"].flatMap { callTarget(named: $0, f.path("to"), stations) }
        let station = target?.station
        var probability: Double? = 1
        var meanCalls: Double? = 1
        var timeout: SimDuration?? = .some(nil)
        var retries: RetryPolicy?? = .some(nil)
        if root {
            for key in ["probability", "repeat", "timeout", "retries"] {
                if let n = f[key] {
                    reader.fail(
                        n, f.path(key),
                        "the first component of a path receives every request: '\(key)' applies to the calls after it")
                }
            }
        } else {
            if let p = f["probability"] {
                probability = threshold(p, f.path("probability"), unit: .fraction)
                if probability == 0 {
                    reader.fail(
                        p, f.path("probability"),
                        "expected a probability > 0 (a call never made should be removed), found 0")
                    probability = nil
                }
            }
            if let r = f["repeat"] { meanCalls = decodeRepeat(r, f.path("repeat")) }
            if let t = f["timeout"] {
                timeout = reader.duration(t, f.path("timeout"), positive: true).map { .some($0) }
            }
            if let r = f["retries"] {
                retries = decodeRetries(r, f.path("retries")).map { .some($0) }
                if case .some(.some(let policy)) = retries, policy.jitter == .decorrelated {
                    reader.fail(
                        r, f.path("retries") + ".jitter",
                        "decorrelated jitter is built for a client's retries only; use none, full or equal on a call")
                    retries = nil
                }
            }
            if f["repeat"] != nil && (f["timeout"] != nil || f["retries"] != nil) {
                reader.fail(
                    item, path,
                    "a repeated call with its own timeout or retries is not built in this version of capsim yet: give the timeout to a single call"
                )
                meanCalls = nil
            }
        }
        var service: Distribution?? = .some(nil)
        if let d = f["service"] {
            service = decodeVisitService(d, f.path("service"), station: station, stations: stations)
        }
        let index = nodes.count
        nodes.append(CallNode(station: station ?? 0))
        nodes[index].access = target?.access ?? .none
        var complete = station != nil && probability != nil && meanCalls != nil && service != nil
        if let c = f["calls"] {
            if let items = reader.list(c, f.path("calls")) {
                if items.isEmpty {
                    reader.fail(c, f.path("calls"), "expected at least one call (or no 'calls' key)")
                    complete = false
                }
                for (i, step) in items.enumerated() {
                    if let s = decodeCallStep(
                        step, f.path("calls") + ".\(i)", stations: stations, into: &nodes, depth: depth)
                    {
                        nodes[index].steps.append(s)
                    } else {
                        complete = false
                    }
                }
            } else {
                complete = false
            }
        }
        guard complete, let probability, let meanCalls, let timeout, let retries else { return nil }
        nodes[index].probability = probability
        nodes[index].meanCalls = meanCalls
        nodes[index].timeout = timeout
        nodes[index].retries = retries
        nodes[index].service = service ?? nil
        return index
    }

    /// A path element's `service`: the visit's own demand in place of the component's. Only
    /// for components that draw a demand of their own; `.some(nil)` is never returned (nil:
    /// a problem was reported).
    mutating func decodeVisitService(
        _ node: ScenarioNode, _ path: String, station: Int?, stations: [StationSpec]
    ) -> Distribution?? {
        guard let d = decodeDistribution(node, path) else { return nil }
        guard let station else { return nil }  // the target's own problem is reported at `to`
        let kind = componentKinds[stations[station].name] ?? "server_pool"
        guard Self.ownServiceKinds.contains(kind) else {
            let why =
                switch kind {
                case "cdn": "a CDN's visits take its 'latency'"
                case "load_balancer": "a load balancer's visits take its 'latency'"
                default: "it draws no service demand of its own"
                }
            reader.fail(
                node, path,
                "'service' on a call replaces the called component's own service demand; '\(stations[station].name)' is a \(kind): \(why)"
            )
            return nil
        }
        return .some(d)
    }

    /// A step of `calls`: one call (a name or `{to, …}`), or `{parallel: [calls…]}`.
    mutating func decodeCallStep(
        _ item: ScenarioNode, _ path: String, stations: [StationSpec],
        into nodes: inout [CallNode], depth: Int
    ) -> CallStep? {
        guard case .mapping(let pairs, _) = item, pairs.contains(where: { $0.key == "parallel" }) else {
            return decodeCallNode(item, path, stations: stations, into: &nodes, root: false, depth: depth + 1).map {
                .call($0)
            }
        }
        guard let f = reader.fields(item, path, allowed: ["parallel"]), let list = f["parallel"],
            let branches = reader.list(list, f.path("parallel"))
        else { return nil }
        if branches.count < 2 {
            reader.fail(
                list, f.path("parallel"), "expected at least two calls made in parallel, found \(branches.count)")
            return nil
        }
        var indices: [Int] = []
        for (i, b) in branches.enumerated() {
            if let n = decodeCallNode(
                b, f.path("parallel") + ".\(i)", stations: stations, into: &nodes, root: false, depth: depth + 1)
            {
                indices.append(n)
            }
        }
        return indices.count == branches.count ? .parallel(indices) : nil
    }

    /// `repeat: {mean: m}` (m ≥ 1 calls on average) or `repeat: {again: q}` (after each call,
    /// another with probability q < 1): the mean number of calls.
    mutating func decodeRepeat(_ node: ScenarioNode, _ path: String) -> Double? {
        guard let f = reader.fields(node, path, allowed: Self.repeatKeys) else { return nil }
        switch (f["mean"], f["again"]) {
        case (let m?, nil):
            return reader.number(m, f.path("mean"), minimum: 1)
        case (nil, let a?):
            guard let q = threshold(a, f.path("again"), unit: .fraction) else { return nil }
            if q >= 1 {
                reader.fail(
                    a, f.path("again"),
                    "expected a probability below 1 (at 1 the calls never stop), found \(a.kindDescription)")
                return nil
            }
            return 1 / (1 - q)
        case (nil, nil):
            reader.fail(
                node, path,
                "expected 'mean' (mean number of calls, ≥ 1) or 'again' (the probability of calling again after each call)"
            )
            return nil
        case (_?, _?):
            reader.fail(node, path, "give 'mean' or 'again', not both: they say the same thing (mean = 1/(1 − again))")
            return nil
        }
    }

}
