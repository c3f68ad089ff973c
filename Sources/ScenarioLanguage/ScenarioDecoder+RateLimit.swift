import InfraModel
import SimRandom

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

    /// A class whose requests reach a `per: key` limit needs keys (the buckets are per key), and
    /// no more than the limit's table holds (`RateLimitSpec.maxKeyBuckets`).
    mutating func checkLimitKeys(
        _ calls: [CallNode], keys: KeyDistribution?, hasKeys: Bool, className: String, stations: [StationSpec],
        at node: ScenarioNode, _ path: String, hint: String
    ) {
        var seen: [Int] = []
        for n in calls where !seen.contains(n.station) {
            guard let limit = stations[n.station].rateLimit, limit.per == .key else { continue }
            seen.append(n.station)
            let name = stations[n.station].name
            guard hasKeys else {
                reader.fail(
                    node, path,
                    "the per-key rate limit at '\(name)' needs keys: class '\(className)' has none (\(hint))")
                continue
            }
            guard let keys else { continue }  // its keys: had an error of its own
            let units = limit.scope == .instance ? UInt64(stations[n.station].instances) : 1
            let (buckets, overflow) = keys.count.multipliedReportingOverflow(by: units)
            if overflow || buckets > UInt64(RateLimitSpec.maxKeyBuckets) {
                reader.fail(
                    node, path,
                    "the per-key rate limit at '\(name)' keeps a bucket per key\(units > 1 ? " and instance" : ""): at most \(RateLimitSpec.maxKeyBuckets), but class '\(className)' has \(keys.count) keys\(units > 1 ? " × \(units) instances" : "")"
                )
            }
        }
    }
}
