import InfraModel
import SimKernel
import SimRandom

/// `failures:` of a server pool and `health_check:` of a pool or of the balancer in front of it.
///
/// ```yaml
/// failures: {mtbf: 720h, mttr: {lognormal: {mean: 10m, cv: 1}}, mode: crash, repair_crews: 1}
/// health_check: {interval: 5s, unhealthy_after: 3, healthy_after: 2}
/// ```
extension ScenarioDecoder {
    static let failureKeys = ["mtbf", "mttr", "mode", "repair_crews", "required"]
    static let healthCheckKeys = ["interval", "unhealthy_after", "healthy_after"]

    mutating func decodeFailures(_ node: ScenarioNode, _ path: String) -> FailureSpec? {
        guard let f = reader.fields(node, path, allowed: Self.failureKeys, required: ["mtbf", "mttr"]) else {
            return nil
        }
        let mtbf = f["mtbf"].flatMap { decodePeriod($0, f.path("mtbf")) }
        let mttr = f["mttr"].flatMap { decodePeriod($0, f.path("mttr")) }
        let mode = f["mode"].map { reader.choice($0, f.path("mode"), FailureSpec.Mode.self) } ?? .crash
        let crews: Int?? =
            f["repair_crews"].map { reader.integer($0, f.path("repair_crews"), min: 1, max: 1_000_000) } ?? .some(nil)
        let required = f["required"].map { reader.integer($0, f.path("required"), min: 1, max: 1_000_000) } ?? 1
        guard let mtbf, let mttr, let mode, let crews, let required else { return nil }
        if crews != nil {
            for (key, d) in [("mtbf", mtbf), ("mttr", mttr)] {
                guard case .exponential = d else {
                    guard let node = f[key] else { preconditionFailure("'\(key)' was decoded, so it is present") }
                    reader.fail(
                        node, f.path(key),
                        "repair_crews needs exponential times (a plain duration): only then is the stationary start exact, found \(d.name)"
                    )
                    return nil
                }
            }
        }
        return FailureSpec(timeToFailure: mtbf, timeToRepair: mttr, mode: mode, repairCrews: crews, required: required)
    }

    /// A duration (the mean of an exponential time) or a distribution whose residual life can be
    /// drawn exactly.
    private mutating func decodePeriod(_ node: ScenarioNode, _ path: String) -> Distribution? {
        if case .mapping = node {
            guard let d = decodeDistribution(node, path) else { return nil }
            guard d.supportsResidualLife else {
                reader.fail(
                    node, path,
                    "expected exponential, deterministic, uniform, gamma, erlang, lognormal or weibull (the families whose stationary start is exact), found \(d.name)"
                )
                return nil
            }
            guard d.mean > 0 else {
                reader.fail(node, path, "expected a mean > 0")
                return nil
            }
            return d
        }
        guard let mean = reader.duration(node, path, positive: true) else { return nil }
        return .exponential(mean: mean.seconds)
    }

    mutating func decodeHealthCheck(_ node: ScenarioNode, _ path: String) -> HealthCheck? {
        guard let f = reader.fields(node, path, allowed: Self.healthCheckKeys, required: ["interval"]) else {
            return nil
        }
        let interval = f["interval"].flatMap { reader.duration($0, f.path("interval"), positive: true) }
        let unhealthy =
            f["unhealthy_after"].map { reader.integer($0, f.path("unhealthy_after"), min: 1, max: 1000) } ?? 3
        let healthy = f["healthy_after"].map { reader.integer($0, f.path("healthy_after"), min: 1, max: 1000) } ?? 2
        guard let interval, let unhealthy, let healthy else { return nil }
        return HealthCheck(interval: interval, unhealthyAfter: unhealthy, healthyAfter: healthy)
    }
}
