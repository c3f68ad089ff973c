import InfraModel
import SimKernel
import SimRandom

/// `kind: cache` and `kind: cdn`: a server pool whose lookups hit or miss.
///
/// ```yaml
/// cache: {kind: cache, instances: 3, workers: 16, service: {exponential: {mean: 0.4ms}},
///         balance: consistent_hash, policy: lru, capacity: 200k, per: instance, ttl: 5m,
///         start: warm, on_failure: bypass}
/// edge:  {kind: cdn, latency: {lognormal: {mean: 20ms, cv: 0.5}}, hit_ratio: 90%}
/// ```
///
/// A cdn is a cache whose time per request is `latency` (the network to the user) and whose
/// workers are unlimited unless given. Pool keys are read by the server pool's decoder, so they
/// mean exactly what they mean there.
extension ScenarioDecoder {
    /// Keys only a cache has (beside the server pool's).
    /// The most keys one cache may hold over all its instances: about 4 GB per replication.
    static let maximumCachedKeys = 1 << 26
    static let cacheOnlyKeys = ["hit_ratio", "policy", "capacity", "per", "ttl", "start", "on_failure"]
    static let cacheKeys = serverPoolKeys.filter { $0 != "autoscale" && $0 != "timeout" } + cacheOnlyKeys
    static let cdnKeys =
        serverPoolKeys.filter { $0 != "service" && $0 != "autoscale" && $0 != "timeout" } + ["latency"] + cacheOnlyKeys
    static let cachePolicies = ["lru"]

    mutating func decodeCache(_ node: ScenarioNode, _ path: String, name: String, cdn: Bool) -> StationSpec? {
        guard case .mapping(let pairs, let location) = node else {
            reader.fail(node, path, "expected a component (a mapping with 'kind'), found \(node.kindDescription)")
            return nil
        }
        guard
            let f = reader.fields(
                node, path,
                allowed: (cdn ? Self.cdnKeys : Self.cacheKeys)
                    + Self.plannedCacheKeys.filter { !Self.cacheOnlyKeys.contains($0) },
                required: ["kind", cdn ? "latency" : "service"])
        else { return nil }
        for key in ["autoscale", "timeout"] {
            if let n = f[key] {
                notBuilt(n, f.path(key))
                return nil
            }
        }
        let latency: Distribution? = cdn ? f["latency"].flatMap { decodeDistribution($0, f.path("latency")) } : nil
        // The pool's own keys, read by the server pool's decoder (a cdn's latency stands in for its service).
        // Unknown keys were reported above, so only the pool's known keys are passed on.
        var poolPairs = pairs.filter {
            Self.serverPoolKeys.contains($0.key) && !Self.cacheOnlyKeys.contains($0.key) && $0.key != "kind"
                && !(cdn && $0.key == "service")
        }
        poolPairs.insert((key: "kind", keyLocation: location, value: .scalar("server_pool", location)), at: 0)
        if cdn {
            poolPairs.append(
                (
                    key: "service", keyLocation: location,
                    value: .mapping(
                        [(key: "deterministic", keyLocation: location, value: .scalar("0s", location))], location)
                ))
            if f["workers"] == nil {
                poolPairs.append((key: "workers", keyLocation: location, value: .scalar("unlimited", location)))
            }
        }
        let station = decodeServerPool(.mapping(poolPairs, location), path, name: name)
        let cache = decodeCacheRule(f, instances: station?.instances)
        guard var station, let cache else { return nil }
        if cdn {
            guard let latency else { return nil }
            station.service = latency
        }
        station.cache = cache
        return station
    }

    /// `hit_ratio`, or `policy: lru` with `capacity`, `per` and `ttl`; `start`, `on_failure`.
    private mutating func decodeCacheRule(_ f: Fields, instances: Int?) -> CacheSpec? {
        let start = f["start"].map { reader.choice($0, f.path("start"), CacheSpec.Start.self) } ?? .warm
        let onFailure =
            f["on_failure"].map { reader.choice($0, f.path("on_failure"), CacheSpec.OnFailure.self) } ?? .bypass
        let policy: CacheSpec.Policy?
        var total = false
        switch (f["hit_ratio"], f["policy"]) {
        case (let h?, nil):
            for key in ["capacity", "per", "ttl"] {
                if let n = f[key] {
                    reader.fail(
                        n, f.path(key), "'\(key)' applies only to 'policy: lru'; this cache has a fixed hit_ratio")
                }
            }
            if let n = f["start"] {
                reader.fail(
                    n, f.path("start"), "'start' applies only to 'policy: lru' (a fixed hit_ratio has no contents)")
            }
            let ratio = threshold(h, f.path("hit_ratio"), unit: .fraction)
            if let r = ratio, !(0...1).contains(r) {
                reader.fail(
                    h, f.path("hit_ratio"), "expected a hit ratio from 0 to 1 (or 0% to 100%), found \(format(r))")
                return nil
            }
            policy = ratio.map { .ratio($0) }
        case (nil, let p?):
            guard let name = reader.string(p, f.path("policy")) else { return nil }
            guard Self.cachePolicies.contains(name) else {
                reader.fail(
                    p, f.path("policy"),
                    "expected one of \(Self.cachePolicies.joined(separator: ", ")), found '\(name)'",
                    suggestion: nearest(name, in: Self.cachePolicies))
                return nil
            }
            guard let c = f["capacity"] else {
                reader.fail(
                    p, f.path("policy"), "policy: lru needs 'capacity': the number of keys held, e.g. capacity: 200k")
                return nil
            }
            let capacity = decodeKeyCount(c, f.path("capacity"))
            if let n = f["per"] {
                guard let per = reader.string(n, f.path("per")) else { return nil }
                guard ["instance", "total"].contains(per) else {
                    reader.fail(
                        n, f.path("per"), "expected one of instance, total, found '\(per)'",
                        suggestion: nearest(per, in: ["instance", "total"]))
                    return nil
                }
                total = per == "total"
            }
            let ttl: SimDuration?? = f["ttl"].map { reader.duration($0, f.path("ttl"), positive: true) } ?? .some(nil)
            guard let capacity, let ttl, let instances else { return nil }
            var perInstance = Int(clamping: capacity)
            if total {
                perInstance = Int(clamping: capacity / UInt64(instances))
                if perInstance < 1 {
                    reader.fail(
                        c, f.path("capacity"),
                        "expected at least one key per instance: capacity \(capacity) per total over \(instances) instances"
                    )
                    return nil
                }
            }
            guard perInstance <= LRUCache.maxCapacity else {
                reader.fail(
                    c, f.path("capacity"),
                    "expected at most \(LRUCache.maxCapacity) keys per instance, found \(perInstance)")
                return nil
            }
            // Every key's slot is allocated when a replication starts (about 64 bytes with its
            // hash-table share), in each replication running at once.
            guard perInstance.multipliedReportingOverflow(by: instances).partialValue <= Self.maximumCachedKeys,
                perInstance <= Self.maximumCachedKeys
            else {
                reader.fail(
                    c, f.path("capacity"),
                    "expected at most \(Self.maximumCachedKeys) keys over the cache's instances (each takes about 64 bytes, allocated when a replication starts), found \(instances) × \(perInstance)"
                )
                return nil
            }
            policy = .lru(capacityPerInstance: perInstance, ttl: ttl)
        case (nil, nil):
            guard let kind = f["kind"] else {
                preconditionFailure("decodeCache reads only a component whose kind is cache or cdn")
            }
            reader.fail(kind, f.path, "a cache needs 'hit_ratio' (e.g. 85%) or 'policy: lru' with 'capacity'")
            return nil
        case (_?, let p?):
            reader.fail(p, f.path("policy"), "give 'hit_ratio' or 'policy', not both")
            return nil
        }
        guard let policy, let start, let onFailure else { return nil }
        return CacheSpec(policy: policy, start: start, onFailure: onFailure, capacityIsTotal: total)
    }

    /// A class whose requests reach an LRU cache needs keys (the cache is over the keys).
    mutating func checkCacheKeys(
        _ calls: [CallNode], hasKeys: Bool, className: String, stations: [StationSpec],
        at node: ScenarioNode, _ path: String, hint: String
    ) {
        guard !hasKeys else { return }
        var seen: [Int] = []
        for n in calls where !seen.contains(n.station) {
            guard case .lru? = stations[n.station].cache?.policy else { continue }
            seen.append(n.station)
            reader.fail(
                node, path,
                "the lru cache '\(stations[n.station].name)' needs keys: class '\(className)' has none (\(hint))")
        }
    }
}
