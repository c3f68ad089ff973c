import InfraModel

/// `replicas: {remote: {eu-west: 1}}` of a database: replicas in regions other than its own.
///
/// ```yaml
/// regions:
///   us-east: {latency: {eu-west: 80ms}}
///   eu-west: {}
/// components:
///   db:
///     kind: database
///     region: us-east
///     primary: {workers: 16, service: 4ms}
///     replicas: {count: 2, lag: 5ms, remote: {eu-west: 1}}   # two in us-east, one in eu-west
///     failover: {detect: 10s, promote: 5s}
/// ```
extension ScenarioDecoder {
    /// The counts of `remote:` in declaration order (the names are resolved with the regions).
    mutating func decodeRemoteReplicaCounts(_ node: ScenarioNode, _ path: String) -> [(name: String, count: Int)]? {
        guard case .mapping(let pairs, _) = node, !pairs.isEmpty else {
            reader.fail(
                node, path,
                "expected a mapping of other regions' names to replica counts, e.g. remote: {eu-west: 1}, found \(node.kindDescription)"
            )
            return nil
        }
        var out: [(name: String, count: Int)] = []
        var ok = true
        for p in pairs {
            let at = path + "." + p.key
            guard reader.checkName(p.key, .scalar(p.key, p.keyLocation), at),
                let n = reader.integer(p.value, at, min: 1, max: 1_000)
            else {
                ok = false
                continue
            }
            out.append((p.key, n))
        }
        return ok ? out : nil
    }

    /// After the regions: each database's `remote:` names regions other than its own, which it
    /// must have; sets `RemoteReplicas.region`.
    mutating func resolveRemoteReplicas(components: ScenarioNode?, stations: inout [StationSpec], regions: Regions) {
        guard case .mapping(let comps, _)? = components else { return }
        let names = regions.list.map(\.name)
        for p in comps {
            guard let s = stations.firstIndex(where: { $0.name == p.key }),
                let db = stations[s].database, !db.remote.isEmpty,
                case .mapping(let fields, _) = p.value,
                case .mapping(let replicaFields, _)? = fields.first(where: { $0.key == "replicas" })?.value,
                let node = replicaFields.first(where: { $0.key == "remote" })?.value,
                case .mapping(let pairs, _) = node
            else { continue }
            let path = "components.\(p.key).replicas.remote"
            guard let home = stations[s].region else {
                reader.fail(
                    node, path,
                    "a database with replicas in other regions lives in a region itself: give it region: <one of \(names.isEmpty ? "the regions under 'regions:'" : names.joined(separator: ", "))>"
                )
                continue
            }
            var remote = db.remote
            for (k, pair) in pairs.enumerated() where k < remote.count {
                let at = path + "." + pair.key
                let key = ScenarioNode.scalar(pair.key, pair.keyLocation)
                guard let g = names.firstIndex(of: pair.key) else {
                    reader.fail(
                        key, at,
                        regions.list.isEmpty
                            ? "expected a region declared under 'regions:', found '\(pair.key)' (the scenario has no 'regions:')"
                            : "expected a region declared under 'regions:', found '\(pair.key)'",
                        suggestion: nearest(pair.key, in: names))
                    continue
                }
                if g == home {
                    reader.fail(
                        key, at,
                        "\(pair.key) is the database's own region: count its replicas there in replicas.count")
                    continue
                }
                remote[k].region = g
            }
            stations[s].database?.remote = remote
        }
    }
}
