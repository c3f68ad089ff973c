import InfraModel
import SimKernel

/// `canary_deploy:` and `blue_green_deploy:` events — deploys of a new version that an analysis
/// can roll back (see `DeploySpec`).
///
/// ```yaml
/// events:
///   - at: 30m
///     canary_deploy:
///       component: web
///       instances: 1            # canaries (default 1)
///       bake: 10m
///       batch: 2                # promotion batch (default 1)
///       each: 60s               # restart time of a step
///       drain: 30s              # default 30s
///       version: {service_factor: 1.2x, error_rate: 5%}
///       analysis: {max_error_rate: 1%, max_latency: {p99: 250ms}, confidence: 95%, on_inconclusive: rollback}
///   - at: 30m
///     blue_green_deploy: {component: web, provision: 5m, bake: 15m, version: {error_rate: 5%}}
/// ```
extension ScenarioDecoder {
    static let deployKeys: [String: [String]] = [
        "rolling_deploy": [
            "component", "batch", "max_unavailable", "max_surge", "each", "drain", "service_factor", "version",
        ],
        "canary_deploy": [
            "component", "instances", "bake", "batch", "max_unavailable", "max_surge", "each", "drain", "version",
            "analysis",
        ],
        "blue_green_deploy": ["component", "provision", "bake", "version", "analysis"],
    ]
    static let deployVersionKeys = ["service_factor", "error_rate"]
    static let deployAnalysisKeys = ["max_error_rate", "max_latency", "confidence", "on_inconclusive"]
    /// Latency quantiles an analysis can judge, by their metric suffix.
    static let deployQuantiles: [(String, Double)] = [
        ("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99), ("p999", 0.999),
    ]

    mutating func decodeDeploy(
        _ kind: String, _ node: ScenarioNode, _ path: String, at: SimTime, stations: [StationSpec],
        earlier: [DeploySpec]
    ) -> DeploySpec? {
        guard let allowed = Self.deployKeys[kind] else {
            preconditionFailure("deployKeys has the keys of every deploy kind, and '\(kind)' is one")
        }
        let required =
            switch kind {
            case "rolling_deploy": ["component", "each"]
            case "canary_deploy": ["component", "bake", "each"]
            default: ["component", "bake"]
            }
        guard let f = reader.fields(node, path, allowed: allowed, required: required),
            let componentNode = f["component"], let s = station(componentNode, f.path("component"), stations)
        else { return nil }
        let pool = stations[s]
        if let what = Self.notDeployable(pool) {
            reader.fail(componentNode, f.path("component"), "\(kind) needs a server pool; '\(pool.name)' is \(what)")
            return nil
        }
        if pool.autoscale != nil && kind != "rolling_deploy" {
            // A canary's share and a second fleet's size would follow the autoscaler.
            reader.fail(
                componentNode, f.path("component"),
                "\(kind) of an autoscaled pool is not built in this version of capsim yet: give '\(pool.name)' a fixed number of instances, or roll the new version out with rolling_deploy"
            )
            return nil
        }
        let problems = reader.diagnostics.count
        let bake = f["bake"].flatMap { reader.duration($0, f.path("bake"), positive: true) }
        var version = f["version"].flatMap { decodeVersion($0, f.path("version")) } ?? DeployVersion()
        if let sf = f["service_factor"] {
            // The rolling deploy's older spelling of version.service_factor.
            if f["version"] != nil {
                reader.fail(
                    sf, f.path("service_factor"), "give the service factor once: in version: {service_factor: …}")
            } else if let v = multiplier(sf, f.path("service_factor")) {
                if v > 0 {
                    version.serviceFactor = v
                } else {
                    reader.fail(sf, f.path("service_factor"), "expected a factor > 0, found \(format(v))")
                }
            }
        }
        let analysis = f["analysis"].flatMap { decodeAnalysis($0, f.path("analysis")) }
        let n = pool.instances
        let strategy: DeploySpec.Strategy?
        var drain: SimDuration? = .zero
        var restart: SimDuration? = .zero
        var surge: Int? = 0
        if kind == "rolling_deploy" {
            let batch: Int?
            (batch, surge) = decodeSteps(f, node, path, instances: n)
            restart = f["each"].flatMap { reader.duration($0, f.path("each"), positive: true) }
            drain = f["drain"].map { reader.duration($0, f.path("drain")) } ?? .seconds(30)
            strategy = batch.map { .rolling(batch: $0) }
        } else if kind == "canary_deploy" {
            let k = f["instances"].map { reader.integer($0, f.path("instances"), min: 1, max: n) } ?? 1
            let batch: Int?
            (batch, surge) = decodeSteps(f, node, path, instances: n)
            restart = f["each"].flatMap { reader.duration($0, f.path("each"), positive: true) }
            drain = f["drain"].map { reader.duration($0, f.path("drain")) } ?? .seconds(30)
            strategy = k.flatMap { k in batch.flatMap { b in bake.map { .canary(instances: k, bake: $0, batch: b) } } }
        } else if pool.pod != nil {
            // Pods: the switch waits for the second fleet's pods to be placed and started.
            if let p = f["provision"] {
                reader.fail(
                    p, f.path("provision"),
                    "'\(pool.name)' runs on cluster nodes: its second fleet is pods, placed by the scheduler and started in the cluster's pod_startup; remove provision"
                )
            }
            strategy = bake.map { .blueGreen(provision: .zero, bake: $0) }
        } else if let p = f["provision"] {
            let provision = reader.duration(p, f.path("provision"))
            strategy = provision.flatMap { p in bake.map { .blueGreen(provision: p, bake: $0) } }
        } else {
            reader.fail(node, path, "missing required key 'provision'")
            strategy = nil
        }
        guard reader.diagnostics.count == problems, let strategy, let drain, let restart, let surge else { return nil }
        var deploy = DeploySpec(
            station: s, at: at, strategy: strategy, drain: drain, restart: restart, version: version,
            analysis: analysis)
        deploy.surge = surge
        // On a cluster a deploy with extra pods lasts until the nodes have room for them, which
        // no bound in the scenario gives: a later deploy of the pool could overlap it.
        if pool.pod != nil, let other = earlier.first(where: { $0.station == s && $0.holdsExtra }) {
            reader.fail(
                node, path,
                "a second deploy of '\(pool.name)' after the \(other.isBlueGreen ? "blue-green deploy" : "surge") at \(other.at - SimTime.zero) is not built in this version of capsim yet: on a cluster that deploy lasts until the nodes have room for its extra pods, so this one could overlap it"
            )
            return nil
        }
        // Two deploys of one pool may not overlap: an instance runs one deployed version at a time.
        if let other = earlier.first(where: {
            $0.station == s && $0.at < at + deploy.longestDuration(instances: n)
                && at < $0.at + $0.longestDuration(instances: n)
        }) {
            reader.fail(
                node, path,
                "this deploy of '\(pool.name)' overlaps the one at \(other.at - SimTime.zero), which may last until \(other.at + other.longestDuration(instances: n) - SimTime.zero): start it after that"
            )
            return nil
        }
        return deploy
    }

    /// A rolling step's size: instances out of the rotation at once (`batch`, or its Kubernetes
    /// name `max_unavailable`; default 1, or 0 when only `max_surge` is given) and instances
    /// replaced beside them (`max_surge`, default 0). Each a count or a share of the pool
    /// (`25%`: the surge rounded up, the unavailable down, as Kubernetes rounds them).
    private mutating func decodeSteps(
        _ f: Fields, _ node: ScenarioNode, _ path: String, instances n: Int
    ) -> (batch: Int?, surge: Int?) {
        if let b = f["batch"], f["max_unavailable"] != nil {
            reader.fail(b, f.path("batch"), "give batch or max_unavailable, not both: they are the same")
            return (nil, nil)
        }
        let surge = f["max_surge"].map { instances($0, f.path("max_surge"), of: n, roundUp: true) } ?? 0
        let batch: Int?
        if let b = f["batch"] {
            batch = reader.integer(b, f.path("batch"), min: 1, max: n)
        } else if let u = f["max_unavailable"] {
            batch = instances(u, f.path("max_unavailable"), of: n, roundUp: false)
        } else {
            batch = f["max_surge"] != nil ? 0 : 1
        }
        if let batch, let surge, batch + surge == 0 {
            reader.fail(
                f["max_unavailable"] ?? node, f["max_unavailable"] != nil ? f.path("max_unavailable") : path,
                "max_unavailable and max_surge are both 0 (as counts of the \(n) instances): a step would replace nothing"
            )
            return (nil, nil)
        }
        return (batch, surge)
    }

    /// A number of a pool's n instances: a count in [0, n], or a share (`25%`) rounded up or down.
    private mutating func instances(_ node: ScenarioNode, _ path: String, of n: Int, roundUp: Bool) -> Int? {
        if let text = node.scalarText, text.hasSuffix("%") {
            guard let share = threshold(node, path, unit: .fraction) else { return nil }
            // In hundredths of a percent, so 25% of 10 is exactly 2.5 before it is rounded.
            let hundredths = Int((share * 10_000).rounded())
            let scaled = hundredths * n
            return roundUp ? (scaled + 9_999) / 10_000 : scaled / 10_000
        }
        return reader.integer(node, path, min: 0, max: n)
    }

    /// Why a station cannot take a deploy (nil: it can).
    static func notDeployable(_ s: StationSpec) -> String? {
        if s.database != nil { return "a database" }
        if s.cache != nil { return "a cache" }
        if s.failover != nil { return "an active/passive pair" }
        return nil
    }

    /// `version: {service_factor, error_rate}`.
    private mutating func decodeVersion(_ node: ScenarioNode, _ path: String) -> DeployVersion? {
        guard let f = reader.fields(node, path, allowed: Self.deployVersionKeys) else { return nil }
        var version = DeployVersion()
        if let n = f["service_factor"] {
            guard let v = multiplier(n, f.path("service_factor")) else { return nil }
            guard v > 0 else {
                reader.fail(n, f.path("service_factor"), "expected a factor > 0, found \(format(v))")
                return nil
            }
            version.serviceFactor = v
        }
        if let n = f["error_rate"] {
            guard let v = threshold(n, f.path("error_rate"), unit: .fraction) else { return nil }
            version.errorRate = v
        }
        return version
    }

    /// `analysis: {max_error_rate, max_latency: {p99: 250ms}, confidence, on_inconclusive}`.
    private mutating func decodeAnalysis(_ node: ScenarioNode, _ path: String) -> DeployAnalysis? {
        guard let f = reader.fields(node, path, allowed: Self.deployAnalysisKeys) else { return nil }
        guard f["max_error_rate"] != nil || f["max_latency"] != nil else {
            reader.fail(node, path, "expected max_error_rate, max_latency or both: what the analysis judges")
            return nil
        }
        let maxErrorRate = f["max_error_rate"].flatMap { threshold($0, f.path("max_error_rate"), unit: .fraction) }
        var latency: (quantile: Double, threshold: SimDuration)?
        if let n = f["max_latency"] {
            let lp = f.path("max_latency")
            if case .mapping(let pairs, _) = n, pairs.count == 1, let pair = pairs.first {
                if let q = Self.deployQuantiles.first(where: { $0.0 == pair.key })?.1 {
                    if let d = reader.duration(pair.value, lp + "." + pair.key, positive: true) {
                        latency = (q, d)
                    }
                } else {
                    reader.fail(
                        n, lp,
                        "expected one of \(Self.deployQuantiles.map(\.0).joined(separator: ", ")), found '\(pair.key)'")
                }
            } else {
                reader.fail(n, lp, "expected one percentile and its limit, such as {p99: 250ms}")
            }
        }
        var confidence = 0.95
        if let n = f["confidence"], let c = threshold(n, f.path("confidence"), unit: .fraction) {
            if c < 0.5 || c >= 1 {
                reader.fail(n, f.path("confidence"), "expected a confidence in [50%, 100%), found \(format(c * 100))%")
            }
            confidence = c
        }
        let onInconclusive =
            f["on_inconclusive"].flatMap { reader.choice($0, f.path("on_inconclusive"), DeployVerdict.self) }
            ?? .rollBack
        return DeployAnalysis(
            maxErrorRate: maxErrorRate, latency: latency, confidence: confidence, onInconclusive: onInconclusive)
    }
}
