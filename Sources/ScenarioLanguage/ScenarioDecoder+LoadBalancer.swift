import InfraModel
import SimKernel
import SimRandom

/// `kind: load_balancer`: a component in front of a server pool. It is a station of its own
/// (its `latency` per request, at most `capacity` requests in flight per balancer instance) whose
/// `policy` decides how requests spread over its target's instances, among those its
/// `health_check` believes healthy. With `failover:` each balancer instance is an active/passive
/// pair of units.
extension ScenarioDecoder {
    static let loadBalancerKeys = [
        "kind", "targets", "policy", "weights", "vnodes", "load_factor", "latency", "instances", "capacity",
        "health_check", "cost", "failures", "failover", "rate_limit", "tls", "region",
    ]
    /// A balancer's `autoscale:` (the language's design has one; an autoscaled balancer fleet is not
    /// modelled yet): a "not built" error at its key path, never an unknown key.
    static let plannedLoadBalancerKeys = ["autoscale"]

    /// What a balancer says about its target, resolved once every component is known.
    struct BalancerTarget {
        var balancer: String
        var target: String
        var targetNode: ScenarioNode
        var policy: BalancePolicy
        var policyNode: ScenarioNode?
        var weightsNode: ScenarioNode?
        var healthCheck: HealthCheck?
        var healthCheckNode: ScenarioNode?
        var path: String
        var hashOptions = ConsistentHashOptions()
        /// The balancer's `vnodes:` node, if given (where a ring that is too large is reported).
        var hashNode: ScenarioNode?
    }

    mutating func decodeLoadBalancer(
        _ node: ScenarioNode, _ path: String, name: String
    ) -> (StationSpec, BalancerTarget)? {
        guard
            let f = reader.fields(
                node, path, allowed: Self.loadBalancerKeys + Self.plannedLoadBalancerKeys,
                required: ["kind", "targets"])
        else { return nil }
        for key in Self.plannedLoadBalancerKeys { if let n = f[key] { notBuilt(n, f.path(key)) } }
        let target = f["targets"].flatMap { reader.name($0, f.path("targets")) }
        let policy = f["policy"].map { decodeBalance($0, f.path("policy")) } ?? .roundRobin
        if let w = f["weights"], let policy, policy != .weightedRoundRobin {
            reader.fail(
                w, f.path("weights"),
                "weights apply only to 'policy: weighted_round_robin'; this balancer's policy is \(policy.rawValue)")
        }
        if policy == .weightedRoundRobin, f["weights"] == nil, let p = f["policy"] {
            reader.fail(
                p, f.path("policy"),
                "weighted_round_robin needs 'weights': one positive number per instance of the target")
        }
        let hashOptions = decodeHashOptions(f, policy: policy, policyKey: "policy", owner: "balancer", instances: nil)
        let instances = f["instances"].map { reader.integer($0, f.path("instances"), min: 1, max: 1_000) } ?? 1
        let capacity: Int?? = f["capacity"].map { reader.limit($0, f.path("capacity"), min: 1) } ?? .some(nil)
        let latency: Distribution? =
            f["latency"].map { decodeDistribution($0, f.path("latency")) } ?? .deterministic(value: 0)
        let healthCheck: HealthCheck?? =
            f["health_check"].map { decodeHealthCheck($0, f.path("health_check")) } ?? .some(nil)
        let failures: FailureSpec?? = f["failures"].map { decodeFailures($0, f.path("failures")) } ?? .some(nil)
        var failover: FailoverSpec?? = .some(nil)
        if let n = f["failover"] {
            failover = decodeFailover(n, f.path("failover")).map { .some($0) }
            if f["failures"] == nil {
                reader.fail(
                    n, f.path("failover"),
                    "failover switches to the passive unit when the active one fails: give the balancer 'failures:' too"
                )
                failover = nil
            }
        }
        if case .some(.some(let spec)) = failures, let failuresNode = f["failures"], f["failover"] != nil {
            if spec.mode == .hang {
                reader.fail(
                    failuresNode, f.path("failures"),
                    "an active/passive pair's units crash: mode hang is not built for them")
                failover = nil
            } else if spec.repairCrews != nil {
                reader.fail(
                    failuresNode, f.path("failures"),
                    "a pair's units are repaired each on its own, or by one crew the pair shares: write failover: {switch: …, repair_crews: 1} instead of failures.repair_crews"
                )
                failover = nil
            } else if case .some(.some(let pair)) = failover, pair.standby == .cold || pair.sharedRepairCrew {
                failover = checkPairTimes(f["failures"], f.path("failures"), spec, pair)
            }
        }
        if let c = f["cost"] { decodeCost(c, f.path("cost"), component: name) }
        let rateLimit: RateLimitSpec?? =
            f["rate_limit"].map { decodeRateLimit($0, f.path("rate_limit")) } ?? .some(nil)
        let tls: TLSSpec?? = f["tls"].map { decodeTLS($0, f.path("tls")) } ?? .some(nil)
        guard let target, let policy, let instances, let capacity, let latency, let healthCheck, let hashOptions,
            let failures, let failover, let rateLimit, let tls
        else { return nil }
        // A balancer instance holds at most `capacity` requests; one more is turned away.
        var station = StationSpec(
            name: name, instances: instances, workers: capacity, queueCapacity: capacity == nil ? nil : 0,
            service: latency, balance: .roundRobin, failures: failures)
        station.failover = failover
        station.rateLimit = rateLimit
        station.tls = tls
        guard let targetNode = f["targets"] else {
            preconditionFailure("target was decoded from 'targets', so it is present")
        }
        return (
            station,
            BalancerTarget(
                balancer: name, target: target, targetNode: targetNode, policy: policy,
                policyNode: f["policy"], weightsNode: f["weights"], healthCheck: healthCheck,
                healthCheckNode: f["health_check"], path: path, hashOptions: hashOptions, hashNode: f["vnodes"])
        )
    }

    /// `failover:` — a switch time alone (`failover: 5s`: a hot pair, noticed at once, each unit
    /// repaired on its own), or the pair's options:
    ///
    /// ```yaml
    /// failover: {switch: 5s, standby: cold, detection: {exponential: {mean: 2s}}, repair_crews: 1}
    /// ```
    mutating func decodeFailover(_ node: ScenarioNode, _ path: String) -> FailoverSpec? {
        guard case .mapping = node else {
            if case .sequence = node {
                reader.fail(
                    node, path,
                    "expected a duration (the switch time) or a mapping with keys \(Self.failoverKeys.joined(separator: ", ")), found \(node.kindDescription)"
                )
                return nil
            }
            return reader.duration(node, path).map { FailoverSpec(switchTime: $0) }
        }
        guard let f = reader.fields(node, path, allowed: Self.failoverKeys, required: ["switch"]) else { return nil }
        let switchTime = f["switch"].flatMap { reader.duration($0, f.path("switch")) }
        let standby = f["standby"].map { reader.choice($0, f.path("standby"), FailoverSpec.Standby.self) } ?? .hot
        let detection: Distribution?? = f["detection"].map { decodeTime($0, f.path("detection")) } ?? .some(nil)
        let crews = f["repair_crews"].map { reader.integer($0, f.path("repair_crews"), min: 1, max: 2) } ?? 2
        guard let switchTime, let standby, let detection, let crews else { return nil }
        // A detection that always takes 0 is no detection step at all.
        let noticed: Distribution? = detection == .deterministic(value: 0) ? nil : detection
        return FailoverSpec(
            switchTime: switchTime, standby: standby, detection: noticed, sharedRepairCrew: crews == 1)
    }

    static let failoverKeys = ["switch", "standby", "detection", "repair_crews"]

    /// A cold standby or a shared crew starts the pair from its birth–death chain, exact only
    /// with exponential times: nil (after an error at the key) otherwise.
    private mutating func checkPairTimes(
        _ node: ScenarioNode?, _ path: String, _ failures: FailureSpec, _ pair: FailoverSpec
    ) -> FailoverSpec?? {
        let option = pair.standby == .cold ? "standby: cold" : "repair_crews: 1"
        for (key, d) in [("mtbf", failures.timeToFailure), ("mttr", failures.timeToRepair)] {
            guard case .exponential = d else {
                let at = node.flatMap { n -> ScenarioNode? in
                    guard case .mapping(let pairs, _) = n else { return nil }
                    return pairs.first { $0.key == key }?.value
                }
                guard let at else { preconditionFailure("failures were decoded from a mapping with '\(key)'") }
                reader.fail(
                    at, path + "." + key,
                    "an active/passive pair with \(option) needs exponential times (a plain duration): only then is its stationary start exact, found \(d.name)"
                )
                return nil
            }
        }
        return .some(pair)
    }

    /// Gives each balancer's policy to its target pool, after checking the target.
    mutating func resolveBalancers(
        _ balancers: [BalancerTarget], stations: inout [StationSpec],
        explicitBalance: Set<String>, kinds: [String: String]
    ) {
        var targeted: [String: String] = [:]
        for b in balancers {
            guard let t = stations.firstIndex(where: { $0.name == b.target }) else {
                if failedComponents.contains(b.target) { continue }  // reported where it is defined
                reader.fail(
                    b.targetNode, b.path + ".targets",
                    "expected the name of a server_pool component, found '\(b.target)'",
                    suggestion: nearest(b.target, in: stations.map(\.name).filter { kinds[$0] == "server_pool" }))
                continue
            }
            guard kinds[b.target] == "server_pool" else {
                reader.fail(
                    b.targetNode, b.path + ".targets",
                    "a load balancer's target must be a server_pool; '\(b.target)' is a \(kinds[b.target] ?? "component")"
                )
                continue
            }
            if let other = targeted[b.target] {
                reader.fail(
                    b.targetNode, b.path + ".targets",
                    "'\(b.target)' already has load balancer '\(other)' in front of it")
                continue
            }
            targeted[b.target] = b.balancer
            if explicitBalance.contains(b.target) {
                reader.fail(
                    b.targetNode, b.path + ".targets",
                    "'\(b.target)' sets its own balance or weights, but its load balancer '\(b.balancer)' decides them: remove components.\(b.target).balance/weights"
                )
                continue
            }
            if let check = b.healthCheck {
                if stations[t].healthCheck != nil {
                    guard let checkNode = b.healthCheckNode else {
                        preconditionFailure("a balancer's health_check was decoded from its healthCheckNode")
                    }
                    reader.fail(
                        checkNode, b.path + ".health_check",
                        "'\(b.target)' has its own health_check, but its load balancer '\(b.balancer)' does the checking: give it in one place"
                    )
                    continue
                }
                stations[t].healthCheck = check
            }
            stations[t].balance = b.policy
            if b.policy == .consistentHash {
                let node = b.hashNode ?? b.policyNode ?? b.targetNode
                let key = b.hashNode != nil ? "vnodes" : b.policyNode != nil ? "policy" : "targets"
                guard
                    let options = checkRingSize(
                        b.hashOptions, instances: stations[t].instances, at: node, b.path + "." + key)
                else { continue }
                stations[t].consistentHash = options
            }
            if let w = b.weightsNode {
                stations[t].weights = decodeWeights(w, b.path + ".weights", instances: stations[t].instances)
            }
        }
    }

    /// A request through a balancer goes next to its target, once, for sure: a balancer
    /// forwards; it makes no other calls.
    mutating func checkBalancerPaths(
        _ classes: [RequestClass], stations: [StationSpec], balancers: [BalancerTarget],
        at node: ScenarioNode, classesPath: String?
    ) {
        for (k, c) in classes.enumerated() {
            for n in c.calls {
                guard let b = balancers.first(where: { $0.balancer == stations[n.station].name }),
                    !failedComponents.contains(b.target)  // the path was cut where the target was
                else { continue }
                let place = classesPath.map { "\($0).\(k).path" } ?? "components"
                guard n.steps.count == 1, case .call(let m) = n.steps[0] else {
                    let found = n.steps.isEmpty ? "the end of the path" : "\(n.children.count) calls"
                    reader.fail(
                        node, place,
                        "a request through load balancer '\(b.balancer)' goes next to its target '\(b.target)', found \(found)"
                    )
                    continue
                }
                let next = stations[c.calls[m].station].name
                if next != b.target {
                    reader.fail(
                        node, place,
                        "a request through load balancer '\(b.balancer)' goes next to its target '\(b.target)', found '\(next)'"
                    )
                } else if c.calls[m].probability != 1 || c.calls[m].meanCalls != 1 {
                    reader.fail(
                        node, place,
                        "load balancer '\(b.balancer)' forwards every request to '\(b.target)' once: remove its probability/repeat"
                    )
                }
            }
        }
    }
}
