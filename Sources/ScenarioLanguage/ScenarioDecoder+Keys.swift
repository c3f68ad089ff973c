import InfraModel
import SimRandom

/// Request keys (`workload.classes[*].keys`) and the options of `consistent_hash`
/// (`vnodes:`, `load_factor:` on a server pool or on its load balancer).
extension ScenarioDecoder {
    static let keysKeys = ["count", "zipf"]
    static let consistentHashKeys = ["vnodes", "load_factor"]
    /// The largest ring (instances × vnodes) a pool may have: its points are kept per replication.
    static let maxRingPoints = 1_000_000

    /// `keys: {count: 5M, zipf: 0.99}` (Zipf popularity with that exponent over ranks 1…count) or
    /// `keys: {count: 100k}` (every key equally likely). count: 1 … 2⁵³, with k/M/G suffixes.
    mutating func decodeKeys(_ node: ScenarioNode, _ path: String) -> KeyDistribution? {
        guard let f = reader.fields(node, path, allowed: Self.keysKeys, required: ["count"]) else { return nil }
        let count = f["count"].flatMap { decodeKeyCount($0, f.path("count")) }
        var exponent: Double?? = .some(nil)
        if let z = f["zipf"] {
            if case .scalar(let s, _) = z, let v = Quantity.number(Substring(s)), v >= 0 {
                exponent = .some(v)
            } else {
                reader.fail(
                    z, f.path("zipf"),
                    "expected a Zipf exponent ≥ 0 (e.g. 0.99; 0 is uniform), found \(z.scalarText.map { "'\($0)'" } ?? z.kindDescription)"
                )
                exponent = nil
            }
        }
        guard let count, let exponent else { return nil }
        return exponent.map { .zipf(exponent: $0, count: count) } ?? .uniform(count: count)
    }

    /// The number of keys: a whole number 1 … 2⁵³ (`5M`, `200k`, `1_000`).
    mutating func decodeKeyCount(_ node: ScenarioNode, _ path: String) -> UInt64? {
        guard case .scalar(let s, _) = node else {
            reader.fail(node, path, "expected a number of keys such as 5M, 200k or 1000, found \(node.kindDescription)")
            return nil
        }
        switch Quantity.count(s) {
        case .success(let n):
            guard n >= 1, n <= ZipfDistribution.maxCount else {
                reader.fail(
                    node, path, "expected a number of keys from 1 to \(ZipfDistribution.maxCount) (2^53), found \(n)")
                return nil
            }
            return n
        case .failure(let e):
            reader.fail(node, path, e.message)
            return nil
        }
    }

    /// A class that visits a `consistent_hash` station must have keys: reported at the class
    /// (once per such station), never a silent fallback to another policy.
    mutating func checkHashKeys(
        _ calls: [CallNode], hasKeys: Bool, className: String, stations: [StationSpec],
        at node: ScenarioNode, _ path: String, hint: String
    ) {
        guard !hasKeys else { return }
        var seen: [Int] = []
        for n in calls where !seen.contains(n.station) && stations[n.station].balance == .consistentHash {
            seen.append(n.station)
            reader.fail(
                node, path,
                "consistent_hash at '\(stations[n.station].name)' needs keys: class '\(className)' has none (\(hint))")
        }
    }

    /// `vnodes:` and `load_factor:` of a pool (`owner` "component", key "balance") or of a load
    /// balancer (`owner` "balancer", key "policy"). Given with another policy they are errors,
    /// as `weights` are. Nil after an error.
    mutating func decodeHashOptions(
        _ f: Fields, policy: BalancePolicy?, policyKey: String, owner: String,
        instances: Int?
    ) -> ConsistentHashOptions? {
        var options = ConsistentHashOptions()
        let given = Self.consistentHashKeys.filter { f[$0] != nil }
        guard !given.isEmpty else {
            return policy == .consistentHash
                ? checkRingSize(options, instances: instances, at: f[policyKey], f.path(policyKey)) : options
        }
        guard let policy else { return nil }
        if policy != .consistentHash {
            for key in given {
                guard let n = f[key] else { preconditionFailure("given lists only the keys f has") }
                reader.fail(
                    n, f.path(key),
                    "\(key) applies only to '\(policyKey): consistent_hash'; this \(owner)'s \(policyKey) is \(policy.rawValue)\(f[policyKey] == nil ? " (the default)" : "")"
                )
            }
            return nil
        }
        var ok = true
        if let v = f["vnodes"] {
            if let n = reader.integer(v, f.path("vnodes"), min: 1, max: 10_000) {
                options.vnodes = n
            } else {
                ok = false
            }
        }
        if let c = f["load_factor"] {
            if case .scalar("unlimited", _) = c {
                options.loadFactorMillionths = nil
            } else if case .scalar(let s, _) = c, let x = Quantity.number(Substring(s)), x >= 1, x <= 1000 {
                options = ConsistentHashOptions(vnodes: options.vnodes, loadFactor: x)
            } else {
                let found = c.scalarText.map { "'\($0)'" } ?? c.kindDescription
                reader.fail(
                    c, f.path("load_factor"),
                    "expected a load factor from 1 to 1000 (an instance may hold at most ceil(factor × (in flight + 1) / instances) requests; default 1.25) or 'unlimited', found \(found)",
                    suggestion: c.scalarText.flatMap {
                        Quantity.number(Substring($0)) == nil ? nearest($0, in: ["unlimited"]) : nil
                    })
                ok = false
            }
        }
        guard ok else { return nil }
        return checkRingSize(
            options, instances: instances, at: f["vnodes"] ?? f[policyKey],
            f.path(f["vnodes"] != nil ? "vnodes" : policyKey))
    }

    /// At most `maxRingPoints` points on a ring (nil after reporting the excess at `node`).
    mutating func checkRingSize(
        _ options: ConsistentHashOptions, instances: Int?, at node: ScenarioNode?, _ path: String
    ) -> ConsistentHashOptions? {
        guard let instances, let node, instances * options.vnodes > Self.maxRingPoints else { return options }
        reader.fail(
            node, path,
            "expected at most \(Self.maxRingPoints) ring points (instances × vnodes), found \(instances) × \(options.vnodes) = \(instances * options.vnodes): lower vnodes"
        )
        return nil
    }
}
