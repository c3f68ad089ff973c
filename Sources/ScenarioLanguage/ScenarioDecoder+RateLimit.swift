import InfraModel

/// `rate_limit:` on a server pool or a load balancer: a token bucket that turns away requests
/// beyond its rate with `rate_limited` (see `RateLimitSpec`).
///
/// ```yaml
/// rate_limit: {rate: 500/s, burst: 50, scope: fleet, per: component}
/// ```
extension ScenarioDecoder {
    static let rateLimitKeys = ["rate", "burst", "scope", "per"]

    mutating func decodeRateLimit(_ node: ScenarioNode, _ path: String) -> RateLimitSpec? {
        guard let f = reader.fields(node, path, allowed: Self.rateLimitKeys, required: ["rate", "burst"]) else {
            return nil
        }
        let rate = f["rate"].flatMap { reader.rate($0, f.path("rate")) }
        let burst = f["burst"].flatMap { reader.integer($0, f.path("burst"), min: 1, max: 1_000_000_000) }
        let scope = f["scope"].map { reader.choice($0, f.path("scope"), RateLimitSpec.Scope.self) } ?? .fleet
        let per = f["per"].map { reader.choice($0, f.path("per"), RateLimitSpec.Partition.self) } ?? .component
        guard let rate, let burst, let scope, let per else { return nil }
        return RateLimitSpec(rate: rate, burst: burst, scope: scope, per: per)
    }
}
