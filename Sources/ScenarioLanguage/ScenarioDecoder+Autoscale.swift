import InfraModel
import SimKernel
import SimRandom

/// `autoscale:` of a server pool: target tracking.
///
/// ```yaml
/// autoscale: {metric: utilization, target: 60%, min: 2, max: 20, interval: 15s, metric_lag: 30s,
///             scale_out_cooldown: 1m, scale_in_cooldown: 5m, scale_in_window: 5m, max_step: 4,
///             provisioning: {uniform: {min: 60s, max: 120s}}, drain: 30s,
///             schedule: [{at: 8h, min: 10}, {at: 20h, min: 2}]}
/// ```
extension ScenarioDecoder {
    static let autoscaleKeys = [
        "metric", "target", "min", "max", "interval", "metric_lag", "cooldown",
        "scale_out_cooldown", "scale_in_cooldown", "scale_out_window", "scale_in_window",
        "max_step", "provisioning", "drain", "schedule",
    ]
    static let autoscaleScheduleKeys = ["at", "min"]
    /// A cache's or a CDN's `autoscale:` (an autoscaled cache's contents are not modelled yet)
    /// and `timeout:` (a queue timeout at a cache is not built).
    static let plannedCacheKeys = plannedServerPoolKeys + ["autoscale", "timeout"]

    /// Decodes `autoscale:` of the pool at `path` whose `instances:` (nil: not given) is the
    /// count at time 0 (default: `min`).
    mutating func decodeAutoscale(
        _ node: ScenarioNode, _ path: String, pool f: Fields, instances: Int?, workers: Int?,
        balance: BalancePolicy, discipline: QueueDiscipline
    ) -> AutoscalePolicy? {
        guard let a = reader.fields(node, path, allowed: Self.autoscaleKeys, required: ["metric", "target", "max"])
        else { return nil }
        guard let metricNode = a["metric"],
            let metric = reader.choice(metricNode, a.path("metric"), AutoscalePolicy.Metric.self)
        else { return nil }
        var ok = true
        if balance == .weightedRoundRobin || balance == .consistentHash {
            reader.fail(
                node, path,
                "autoscaling a pool balanced by \(balance.rawValue) is not built in this version of capsim yet")
            ok = false
        }
        if discipline == .processorSharing {
            reader.fail(node, path, "autoscaling a processor_sharing pool is not built in this version of capsim yet")
            ok = false
        }
        if metric == .utilization && workers == nil {
            reader.fail(
                metricNode, a.path("metric"),
                "utilization needs a pool with a finite number of workers; this pool has workers: unlimited (track in_flight or request_rate instead)"
            )
            ok = false
        }
        var target: Double?
        if let t = a["target"] {
            switch metric {
            case .utilization:
                target = threshold(t, a.path("target"), unit: .fraction)
                if let v = target, v <= 0 {
                    reader.fail(t, a.path("target"), "expected a utilisation target above 0, found \(format(v))")
                    target = nil
                }
            case .inFlight: target = reader.number(t, a.path("target"), exclusiveMinimum: 0)
            case .requestRate: target = reader.rate(t, a.path("target"))
            }
        }
        // Only a standby pool may hold nothing (a cold standby): any other pool at zero would
        // have no metric to scale out on.
        let minimum =
            a["min"].map { reader.integer($0, a.path("min"), min: f["standby"] != nil ? 0 : 1, max: 1_000_000) } ?? 1
        let maximum = a["max"].flatMap { reader.integer($0, a.path("max"), min: 1, max: 1_000_000) }
        func duration(_ key: String, positive: Bool = false) -> SimDuration?? {
            guard let n = a[key] else { return .some(nil) }
            return reader.duration(n, a.path(key), positive: positive).map { .some($0) }
        }
        let interval = duration("interval", positive: true)
        let lag = duration("metric_lag")
        let cooldown = duration("cooldown")
        let outCooldown = duration("scale_out_cooldown")
        let inCooldown = duration("scale_in_cooldown")
        let outWindow = duration("scale_out_window")
        let inWindow = duration("scale_in_window")
        let drain = duration("drain")
        let step: Int?? =
            a["max_step"].map { reader.integer($0, a.path("max_step"), min: 1, max: 1_000_000) } ?? .some(nil)
        var provisioning: Distribution? = .deterministic(value: 60)
        if let p = a["provisioning"], f["cluster"] != nil {
            reader.fail(
                p, a.path("provisioning"),
                "a pod serves after its cluster's 'pod_startup' once placed (and waits for a node while none has room): give the start-up on the cluster, not 'provisioning' here"
            )
            ok = false
        } else if let p = a["provisioning"] {
            provisioning = decodeTime(p, a.path("provisioning"))
        }
        guard ok, let target, let minimum, let maximum, let interval, let lag, let cooldown, let outCooldown,
            let inCooldown,
            let outWindow, let inWindow, let drain, let step, let provisioning
        else { return nil }
        if maximum < minimum, let maxNode = a["max"] {
            reader.fail(maxNode, a.path("max"), "expected max ≥ min (\(minimum)), found \(maximum)")
            return nil
        }
        var initial = minimum
        if let n = f["instances"], let given = instances {
            guard (minimum...maximum).contains(given) else {
                reader.fail(
                    n, f.path("instances"),
                    "expected instances from the autoscaler's min \(minimum) to its max \(maximum) (the count at time 0), found \(given)"
                )
                return nil
            }
            initial = given
        }
        var schedule: [(at: SimTime, min: Int)] = []
        if let s = a["schedule"], let items = reader.list(s, a.path("schedule")) {
            for (k, item) in items.enumerated() {
                let ip = a.path("schedule") + ".\(k)"
                guard let e = reader.fields(item, ip, allowed: Self.autoscaleScheduleKeys, required: ["at", "min"]),
                    let atNode = e["at"], let at = reader.duration(atNode, e.path("at")),
                    let minNode = e["min"], let m = reader.integer(minNode, e.path("min"), min: 1, max: 1_000_000)
                else { return nil }
                if m > maximum {
                    reader.fail(minNode, e.path("min"), "expected a minimum ≤ max (\(maximum)), found \(m)")
                    return nil
                }
                if let last = schedule.last, at.nanoseconds <= last.at.nanoseconds {
                    reader.fail(
                        atNode, e.path("at"),
                        "expected the schedule in time order: this entry is not after the one before")
                    return nil
                }
                schedule.append((at: SimTime(nanoseconds: at.nanoseconds), min: m))
            }
        } else if a["schedule"] != nil {
            return nil
        }
        return AutoscalePolicy(
            metric: metric, target: target, initial: initial, min: minimum, max: maximum,
            interval: interval ?? .seconds(15), metricLag: lag ?? .zero,
            scaleOutCooldown: outCooldown ?? cooldown ?? .zero,
            scaleInCooldown: inCooldown ?? cooldown ?? .seconds(300),
            scaleOutWindow: outWindow ?? .zero, scaleInWindow: inWindow ?? .seconds(300),
            maxStep: step, provisioning: provisioning, drain: drain ?? .seconds(30), schedule: schedule)
    }
}
